"""The front desk beside the lobby: coordinator screens polling a staff page every 2 s while
kiosks walk their journey, against one gunicorn (the README's production command) on
PostgreSQL, on this machine.

What is measured. S coordinator screens (threads, one keep-alive connection and cookie jar
each, every one signed in through the real sign-in pages as its own synthetic coordinator
account) GET the staff page under test every 2 s, with `HX-Request: true` as htmx polling sends
it. A screen that got an `ETag` sends it back as `If-None-Match` (the conditional way); the
naive row polls the same page without it, so every poll is rendered in full. K kiosks walk
`bench_scale`'s journey at a person's pace (home, "Find your way", typing "xray" one htmx
request per key, the first result's route). Both rows run on one database, one after the other.

Reported per row: p50 / p99 per staff poll and per kiosk screen (client wall time on loopback),
how many polls were answered 304, and errors (any transport failure, any status but 200/304).

The staff page defaults to the Printers screen (`/staff/printers/`, every printer with its last
jobs); `--staff-path` polls another (the Today list's partial once it is served). A page that
sends no `ETag` makes both rows the same measurement.

PostgreSQL database `lobby_bench_front_desk` on 127.0.0.1:5432 (user postgres, trust auth) is
created if missing, emptied and migrated; synthetic kiosks, coordinator accounts, printers and
print jobs are added. Sign-in's per-address limit is raised for the run only (every screen signs
in from 127.0.0.1). Server, clients and database share the machine's CPUs: absolute figures are
for this box; the side-by-side in one run is the point.

Run:  .venv/bin/python bench/bench_front_desk.py                   (about 2 minutes on 2 CPUs)
      .venv/bin/python bench/bench_front_desk.py --kiosks 10 --screens 10 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench_scale import (
    POSTGRES_SERVER_URL,
    KioskBrowser,
    KioskLog,
    gunicorn,
    latency_cells,
    migrate_and_enrol,
    run_kiosk,
)
from local_server import empty_postgresql_database

from admin.auth import accounts
from kiosk import create_app
from kiosk.config import DEFAULTS
from kiosk.extensions import db
from kiosk.models import Kiosk, PrintJob, PrintJobStatus, StaffRoleName
from kiosk.models.types import utcnow

POSTGRES_DATABASE = "lobby_bench_front_desk"
POLL_SECONDS = 2.0
# The README's production command: workers forked after the app (and its routing trees) is built.
GUNICORN_ARGS = ("--preload", "--workers", "2", "--threads", "4")
STAFF_PASSWORD = "bench front desk synthetic password"
JOBS_PER_PRINTER = 40
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class PollingWay:
    """One row: whether screens send back the ETag they were given."""

    name: str
    conditional: bool


WAYS = (
    PollingWay("naive: full page on every poll", conditional=False),
    PollingWay("conditional: If-None-Match, 304 when unchanged", conditional=True),
)


@dataclass
class StaffLog:
    """What one coordinator screen saw in the measured phase."""

    poll_ms: list[float] = field(default_factory=list)
    not_modified: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One polling way's figures."""

    way: PollingWay
    staff: list[StaffLog]
    kiosks: list[KioskLog]


class StaffScreen(KioskBrowser):
    """A coordinator's browser: a keep-alive connection with its cookies (no device cookie)."""

    def __init__(self, port: int) -> None:
        super().__init__(port, "")
        self.cookies = {}
        self.etag = ""

    def send(self, method: str, path: str, body: str = "", **headers: str) -> tuple[int, str]:
        """One request with the screen's cookies; remembers cookies and the ETag."""
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body or None, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.etag = response.headers.get("ETag", self.etag)
        return response.status, text

    def sign_in(self, email: str) -> None:
        """Through the sign-in page, as a coordinator does (no authenticator: password only)."""
        _status, page = self.send("GET", "/staff/sign-in")
        token = CSRF_FIELD.search(page)
        if token is None:
            raise RuntimeError("the sign-in page has no CSRF token")
        form = f"email={email}&password={STAFF_PASSWORD.replace(' ', '+')}&csrf_token={token[1]}"
        status, _page = self.send("POST", "/staff/sign-in", form)
        if status != 302:
            raise RuntimeError(f"sign-in of {email} answered {status}")


def poll(
    screen: StaffScreen,
    path: str,
    conditional: bool,
    measure_from: float,
    measure_until: float,
    log: StaffLog,
) -> None:
    """Poll `path` every 2 s until the measured phase ends; record only its polls."""
    time.sleep(random.uniform(0, POLL_SECONDS))  # screens were opened at different moments
    while time.monotonic() < measure_until:
        headers = {"HX-Request": "true"}
        if conditional and screen.etag:
            headers["If-None-Match"] = screen.etag
        started = time.perf_counter()
        try:
            status, _body = screen.send("GET", path, **headers)
        except OSError as error:
            screen.connection.close()
            status, _body = 0, str(error)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if time.monotonic() >= measure_from:
            log.poll_ms.append(elapsed_ms)
            log.not_modified += status == 304
            if status not in (200, 304):
                log.errors.append(f"{path}: {status}")
        time.sleep(max(0.0, POLL_SECONDS - elapsed_ms / 1000))
    screen.connection.close()


