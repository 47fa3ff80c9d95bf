"""Publishing a new floorplan version to running gunicorn workers: Lobby beside a naive reload.

For a 10,000-node and a 100,000-node synthetic campus (bench/synthetic_campus.py, 20 kiosks),
each way starts the README's production command (`gunicorn --preload --workers 2 --threads 4`)
on a fresh PostgreSQL database whose live floorplan version is the campus. Kiosk screens (a
few threads asking for route pages to the campus's destinations, as visitors at the default
kiosk) run throughout. Then a new version (the campus with another content version and a
renamed destination) is stored as staff publishing would, and the bench measures:

- time until every worker serves it: from the commit until each worker (told apart by a
  response header the bench's app adds, see bench/publish_server.py) has answered `/healthz`
  with the new version number;
- peak RSS of each worker (from /proc/PID/smaps_rollup, sampled every 0.1 s) during the switch;
- kiosk route-page latency (p50 / p99 / max) during the switch (from the commit until every
  worker serves the new version, and 2 s more) beside the same before it.

Lobby checks the live version at most once a second and builds it in a background thread while
the old version answers. The naive way builds it inside the request that noticed it.

Run:  .venv/bin/python bench/bench_floorplan_publish.py                 (10,000 and 100,000)
      .venv/bin/python bench/bench_floorplan_publish.py --nodes 10000
Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); uses database
`lobby_bench_publish`, emptied first. Loopback only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import gunicorn  # noqa: E402
from local_server import HOST, empty_postgresql_database  # noqa: E402
from publish_server import WORKER_HEADER  # noqa: E402
from smaps import memory_of  # noqa: E402
from synthetic_campus import synthetic_campus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES_SERVER_URL = f"postgresql://postgres@{HOST}:5432"
POSTGRES_DATABASE = "lobby_bench_publish"
START_LIMIT_S = 900
PRODUCTION_ARGS = ("--preload", "--workers", "2", "--threads", "4")
SWITCH_LIMIT_S = 600
WARM_UP_S = 5.0
AFTER_SWITCH_S = 2.0
KIOSK_THREADS = 4
KIOSK_PAUSE_S = 0.05
WAYS = {
    "Lobby: background build, swap whole": "lobby_app()",
    "naive: rebuild in the request": "naive_app()",
}


@dataclass
class Timeline:
    """What the load and the samplers saw, with monotonic timestamps."""

    kiosk: list[tuple[float, float]] = field(default_factory=list)  # (start, ms)
    errors: Counter[str] = field(default_factory=Counter)  # what failed: status or exception
    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    switched_at: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Row:
    """One way's figures on one campus."""

    way: str
    nodes: int
    switch_s: float | None
    per_worker_s: list[float]
    peak_rss_mb: list[float]
    before_ms: list[float]
    during_ms: list[float]
    errors: Counter[str]


def version_row(number: int, document: str) -> dict[str, Any]:
    """A `floorplan_versions` row as publishing stores it."""
    return {
        "number": number,
        "document": document,
        "sha256": hashlib.sha256(document.encode("utf-8")).hexdigest(),
        "note": f"bench version {number}",
        "origin": "import",
    }


def store_version(database_url: str, number: int, document: str) -> None:
    """Commit a version, as `admin.floorplans.publishing` does after its checks (the campus
    passes them; tests/wayfinding check the synthetic campus)."""
    with psycopg.connect(database_url) as connection:
        connection.execute(
            "INSERT INTO floorplan_versions (number, document, sha256, published_at, note, origin)"
            " VALUES (%(number)s, %(document)s, %(sha256)s, now(), %(note)s, %(origin)s)",
            version_row(number, document),
        )


def get(port: int, path: str) -> tuple[int, int, bytes]:
    """One GET on a fresh connection: status, answering worker's pid, body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, int(response.getheader(WORKER_HEADER) or 0), response.read()
    finally:
        connection.close()


def kiosk_load(port: int, paths: list[str], stop: threading.Event, seen: Timeline) -> None:
    """One kiosk screen asking for route pages until `stop`."""
    index = 0
    while not stop.is_set():
        started = time.monotonic()
        try:
            status, _pid, _body = get(port, paths[index % len(paths)])
            failure = "" if status == 200 else f"HTTP {status}"
        except OSError as problem:
            failure = type(problem).__name__
        with seen.lock:
            seen.kiosk.append((started, (time.monotonic() - started) * 1000))
            if failure:
                seen.errors[failure] += 1
        index += 1
        stop.wait(KIOSK_PAUSE_S)


def sample_memory(workers: list[int], stop: threading.Event, seen: Timeline) -> None:
    """Each worker's peak RSS until `stop`."""
    while not stop.is_set():
        for pid in workers:
            try:
                rss = memory_of(pid).resident
            except OSError:
                continue
            seen.peak_rss_mb[pid] = max(seen.peak_rss_mb.get(pid, 0.0), rss)
        stop.wait(0.1)


def watch_versions(port: int, workers: list[int], number: int, seen: Timeline) -> None:
    """Poll `/healthz` until every worker has answered with version `number` (or time out)."""
    deadline = time.monotonic() + SWITCH_LIMIT_S
    while set(seen.switched_at) != set(workers) and time.monotonic() < deadline:
        try:
            status, pid, body = get(port, "/healthz")
        except OSError:
            continue
        if status == 200 and json.loads(body)["floorplan"]["published_number"] == number:
            seen.switched_at.setdefault(pid, time.monotonic())
        time.sleep(0.02)


