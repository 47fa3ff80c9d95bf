"""Lobby at a hospital's scale: 50 kiosks against gunicorn (2 workers × 4 threads) on PostgreSQL,
with Lobby's connection pool beside SQLAlchemy's default pool (the old setting) in one run.

What is measured. K simulated kiosks (threads, one keep-alive `http.client` connection and
cookie jar each, like one browser per screen, each an enrolled kiosk with its device cookie) walk
the kiosk's most common journey over and over: the home screen, "Find your way", typing "xray"
in the search box (one htmx request per key, `HX-Request: true`), the first result's route page,
then back home. Between taps a kiosk waits a random 0.5–1.5 s (a person tapping), so 50 kiosks
send about 45 requests a second: a very busy lobby, far above what 50 screens see in a day, but
not a closed-loop stress test. Static files are left out (browsers cache them).

Reported per pool setting, over the measured phase (after a warm-up in which workers build their
wayfinding trees): requests, p50 / p99 / max latency of single requests (client-side wall time on
loopback), errors (transport failures, any status but 200), new PostgreSQL connections per minute
(the database's own `pg_stat_database.sessions` counter) and the most connections open at once
(`pg_stat_activity`, sampled every 0.5 s). Target: p99 ≤ 200 ms at 50 kiosks.

The old setting is SQLAlchemy's default pool (`pool_size` 5, `max_overflow` 10, no recycling):
with 4 threads per worker and up to two connections per request (the ORM session, and the
session purge on its own connection), requests overflow the pool, and every overflow connection
is closed when returned and opened again on the next one. Lobby's setting is `kiosk.config`'s
`DATABASE_POOL_*` defaults.

PostgreSQL database `lobby_bench_scale` on 127.0.0.1:5432 (user postgres, trust auth) is
created if missing, its schema dropped and migrated with `flask db upgrade`; synthetic kiosks are
added. Servers, clients and the database share the machine's CPUs: absolute numbers are for this
box; the side-by-side in one run is the point.

Run:  .venv/bin/python bench/bench_scale.py                     (about 2 minutes on 2 CPUs)
      .venv/bin/python bench/bench_scale.py --kiosks 20 --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
from local_server import HOST, empty_postgresql_database, free_port, healthy

from kiosk import create_app
from kiosk.devices.identity import enrol_device
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder
from kiosk.models import Kiosk

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_SERVER_URL = f"postgresql://postgres@{HOST}:5432"
POSTGRES_DATABASE = "lobby_bench_scale"
DEVICE_COOKIE = "lobby_kiosk"
GUNICORN_ARGS = ("--workers", "2", "--threads", "4")
REQUEST_TIMEOUT_S = 30.0
SERVER_START_LIMIT_S = 60.0
THINK_SECONDS = (0.5, 1.5)
TYPED_QUERY = "xray"
ROUTE_LINK = re.compile(r'href="(/find/to/[^"]+)"')
TARGET_P99_MS = 200.0


@dataclass(frozen=True)
class PoolSetting:
    """One row of the table: a name and the `LOBBY_DATABASE_POOL_*` environment it runs with."""

    name: str
    environment: Mapping[str, str]


POOL_SETTINGS = (
    PoolSetting(
        "old: SQLAlchemy default pool (5 + 10 overflow)",
        {
            "LOBBY_DATABASE_POOL_SIZE": "5",
            "LOBBY_DATABASE_POOL_MAX_OVERFLOW": "10",
            "LOBBY_DATABASE_POOL_TIMEOUT": "30",
            "LOBBY_DATABASE_POOL_RECYCLE": "-1",
        },
    ),
    PoolSetting("Lobby: kiosk.config DATABASE_POOL_* defaults", {}),
)


@dataclass
class KioskLog:
    """What one simulated kiosk saw in the measured phase: latencies by screen, errors."""

    request_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    """One pool setting's figures."""

    setting: PoolSetting
    request_ms: dict[str, list[float]]
    errors: list[str]
    new_connections_per_minute: float
    peak_connections: int


# --- Database and server ---------------------------------------------------------------------


def fresh_database() -> str:
    """`lobby_bench_scale`, created if missing, with an empty public schema."""
    return empty_postgresql_database(POSTGRES_SERVER_URL, POSTGRES_DATABASE)