def prepare(environment: Mapping[str, str], screens: int) -> list[str]:
    """Coordinator accounts and a day of print jobs on the kiosks' printers; their emails."""
    os.environ.update(environment)
    app = create_app()
    with app.app_context():
        emails = []
        for index in range(screens):
            email = f"bench-desk-{index:03d}@example.org"
            new = accounts.NewAccount(email, STAFF_PASSWORD, (StaffRoleName.COORDINATOR,), "")
            accounts.create_account(new)
            emails.append(email)
        for kiosk in db.session.query(Kiosk).limit(4):
            kiosk.printer_uri = f"network://10.0.0.{kiosk.id}:9100"
            for number in range(JOBS_PER_PRINTER):
                db.session.add(
                    PrintJob(
                        kiosk_id=kiosk.id,
                        printer_uri=kiosk.printer_uri,
                        purpose="ticket" if number % 2 else "directions",
                        payload=b"synthetic receipt",
                        status=PrintJobStatus.SENT,
                        ended_at=utcnow(),
                    )
                )
        db.session.commit()
        db.engine.dispose()
    return emails


def measure(
    way: PollingWay,
    environment: Mapping[str, str],
    tokens: list[str],
    emails: list[str],
    args: argparse.Namespace,
) -> Row:
    """Serve, sign the screens in, then run screens and kiosks together."""
    log_file = Path(environment["LOBBY_INSTANCE_PATH"]) / "server.log"
    with gunicorn(environment, log_file, GUNICORN_ARGS) as port:
        screens = [StaffScreen(port) for _ in emails]
        for screen, email in zip(screens, emails, strict=True):
            screen.sign_in(email)
        staff_logs = [StaffLog() for _ in screens]
        kiosk_logs = [KioskLog() for _ in tokens]
        measure_from = time.monotonic() + args.warm_up
        measure_until = measure_from + args.seconds
        threads = [
            threading.Thread(
                target=poll,
                args=(screen, args.staff_path, way.conditional, measure_from, measure_until, log),
            )
            for screen, log in zip(screens, staff_logs, strict=True)
        ] + [
            threading.Thread(
                target=run_kiosk, args=(port, token, index, measure_from, measure_until, log)
            )
            for index, (token, log) in enumerate(zip(tokens, kiosk_logs, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return Row(way, staff_logs, kiosk_logs)


def report(rows: list[Row], args: argparse.Namespace, load: float) -> str:
    """p50 / p99 per staff poll beside each kiosk screen, one line per polling way."""
    screens = ["home", "find", "search", "route"]
    lines = [
        f"{args.screens} coordinator screens polling {args.staff_path} every "
        f"{POLL_SECONDS:.0f} s + {args.kiosks} kiosks; gunicorn {' '.join(GUNICORN_ARGS)}, "
        f"PostgreSQL; {args.warm_up:.0f} s warm-up, {args.seconds:.0f} s measured per row; "
        f"load average at start {load:.1f} on {os.cpu_count()} CPUs",
        "",
        "| polling | staff polls | 304 | staff poll p50 / p99 ms | "
        + " | ".join(f"kiosk {screen} p50 / p99 ms" for screen in screens)
        + " | errors |",
        "|---|---:|---:|---:|" + "---:|" * len(screens) + "---:|",
    ]
    for row in rows:
        polls = [ms for log in row.staff for ms in log.poll_ms]
        kiosk_times: dict[str, list[float]] = {}
        for kiosk_log in row.kiosks:
            for screen, times in kiosk_log.request_ms.items():
                kiosk_times.setdefault(screen, []).extend(times)
        errors = [e for log in row.staff for e in log.errors] + [
            e for log in row.kiosks for e in log.errors
        ]
        cells = [latency_cells(kiosk_times.get(screen, [])) for screen in screens]
        lines.append(
            f"| {row.way.name} | {len(polls)} | {sum(log.not_modified for log in row.staff)} "
            f"| {latency_cells(polls)} | " + " | ".join(cells) + f" | {len(errors)} |"
        )
        if errors:
            lines.append(f"|  first errors: {'; '.join(errors[:3])} |")
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    """Command-line options (defaults: the run in the README)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--screens", type=int, default=50, help="coordinator screens")
    parser.add_argument("--staff-path", default="/staff/printers/", help="staff page polled")
    parser.add_argument("--warm-up", type=float, default=10.0, help="seconds, unmeasured")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per row")
    return parser.parse_args()


def main() -> int:
    """Both polling ways on one database; print the table."""
    args = parse_arguments()
    load = os.getloadavg()[0]
    signin_limits = {**DEFAULTS["RATE_LIMITS"], "security.login": "6000 per minute"}
    with tempfile.TemporaryDirectory(prefix="lobby-bench-front-desk-") as folder:
        environment = {
            "LOBBY_ENV_NAME": "development",
            "LOBBY_INSTANCE_PATH": str(Path(folder) / "instance"),
            "LOBBY_DATABASE_URL": empty_postgresql_database(POSTGRES_SERVER_URL, POSTGRES_DATABASE),
            "LOBBY_SECRET_KEY": "bench-front-desk-secret-key-not-for-production",
            "LOBBY_RATE_LIMITS": json.dumps(signin_limits),
        }
        tokens = migrate_and_enrol(environment, args.kiosks, Path(folder) / "migrate.log")
        emails = prepare(environment, args.screens)
        rows = [measure(way, environment, tokens, emails, args) for way in WAYS]
    print(report(rows, args, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
