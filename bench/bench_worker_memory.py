"""Memory of real gunicorn workers serving a synthetic campus: this code beside older code.

The production command (`gunicorn --preload --workers 2 --threads 4 "kiosk:create_app()"`)
is started on a synthetic campus (bench/synthetic_campus.py, 20 kiosks) with a fresh SQLite
database, once with this working tree's code and once with the code of a baseline git commit
(by default 722bda1, the last one before the floorplan and its trees were made compact),
exported with `git archive` and run the same way, in the same run. When `/healthz` answers,
the home page and `/healthz` are fetched, then each process's memory is read from
/proc/PID/smaps_rollup:

- RSS: every page the process has resident, shared or not (the target: <= 250 MB per worker
  at 100,000 nodes);
- PSS: shared pages divided among the processes that share them (what the box really pays);
- own (USS): pages no other process shares.

Each code version is started `--repeat` times, as other work on the machine moves figures;
the table shows the lowest and highest of each. Startup is from launch to `/healthz` 200
(load, precompute and validate happen before gunicorn forks).

Run:  .venv/bin/python bench/bench_worker_memory.py                 (100,000 nodes; ~5 min)
      .venv/bin/python bench/bench_worker_memory.py --nodes 10000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_server import HOST, free_port, healthy  # noqa: E402
from smaps import ProcessMemory, memory_of  # noqa: E402
from synthetic_campus import synthetic_campus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASELINE = "722bda1"
STARTUP_LIMIT_S = 900


@dataclass(frozen=True)
class Server:
    """What one start of gunicorn measured."""

    startup_s: float
    master: ProcessMemory
    workers: list[ProcessMemory]


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (gunicorn's workers)."""
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def export_code(commit: str, into: Path) -> Path:
    """The project's files at `commit`, written under `into` (git archive)."""
    archive = into / "code.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", commit], stdout=out, check=True)
    code = into / "code"
    with tarfile.open(archive) as tar:
        tar.extractall(code, filter="data")
    return code


def serve_and_measure(code: Path, floorplan: Path, workdir: Path) -> Server:
    """Start the production command with `code` on `floorplan`; measure it once ready."""
    instance = Path(tempfile.mkdtemp(dir=workdir))
    env = {**os.environ, "PYTHONPATH": str(code), "LOBBY_INSTANCE_PATH": str(instance)}
    env.pop("LOBBY_DATABASE_URL", None)  # the instance's own SQLite file
    flask = [str(BIN / "flask"), "--app", "kiosk"]
    # The schema, with the demo floorplan: publishing the campus is what gunicorn is timed on.
    subprocess.run([*flask, "db", "upgrade"], cwd=code, env=env, check=True, capture_output=True)
    env["LOBBY_FLOORPLAN_PATH"] = str(floorplan)
    port = free_port()
    command = [str(BIN / "gunicorn"), "--preload", "--workers", "2", "--threads", "4"]
    command += ["--bind", f"{HOST}:{port}", "kiosk:create_app()"]
    started = time.monotonic()
    server = subprocess.Popen(command, cwd=code, env=env, stderr=subprocess.DEVNULL)
    try:
        while not healthy(port):
            if server.poll() is not None or time.monotonic() - started > STARTUP_LIMIT_S:
                raise RuntimeError(f"gunicorn with {code} did not become healthy")
            time.sleep(0.5)
        startup_s = time.monotonic() - started
        for page in ("/", "/healthz", "/"):
            with urllib.request.urlopen(f"http://{HOST}:{port}{page}", timeout=30) as answer:
                answer.read()
        workers = children_of(server.pid)
        return Server(startup_s, memory_of(server.pid), [memory_of(pid) for pid in workers])
    finally:
        server.terminate()
        server.wait(timeout=60)


def spread(values: list[float]) -> str:
    """The lowest and highest of some figures, as '123-130 MB' (one figure alone if equal)."""
    low, high = min(values), max(values)
    return f"{low:,.0f} MB" if round(low) == round(high) else f"{low:,.0f}-{high:,.0f} MB"


def table_rows(name: str, runs: list[Server]) -> list[str]:
    """One Markdown row per code version."""
    workers = [worker for run in runs for worker in run.workers]
    cells = [
        name,
        spread([worker.resident for worker in workers]),
        spread([worker.proportional for worker in workers]),
        spread([worker.own for worker in workers]),
        spread([run.master.resident for run in runs]),
        " / ".join(f"{run.startup_s:.0f} s" for run in runs),
    ]
    return ["| " + " | ".join(cells) + " |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        floorplan = workdir / "campus.json"
        campus = synthetic_campus(args.nodes)
        floorplan.write_text(json.dumps(campus), encoding="utf-8")
        nodes = f"{len(campus['nodes']):,} nodes"
        del campus
        versions = {
            "Lobby (this code)": ROOT,
            f"before ({args.baseline})": export_code(args.baseline, workdir),
        }
        runs: dict[str, list[Server]] = {name: [] for name in versions}
        for _ in range(args.repeat):  # alternate, so both meet the same machine load
            for name, code in versions.items():
                runs[name].append(serve_and_measure(code, floorplan, workdir))
    print(
        f"| {nodes}, 2 workers | worker RSS | worker PSS | worker own (USS) "
        "| master RSS | startup |"
    )
    print("|---|---|---|---|---|---|")
    for name, measured in runs.items():
        print("\n".join(table_rows(name, measured)))


if __name__ == "__main__":
    main()