@contextmanager
def environment_variables(settings: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block (`create_app` reads them), then restore."""
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def migrate_and_enrol(environment: Mapping[str, str], kiosks: int, log: Path) -> list[str]:
    """`flask db upgrade`, then synthetic kiosks at the floorplan's kiosk places; returns their
    device tokens."""
    with log.open("a") as output:
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "kiosk", "db", "upgrade"],
            env={**os.environ, **environment},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=output,
            check=True,
        )
    with environment_variables(environment):
        app = create_app()
    with app.app_context():
        places = list(current_wayfinder().floorplan.kiosks)
        tokens = []
        for index in range(kiosks):
            kiosk = Kiosk(
                name=f"bench-scale-{index:03d}",
                place=places[index % len(places)],
                printer_uri="dummy://",
            )
            db.session.add(kiosk)
            db.session.flush()
            tokens.append(enrol_device(kiosk))
        db.session.commit()
        db.engine.dispose()
    return tokens


@contextmanager
def gunicorn(
    environment: Mapping[str, str],
    log: Path,
    arguments: tuple[str, ...] = GUNICORN_ARGS,
    *,
    app: str = "kiosk:create_app()",
    start_limit_s: float = SERVER_START_LIMIT_S,
) -> Iterator[int]:
    """gunicorn (2 × 4 unless other `arguments`) serving `app` on a free loopback port;
    yields the port; always stopped."""
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), *arguments, "--bind", f"{HOST}:{port}"]
    with log.open("a") as output:
        server = subprocess.Popen(
            [*command, app],
            env={**os.environ, **environment},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + start_limit_s
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; log: {log}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- PostgreSQL's own counters ---------------------------------------------------------------


def sessions_started(monitor: psycopg.Connection) -> int:
    """Connections ever opened to the bench database (PostgreSQL ≥ 14)."""
    monitor.execute("SELECT pg_stat_clear_snapshot()")
    row = monitor.execute(
        "SELECT sessions FROM pg_stat_database WHERE datname = %s", (POSTGRES_DATABASE,)
    ).fetchone()
    assert row is not None
    return int(row[0])


def open_connections(monitor: psycopg.Connection) -> int:
    """Connections open to the bench database right now, the monitor's own excluded."""
    monitor.execute("SELECT pg_stat_clear_snapshot()")
    row = monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (POSTGRES_DATABASE,),
    ).fetchone()
    assert row is not None
    return int(row[0])


# --- Simulated kiosk -------------------------------------------------------------------------


class KioskBrowser:
    """One kiosk screen's browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int, device_token: str) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self.cookies = {DEVICE_COOKIE: device_token}

    def get(self, screen: str, path: str, log: KioskLog | None, htmx: bool = False) -> str:
        """GET a page like the kiosk's browser; record its latency under `screen` when `log`
        is given."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read().decode()
        except OSError as error:
            self.connection.close()
            if log is not None:
                log.errors.append(f"{path}: {error}")
            return ""
        elapsed_ms = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if log is not None:
            log.request_ms.setdefault(screen, []).append(elapsed_ms)
            if response.status != 200:
                log.errors.append(f"{path}: {response.status}")
        return body


def journey(browser: KioskBrowser, log: KioskLog | None, rng: random.Random) -> None:
    """Home → Find your way → type "xray" → first result's route → home, tapping like a person."""

    def tap(screen: str, path: str, htmx: bool = False) -> str:
        body = browser.get(screen, path, log, htmx)
        time.sleep(rng.uniform(*THINK_SECONDS))
        return body

    tap("home", "/")
    tap("find", "/find/")
    results = ""
    for length in range(1, len(TYPED_QUERY) + 1):
        results = tap("search", f"/find/search?q={TYPED_QUERY[:length]}", htmx=True)
    route = ROUTE_LINK.search(results)
    if route is None:
        if log is not None:
            log.errors.append("search found no route link")
        return
    tap("route", route.group(1).replace("&amp;", "&"))


def run_kiosk(
    port: int, token: str, seed: int, measure_from: float, measure_until: float, log: KioskLog
) -> None:
    """Walk journeys until the measured phase ends; only its requests are recorded."""
    rng = random.Random(seed)
    browser = KioskBrowser(port, token)
    time.sleep(rng.uniform(*THINK_SECONDS))  # kiosks do not all start on the same tick
    while time.monotonic() < measure_until:
        journey(browser, log if time.monotonic() >= measure_from else None, rng)
    browser.connection.close()