def gunicorn_workers(port: int) -> list[int]:
    """The worker processes of the gunicorn bound to `port`: the processes started with that
    address whose parent was started with it too (the master)."""
    bound: dict[int, int] = {}  # pid: parent pid
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and f"{HOST}:{port}".encode() in (entry / "cmdline").read_bytes()
            ):
                status = (entry / "status").read_text()
                bound[int(entry.name)] = int(status.split("PPid:")[1].split()[0])
        except OSError:
            continue  # a process that ended meanwhile
    return sorted(pid for pid, parent in bound.items() if parent in bound)


def measure(way: str, app: str, campus: dict[str, Any], folder: Path) -> Row:
    """Start one way on a fresh database holding the campus, publish the next version, and
    record the switch."""
    database = empty_postgresql_database(POSTGRES_SERVER_URL, POSTGRES_DATABASE)
    environment = {
        "LOBBY_ENV_NAME": "development",
        "LOBBY_INSTANCE_PATH": str(folder / "instance"),
        "LOBBY_DATABASE_URL": database,
        "LOBBY_SECRET_KEY": "bench-publish-secret-key-not-for-production",
    }
    log = folder / "server.log"
    flask = [str(BIN / "flask"), "--app", "kiosk"]
    subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **environment},
        check=True,
        capture_output=True,
    )
    first = json.dumps(campus)
    second = json.dumps(next_version(campus))
    store_version(database, 1, first)
    paths = [f"/find/to/{d['id']}" for d in campus["destinations"] if d.get("access") != "staff"]
    seen = Timeline()
    stop = threading.Event()
    server_environment = {**environment, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    with gunicorn(
        server_environment,
        log,
        PRODUCTION_ARGS,
        app=f"publish_server:{app}",
        start_limit_s=START_LIMIT_S,
    ) as port:
        workers = gunicorn_workers(port)
        threads = [
            threading.Thread(target=kiosk_load, args=(port, paths[i::KIOSK_THREADS], stop, seen))
            for i in range(KIOSK_THREADS)
        ]
        threads.append(threading.Thread(target=sample_memory, args=(workers, stop, seen)))
        for thread in threads:
            thread.start()
        try:
            time.sleep(WARM_UP_S)  # the load runs; the "before" figures come from this window
            published_at = time.monotonic()
            store_version(database, 2, second)
            watch_versions(port, workers, 2, seen)
            time.sleep(AFTER_SWITCH_S)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    switched = [seen.switched_at[pid] - published_at for pid in workers if pid in seen.switched_at]
    all_switched = len(switched) == len(workers)
    end = (max(seen.switched_at.values()) if all_switched else time.monotonic()) + AFTER_SWITCH_S
    return Row(
        way=way,
        nodes=len(campus["nodes"]),
        switch_s=max(switched) if all_switched else None,
        per_worker_s=sorted(switched),
        peak_rss_mb=[seen.peak_rss_mb.get(pid, 0.0) for pid in workers],
        before_ms=[ms for start, ms in seen.kiosk if start < published_at],
        during_ms=[ms for start, ms in seen.kiosk if published_at <= start <= end],
        errors=seen.errors,
    )


def next_version(campus: dict[str, Any]) -> dict[str, Any]:
    """The campus as staff would publish it next: another content version, a renamed place."""
    renamed = dict(campus["destinations"][0], name="Renamed for the bench")
    return {
        **campus,
        "version": "bench-next",
        "destinations": [renamed, *campus["destinations"][1:]],
    }


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def latency(values: list[float]) -> str:
    """p50 / p99 / max in ms, with the count."""
    if not values:
        return "no requests"
    return (
        f"{statistics.median(values):.0f} / {percentile(values, 0.99):.0f} / "
        f"{max(values):.0f} ms ({len(values)})"
    )


def failures(errors: Counter[str]) -> str:
    """How many requests failed, and how."""
    kinds = ", ".join(f"{kind} × {count}" for kind, count in errors.most_common())
    return f"{errors.total()} ({kinds})" if errors else "0"


def table(rows: list[Row]) -> str:
    """The Markdown table."""
    lines = [
        "| campus | way | every worker serves it | per worker | worker peak RSS "
        "| kiosk p50 / p99 / max before | during the switch | errors |",
        "|---|---|---:|---|---|---|---|---:|",
    ]
    for row in rows:
        switch = "not within the limit" if row.switch_s is None else f"{row.switch_s:.1f} s"
        lines.append(
            f"| {row.nodes:,} nodes | {row.way} | {switch} | "
            + ", ".join(f"{s:.1f} s" for s in row.per_worker_s)
            + " | "
            + ", ".join(f"{mb:.0f} MB" for mb in row.peak_rss_mb)
            + f" | {latency(row.before_ms)} | {latency(row.during_ms)} | {failures(row.errors)} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = []
    for nodes in args.nodes:
        campus = synthetic_campus(nodes)
        for way, app in WAYS.items():
            with tempfile.TemporaryDirectory(prefix="lobby-bench-publish-") as folder:
                rows.append(measure(way, app, campus, Path(folder)))
                print(table(rows[-1:]).splitlines()[-1], flush=True)
    print(f"\nload average at the start: {load:.1f} on {os.cpu_count()} CPUs\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
