"""Print workers for 20 printers: one dispatcher process against one worker process per printer.

Run:  .venv/bin/python bench/bench_print_dispatch.py        (prints a Markdown table)

Both ways serve the same 20 network printers (fake ESC/POS printers on 127.0.0.1, the ones the
tests use) from a fresh SQLite database: each printer first gets one receipt, which must come
out, then the workers sit idle and we measure what they cost while idle — resident memory (RSS,
which counts shared pages once per process) and proportional memory (PSS, which shares them
out, so it is the honest sum), and CPU time over an idle window. The naive way is the one the
README used to document: `flask print-worker --printer URI` once per printer. Lobby's way is
`flask print-worker --all`: one process, a thread per printer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # for the tests' fake printer

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Kiosk, PrintJob, PrintJobStatus  # noqa: E402
from kiosk.printing.queue import enqueue_receipt  # noqa: E402
from kiosk.printing.receipt import Receipt, Text, Title  # noqa: E402
from tests.printing.fake_printer import FakePrinter  # noqa: E402

PRINTERS = 20
IDLE_SECONDS = 10.0
PRINT_DEADLINE_SECONDS = 180.0
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "kiosk"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cost:
    """What a way of running the workers cost while idle."""

    processes: int
    rss_mb: float
    pss_mb: float
    cpu_percent: float
    printed: int
    startup_seconds: float


def memory_kb(pid: int, field: str, source: str) -> int:
    """One `Field:  N kB` line of /proc/<pid>/<source>."""
    for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/{source}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def printed_jobs(app_config: dict[str, object]) -> int:
    """How many jobs are printed."""
    app = create_app(app_config)
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(PrintJob)
            .where(PrintJob.status == PrintJobStatus.PRINTED)
        )
        db.engine.dispose()
    return int(count or 0)


def queue_one_receipt_per_printer(app_config: dict[str, object], uris: list[str]) -> None:
    """A kiosk per printer and one short receipt each (synthetic, no patient data)."""
    app = create_app(app_config)
    with app.app_context():
        for index, uri in enumerate(uris):
            kiosk = db.session.scalar(select(Kiosk).where(Kiosk.printer_uri == uri))
            if kiosk is None:
                kiosk = Kiosk(name=f"bench-kiosk-{index:02d}", printer_uri=uri)
                db.session.add(kiosk)
                db.session.flush()
            receipt = Receipt("ticket").add(Title(f"A-{index:03d}"), Text("Imaging, Level 2"))
            enqueue_receipt(kiosk, receipt)
        db.session.commit()
        db.engine.dispose()


@contextmanager
def started(commands: list[list[str]], env: dict[str, str]) -> Iterator[list[int]]:
    """Start the worker processes; stop each with SIGTERM (then SIGKILL) afterwards."""
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in commands
    ]
    try:
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def measure(
    commands: list[list[str]], env: dict[str, str], app_config: dict[str, object], expected: int
) -> Cost:
    """Run the commands until every receipt is printed, then measure them idle."""
    begin = time.monotonic()
    with started(commands, env) as pids:
        while printed_jobs(app_config) < expected:
            if time.monotonic() - begin > PRINT_DEADLINE_SECONDS:
                raise SystemExit("the workers did not print every receipt in time")
            time.sleep(0.5)
        startup = time.monotonic() - begin
        time.sleep(2.0)  # let the last job's work settle
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        time.sleep(IDLE_SECONDS)
        cpu_used = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        rss = sum(memory_kb(pid, "VmRSS", "status") for pid in pids)
        pss = sum(memory_kb(pid, "Pss", "smaps_rollup") for pid in pids)
        printed = printed_jobs(app_config)
    return Cost(
        processes=len(pids),
        rss_mb=rss / 1024,
        pss_mb=pss / 1024,
        cpu_percent=100 * cpu_used / IDLE_SECONDS,
        printed=printed,
        startup_seconds=startup,
    )


def main() -> None:
    printers = [FakePrinter().switch_on() for _ in range(PRINTERS)]
    uris = [printer.uri for printer in printers]
    with tempfile.TemporaryDirectory(prefix="lobby-bench-print-") as instance:
        os.environ["LOBBY_INSTANCE_PATH"] = instance
        database_url = f"sqlite:///{instance}/lobby.sqlite"
        app_config: dict[str, object] = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench-only",
        }
        env = {
            **os.environ,
            "LOBBY_INSTANCE_PATH": instance,
            "LOBBY_DATABASE_URL": database_url,
            "LOBBY_SECRET_KEY": "bench-only",
            "LOBBY_LOG_LEVEL": "WARNING",
        }
        app = create_app(app_config)
        with app.app_context():
            upgrade(directory=str(PROJECT / "migrations"))
            db.engine.dispose()
        queue_one_receipt_per_printer(app_config, uris)
        naive = measure(
            [[*FLASK, "print-worker", "--printer", uri] for uri in uris],
            env,
            app_config,
            PRINTERS,
        )
        queue_one_receipt_per_printer(app_config, uris)
        lobby = measure([[*FLASK, "print-worker", "--all"]], env, app_config, 2 * PRINTERS)
    for printer in printers:
        printer.switch_off()
    print(f"Print workers for {PRINTERS} network printers, idle for {IDLE_SECONDS:g} s after")
    print("one receipt each (Linux /proc figures; PSS shares pages out between processes).\n")
    print(
        "| way | processes | RSS total | PSS total | idle CPU (% of a core) | first receipts out |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, cost in (
        ("Naive: one `print-worker --printer` process per printer", naive),
        ("Lobby: one `print-worker --all` dispatcher, a thread per printer", lobby),
    ):
        print(
            f"| {name} | {cost.processes} | {cost.rss_mb:.0f} MB | {cost.pss_mb:.0f} MB | "
            f"{cost.cpu_percent:.1f} % | {cost.startup_seconds:.1f} s |"
        )
    print(
        f"\nPSS saved: {naive.pss_mb / lobby.pss_mb:.1f}x; receipts printed: "
        f"{naive.printed} then {lobby.printed} (cumulative)."
    )


if __name__ == "__main__":
    main()