def measure(
    setting: PoolSetting, base: Mapping[str, str], tokens: list[str], args: argparse.Namespace
) -> Result:
    """Serve with one pool setting, run the kiosks, read PostgreSQL's counters."""
    environment = {**base, **setting.environment}
    log_file = Path(base["LOBBY_INSTANCE_PATH"]) / "server.log"
    with gunicorn(environment, log_file) as port:
        logs = [KioskLog() for _ in tokens]
        start = time.monotonic()
        measure_from = start + args.warm_up
        measure_until = measure_from + args.seconds
        threads = [
            threading.Thread(
                target=run_kiosk, args=(port, token, index, measure_from, measure_until, log)
            )
            for index, (token, log) in enumerate(zip(tokens, logs, strict=True))
        ]
        for thread in threads:
            thread.start()
        with psycopg.connect(f"{POSTGRES_SERVER_URL}/{POSTGRES_DATABASE}") as monitor:
            monitor.autocommit = True
            time.sleep(max(0.0, measure_from - time.monotonic()))
            sessions_before, peak = sessions_started(monitor), 0
            while time.monotonic() < measure_until:
                peak = max(peak, open_connections(monitor))
                time.sleep(0.5)
            # The monitor's own connection opened before the phase: not counted.
            opened = sessions_started(monitor) - sessions_before
        for thread in threads:
            thread.join()
    by_screen: dict[str, list[float]] = {}
    for log in logs:
        for screen, times in log.request_ms.items():
            by_screen.setdefault(screen, []).extend(times)
    return Result(
        setting,
        by_screen,
        [error for log in logs for error in log.errors],
        opened * 60 / args.seconds,
        peak,
    )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_cells(times: list[float]) -> str:
    """ "p50 / p99" in whole milliseconds."""
    return f"{statistics.median(times or [0]):.0f} / {percentile(times, 0.99):.0f}"


def report(results: list[Result], args: argparse.Namespace, load: float) -> str:
    """The side-by-side table, then p50 / p99 per screen."""
    lines = [
        f"{args.kiosks} kiosks, gunicorn {' '.join(GUNICORN_ARGS)}, PostgreSQL; "
        f"{args.warm_up:.0f} s warm-up, {args.seconds:.0f} s measured per row; "
        f"target p99 ≤ {TARGET_P99_MS:.0f} ms; load average at start {load:.1f} "
        f"on {os.cpu_count()} CPUs",
        "",
        "| pool | requests | p50 / p99 ms | max ms | errors | new connections/min | most open |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        times = [ms for screen_times in result.request_ms.values() for ms in screen_times]
        lines.append(
            f"| {result.setting.name} | {len(times)} | {latency_cells(times)} "
            f"| {max(times or [0]):.0f} | {len(result.errors)} "
            f"| {result.new_connections_per_minute:.0f} | {result.peak_connections} |"
        )
    screens = list(results[0].request_ms) if results else []
    lines += ["", "| pool | " + " | ".join(f"{screen} p50 / p99 ms" for screen in screens) + " |"]
    lines.append("|---|" + "---:|" * len(screens))
    for result in results:
        cells = [latency_cells(result.request_ms.get(screen, [])) for screen in screens]
        lines.append(f"| {result.setting.name} | " + " | ".join(cells) + " |")
    errors = [error for result in results for error in result.errors]
    if errors:
        lines += ["", "First errors: " + "; ".join(errors[:5])]
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    """Command-line options (defaults: the 50-kiosk run of the README)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--warm-up", type=float, default=10.0, help="seconds, unmeasured")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per row")
    return parser.parse_args()


def main() -> int:
    """Run both pool settings on one database and print the table."""
    args = parse_arguments()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lobby-bench-scale-") as folder:
        instance = Path(folder) / "instance"
        base = {
            "LOBBY_ENV_NAME": "development",
            "LOBBY_INSTANCE_PATH": str(instance),
            "LOBBY_DATABASE_URL": fresh_database(),
            "LOBBY_SECRET_KEY": "bench-scale-secret-key-not-for-production",
        }
        tokens = migrate_and_enrol(base, args.kiosks, Path(folder) / "migrate.log")
        results = [measure(setting, base, tokens, args) for setting in POOL_SETTINGS]
    print(report(results, args, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
