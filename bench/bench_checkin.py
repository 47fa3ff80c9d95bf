"""Check-in throughput: many kiosks doing the whole arrival flow at once against gunicorn, on
SQLite and on PostgreSQL, with Lobby's documented server setup beside the naive one in one run.

What is measured. K simulated kiosks (threads, one `http.client` connection and cookie jar
each, like one browser per screen) each check in N synthetic patients back to back, with no
think time: the server is as busy as K kiosks can make it, which is a stress test rather than a
day at the front door. One check-in is every request a kiosk browser sends for it, each checked
for its expected status and redirect target:

    GET /check-in/ · GET /check-in/code · POST /check-in/code (303) · GET+POST confirm ·
    [GET+POST "Do you need a route without stairs?" ("no"), where the step-free way differs] ·
    GET+POST contact · GET+POST insurance ("same" when on file, else "self_pay") ·
    GET+POST consent (tap, 303 to done) · GET /check-in/done · GET its ticket QR image ·
    POST /reset (303) · GET /

15 requests (17 with the stairs question). Static files are left out (a kiosk caches them).
Reported: check-ins per second over the measured phase, p50/p99 of single requests and of whole
check-ins (client-side wall time on loopback), and errors: any transport failure, status or redirect
target other than the expected one. Each kiosk first does one unmeasured warm-up check-in (workers
build their wayfinding trees and connection pools). Afterwards the database is asked whether every
check-in that reached its ticket screen left exactly one `CheckIn` row and one ticket print job, and
nothing else.

Identity lookups are padded to `IDENTIFY_MIN_SECONDS` (0.25 s, the production default) so that
a failure cannot be told from a success by its timing; the main rows use that default, and a
row with 0 shows the server's own cost. A gunicorn sync worker is busy during that padding.

The naive way is gunicorn as it comes: `gunicorn "kiosk:create_app()"` runs one sync worker.
Lobby's way is what README.md documents for production: `--workers 2` (sync). A third setup,
`--workers 2 --threads 4` (gthread), shows what threads buy: a sync worker does nothing else
while a lookup pads, a gthread worker serves other kiosks meanwhile.
Servers, clients and databases share the machine's CPUs, so absolute numbers are for this box;
the side-by-side within one run is the point.

Each row gets a fresh database: SQLite (Lobby's pragmas: WAL, busy_timeout, synchronous=FULL)
in a temporary instance folder, or PostgreSQL database `lobby_bench` on 127.0.0.1:5432 (user
postgres, trust auth), created if missing, its schema dropped and migrated with
`flask db upgrade`. Then the bench adds kiosks (enrolled: device cookies), a background of
synthetic patients with appointments spread over today, and one synthetic patient with one
booked appointment in the check-in window and a fresh code per planned check-in. All data is
made up. Do not run it across midnight (facility time): codes expire at day end.

Run:  .venv/bin/python bench/bench_checkin.py                     (about 2.5 minutes on 2 CPUs)
      .venv/bin/python bench/bench_checkin.py --kiosks 16 --checkins 20 --backends postgresql
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import psycopg
from flask import Flask
from local_server import HOST, empty_postgresql_database, free_port, healthy
from sqlalchemy import func, select

from kiosk import create_app
from kiosk.checkin.codes import (
    code_digest,
    code_key,
    issue_code,
    random_canonical_code,
)
from kiosk.checkin.identity import fold_name
from kiosk.demo.patients import ensure_demo_departments
from kiosk.devices.identity import enrol_device
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.floorplan import current_wayfinder
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    CheckIn,
    Department,
    InsuranceCoverage,
    Kiosk,
    Patient,
)
from kiosk.models.printing import PrintJob
from kiosk.models.types import utcnow

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_SERVER_URL = f"postgresql://postgres@{HOST}:5432"
POSTGRES_DATABASE = "lobby_bench"
PRODUCTION_IDENTIFY_MIN_SECONDS = 0.25
SESSION_COOKIE = "lobby_session"
DEVICE_COOKIE = "lobby_kiosk"
REQUEST_TIMEOUT_S = 30.0
SERVER_START_LIMIT_S = 30.0
SERVER_STOP_LIMIT_S = 30.0
CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
TICKET_QR = re.compile(r'<img src="(/t/[^"]+)"')
TICKET_LABEL = re.compile(r'class="ticket-number"[^>]*>([A-Z]+-\d+)<')


@dataclass(frozen=True)
class ServerSetup:
    """One way to run gunicorn."""

    label: str
    gunicorn_args: tuple[str, ...]


SETUPS: dict[str, ServerSetup] = {
    "naive": ServerSetup("naive: gunicorn default, 1 sync worker", ("--workers", "1")),
    "ours": ServerSetup("README: gunicorn --workers 2 (sync)", ("--workers", "2")),
    "threads": ServerSetup(
        "gunicorn --workers 2 --threads 4 (gthread)", ("--workers", "2", "--threads", "4")
    ),
}
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Run:
    """One row of the table: a backend, a server setup and the identify padding."""

    backend: str
    setup: str
    identify_min_seconds: float


@dataclass(frozen=True)
class PlannedCheckIn:
    """A synthetic patient's appointment and the answers the kiosk will give for it."""

    appointment_id: int
    code: str
    insurance_choice: str


@dataclass(frozen=True)
class KioskPlan:
    """An enrolled kiosk (its device cookie) and the check-ins it will do, warm-up first."""

    kiosk_id: int
    device_token: str
    check_ins: tuple[PlannedCheckIn, ...]


@dataclass
class KioskResult:
    """What one simulated kiosk saw in the measured phase (and which check-ins completed)."""

    request_ms: list[float] = field(default_factory=list)
    flow_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Verification:
    """Database rows left by the run's kiosks, against the check-ins that reached a ticket."""

    expected: int
    check_ins_ok: bool
    check_in_rows: int
    ticket_jobs: int
    arrived: int

    @property
    def ok(self) -> bool:
        """Exactly one check-in row and one ticket job per completed check-in, nothing more."""
        return self.check_ins_ok and self.ticket_jobs == self.expected == self.arrived


@dataclass(frozen=True)
class RunResult:
    """One row's numbers."""

    run: Run
    kiosks: int
    check_ins: int
    seconds: float
    request_ms: list[float]
    flow_ms: list[float]
    errors: list[str]
    verification: Verification


class FlowError(Exception):
    """A response other than the one a kiosk expects at this step."""


# --- Databases and configuration -----------------------------------------------------------


def fresh_postgresql_url() -> str:
    """`lobby_bench`, created if missing, with an empty public schema."""
    return empty_postgresql_database(POSTGRES_SERVER_URL, POSTGRES_DATABASE)


def server_environment(
    run: Run, instance: Path, database_url: str, secret_key: str
) -> dict[str, str]:
    """The `LOBBY_*` settings shared by the migration, the seeding app and gunicorn."""
    return {
        "LOBBY_ENV_NAME": "development",  # data key generated in the instance folder
        "LOBBY_INSTANCE_PATH": str(instance),
        "LOBBY_DATABASE_URL": database_url,
        "LOBBY_SECRET_KEY": secret_key,
        "LOBBY_IDENTIFY_MIN_SECONDS": str(run.identify_min_seconds),
    }


def fresh_database(run: Run, instance: Path) -> str:
    """A new, empty database for this run."""
    if run.backend == "postgresql":
        return fresh_postgresql_url()
    return f"sqlite:///{instance / 'lobby.sqlite'}"


def migrate(environment: Mapping[str, str], log: Path) -> None:
    """`flask db upgrade`, as a deployment does it."""
    with log.open("a") as output:
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "kiosk", "db", "upgrade"],
            env={**os.environ, **environment},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=output,
            check=True,
        )


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


def bench_app(environment: Mapping[str, str]) -> Flask:
    """An app configured exactly like the servers, for seeding and checking the database."""
    with environment_variables(environment):
        return create_app()


# --- Synthetic data --------------------------------------------------------------------------


def in_window_start(serial: int, now: datetime, timezone: ZoneInfo) -> datetime:
    """A start time the kiosk accepts now and for the next minutes: up to 29 minutes ahead,
    or (late in the day) up to 19 minutes ago, always today."""
    day_start, day_end = local_day_bounds(now, timezone)
    starts_at = now + timedelta(minutes=serial % 30)
    if starts_at >= day_end:
        starts_at = now - timedelta(minutes=serial % 20)
    return max(starts_at, day_start)


def synthetic_patient(serial: int, mrn_prefix: str = "BENCH") -> Patient:
    """A made-up person (MRN "BENCH-…", phone in the fictional 555-01xx range)."""
    last_name = f"Benchley-{serial:06d}"
    return Patient(
        mrn=f"{mrn_prefix}-{serial:06d}",
        first_name=f"Pat{serial}",
        last_name=last_name,
        last_name_key=fold_name(last_name),
        date_of_birth=date(1940 + serial % 70, 1 + serial % 12, 1 + serial % 28),
        phone=f"555-01{serial % 100:02d}",
        address="1 Example Street, Springfield",
    )


def add_background_patients(
    count: int, departments: list[Department], now: datetime, timezone: ZoneInfo, key: bytes
) -> None:
    """Other patients with booked appointments all over today, so lookups search a day's
    worth of rows. Their codes are never used, so a random digest stands in for `issue_code`
    (which checks each new code against the table: slow for thousands)."""
    day_start, day_end = local_day_bounds(now, timezone)
    for serial in range(1, count + 1):
        patient = synthetic_patient(serial, mrn_prefix="BENCH-BG")
        # Adding the appointment adds its patient too (save-update cascade).
        db.session.add(
            Appointment(
                patient=patient,
                department_id=departments[serial % len(departments)].id,
                starts_at=day_start + timedelta(minutes=(serial * 7) % (24 * 60)),
                code_digest=code_digest(random_canonical_code(), key),
                code_expires_at=day_end,
            )
        )
    db.session.flush()


def planned_check_in(
    serial: int, department: Department, now: datetime, timezone: ZoneInfo, key: bytes
) -> PlannedCheckIn:
    """A patient to check in, with one appointment in the window and a fresh code; every
    other one has insurance on file (answered "same"), the rest answer "self_pay"."""
    patient = synthetic_patient(serial)
    db.session.add(patient)
    db.session.flush()
    insured = serial % 2 == 0
    if insured:
        db.session.add(
            InsuranceCoverage(
                patient_id=patient.id,
                payer="Bench Health Plan",
                member_id=f"BHP{serial:07d}",
                group_number="GRP-0001",
                subscriber_name=f"{patient.first_name} {patient.last_name}",
            )
        )
    appointment = Appointment(
        patient_id=patient.id,
        department_id=department.id,
        starts_at=in_window_start(serial, now, timezone),
        clinician_display_name="Dr. Example",
    )
    db.session.add(appointment)
    code = issue_code(appointment, now=now, timezone=timezone, key=key)
    db.session.flush()
    return PlannedCheckIn(appointment.id, code, "same" if insured else "self_pay")


def enrolled_kiosk(index: int, places: list[str]) -> tuple[Kiosk, str]:
    """A kiosk at one of the floorplan's kiosk places, enrolled: returns its device token."""
    kiosk = Kiosk(
        name=f"bench-{index:03d}", place=places[index % len(places)], printer_uri="dummy://"
    )
    db.session.add(kiosk)
    db.session.flush()
    return kiosk, enrol_device(kiosk)


def seed(app: Flask, kiosks: int, per_kiosk: int, background: int) -> list[KioskPlan]:
    """Departments (the demo's), kiosks, background patients and the patients to check in."""
    with app.app_context():
        departments = list(ensure_demo_departments().values())
        places = list(current_wayfinder().floorplan.kiosks)
        now, timezone = utcnow(), facility_timezone(app)
        key = code_key(app)
        add_background_patients(background, departments, now, timezone, key)
        serials = itertools.count(background + 1)
        plans = []
        for index in range(kiosks):
            kiosk, token = enrolled_kiosk(index, places)
            check_ins = tuple(
                planned_check_in(serial, departments[serial % len(departments)], now, timezone, key)
                for serial in itertools.islice(serials, per_kiosk)
            )
            plans.append(KioskPlan(kiosk.id, token, check_ins))
        db.session.commit()
        db.engine.dispose()
    return plans


# --- Server ----------------------------------------------------------------------------------


def stop(server: subprocess.Popen[bytes]) -> None:
    """Graceful stop (SIGTERM lets workers finish), killed if it hangs."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=SERVER_STOP_LIMIT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def gunicorn(setup: ServerSetup, environment: Mapping[str, str], log: Path) -> Iterator[int]:
    """Serve the app with gunicorn on a free loopback port; yield the port; always stop it."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        *setup.gunicorn_args,
        "--bind",
        f"{HOST}:{port}",
        "kiosk:create_app()",
    ]
    with log.open("a") as output:
        server = subprocess.Popen(
            command,
            env={**os.environ, **environment},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + SERVER_START_LIMIT_S
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; log: {log}")
            time.sleep(0.2)
        yield port
    finally:
        stop(server)


# --- Simulated kiosk -------------------------------------------------------------------------


class KioskBrowser:
    """One kiosk screen's browser: a connection, cookies, the page's CSRF token, and timings."""

    def __init__(self, port: int, device_token: str) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self.cookies = {DEVICE_COOKIE: device_token}
        self.csrf_token = ""
        self.request_ms: list[float] = []

    def remember_cookies(self, headers: list[str]) -> None:
        """Apply `Set-Cookie` headers; an emptied cookie (a deleted session) is dropped."""
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def send(self, method: str, path: str, form: dict[str, str] | None) -> tuple[int, str, str]:
        """One timed request; returns status, redirect path and body text."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.csrf_token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as failure:
            self.connection.close()
            raise FlowError(f"{method} {path}: {failure!r}") from failure
        self.request_ms.append((time.perf_counter() - started) * 1000)
        self.remember_cookies(response.headers.get_all("Set-Cookie") or [])
        location = urlsplit(response.getheader("Location", "")).path
        return response.status, location, content.decode("utf-8", "replace")

    def page(self, path: str) -> str:
        """GET a screen (200 expected) and keep its CSRF token for the next form."""
        status, _, text = self.send("GET", path, None)
        if status != 200:
            raise FlowError(f"GET {path}: {status}")
        token = CSRF_TOKEN.search(text)
        if token:
            self.csrf_token = token.group(1)
        return text

    def submit(self, path: str, form: dict[str, str], then: str) -> str:
        """POST a form, expect a 303 to `then`, and follow it as a browser does."""
        status, location, _ = self.send("POST", path, form)
        if status != 303 or location != then:
            raise FlowError(f"POST {path}: {status} to {location!r}, expected 303 to {then}")
        return self.page(then)

    def image(self, path: str) -> None:
        """GET an image the page shows (200 expected)."""
        status, _, _ = self.send("GET", path, None)
        if status != 200:
            raise FlowError(f"GET {path}: {status}")

    def forget_session(self) -> None:
        """After a failure: start over like a screen reset, with a fresh connection."""
        self.cookies.pop(SESSION_COOKIE, None)
        self.csrf_token = ""
        self.connection.close()


def check_in(browser: KioskBrowser, planned: PlannedCheckIn) -> None:
    """The arrival flow by appointment code, from the first screen to the ticket and its QR."""
    browser.page("/check-in/")
    browser.page("/check-in/code")
    browser.submit("/check-in/code", {"code": planned.code}, then="/check-in/confirm")
    status, location, _ = browser.send("POST", "/check-in/confirm", {"answer": "yes"})
    if (status, location) == (303, "/check-in/route"):  # the standard way has stairs: asked once
        browser.page("/check-in/route")
        browser.submit("/check-in/route", {"answer": "no"}, then="/check-in/contact")
    elif (status, location) == (303, "/check-in/contact"):
        browser.page("/check-in/contact")
    else:
        raise FlowError(f"POST /check-in/confirm: {status} to {location!r}")
    browser.submit("/check-in/contact", {"answer": "yes"}, then="/check-in/insurance")
    browser.submit(
        "/check-in/insurance", {"choice": planned.insurance_choice}, then="/check-in/consent"
    )
    done = browser.submit("/check-in/consent", {"method": "tap"}, then="/check-in/done")
    qr_image, label = TICKET_QR.search(done), TICKET_LABEL.search(done)
    if qr_image is None or label is None:
        raise FlowError("GET /check-in/done: no ticket number or QR code on the page")
    browser.image(qr_image.group(1))


def back_home(browser: KioskBrowser) -> None:
    """ "Finish" on the ticket screen: the session ends and the home screen returns."""
    browser.submit("/reset", {}, then="/")


def run_kiosk(
    port: int, plan: KioskPlan, warm_up: int, start: threading.Barrier, result: KioskResult
) -> None:
    """Warm up, wait for every kiosk, then do the measured check-ins back to back."""
    browser = KioskBrowser(port, plan.device_token)
    for index, planned in enumerate(plan.check_ins):
        if index == warm_up:
            browser.connection.close()  # no idle keep-alive connection across the barrier
            start.wait()
            browser.request_ms.clear()
        started = time.perf_counter()
        try:
            check_in(browser, planned)
            result.completed.append(planned.appointment_id)
            back_home(browser)
        except FlowError as failure:
            browser.forget_session()
            if index >= warm_up:
                result.errors.append(str(failure))
            continue
        if index >= warm_up:
            result.flow_ms.append((time.perf_counter() - started) * 1000)
    if len(plan.check_ins) <= warm_up:
        start.wait()
    result.request_ms.extend(browser.request_ms)
    browser.connection.close()


def drive_kiosks(
    port: int, plans: list[KioskPlan], warm_up: int
) -> tuple[list[KioskResult], float]:
    """All kiosks at once; returns their results and the measured phase's wall time."""
    start = threading.Barrier(len(plans) + 1)
    results = [KioskResult() for _ in plans]
    threads = [
        threading.Thread(target=run_kiosk, args=(port, plan, warm_up, start, result))
        for plan, result in zip(plans, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


# --- Verification and report -----------------------------------------------------------------


def verify(app: Flask, plans: list[KioskPlan], completed: list[int]) -> Verification:
    """Ask the database what the run's kiosks left: one check-in per completed check-in (and
    none for the others), one ticket print job each, every such appointment arrived."""
    kiosk_ids = [plan.kiosk_id for plan in plans]
    with app.app_context():
        per_appointment = {
            appointment_id: rows
            for appointment_id, rows in db.session.execute(
                select(CheckIn.appointment_id, func.count())
                .where(CheckIn.kiosk_id.in_(kiosk_ids))
                .group_by(CheckIn.appointment_id)
            )
        }
        ticket_jobs = db.session.scalar(
            select(func.count())
            .select_from(PrintJob)
            .where(PrintJob.kiosk_id.in_(kiosk_ids), PrintJob.purpose == "ticket")
        )
        arrived = db.session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.status == AppointmentStatus.ARRIVED)
        )
        db.engine.dispose()
    return Verification(
        expected=len(completed),
        check_ins_ok=per_appointment == dict.fromkeys(completed, 1),
        check_in_rows=sum(per_appointment.values()),
        ticket_jobs=ticket_jobs or 0,
        arrived=arrived or 0,
    )


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile with linear interpolation (NaN when nothing was measured)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def table_row(result: RunResult) -> str:
    """One Markdown row."""
    run = result.run
    return (
        f"| {run.backend} | {SETUPS[run.setup].label} | {run.identify_min_seconds:g} "
        f"| {result.kiosks} | {result.check_ins} | {result.check_ins / result.seconds:.2f} "
        f"| {percentile(result.request_ms, 0.5):.0f} | {percentile(result.request_ms, 0.99):.0f} "
        f"| {percentile(result.flow_ms, 0.5):.0f} | {percentile(result.flow_ms, 0.99):.0f} "
        f"| {len(result.errors)} |"
    )


def verification_line(result: RunResult) -> str:
    """The database check for one row."""
    check = result.verification
    verdict = "OK" if check.ok else "FAILED"
    return (
        f"- {result.run.backend}, {result.run.setup}, identify {result.run.identify_min_seconds:g}"
        f" s: {check.expected} check-ins reached the ticket screen (warm-up included) → "
        f"{check.check_in_rows} CheckIn rows (one per appointment: "
        f"{'yes' if check.check_ins_ok else 'NO'}), {check.ticket_jobs} ticket print jobs, "
        f"{check.arrived} appointments arrived: {verdict}"
    )


def postgresql_version() -> str:
    """The PostgreSQL server's version, for the table's caption."""
    with psycopg.connect(f"{POSTGRES_SERVER_URL}/postgres") as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "?"


def report(results: list[RunResult], warm_up: int, background: int) -> str:
    """The Markdown table, what it ran on, the database checks and any errors."""
    load = os.getloadavg()[0]
    requests = sum(len(result.request_ms) for result in results)
    per_check_in = requests / max(1, sum(result.check_ins for result in results))
    lines = [
        f"Check-in flow ({per_check_in:.0f} requests by appointment code, no think time) "
        f"against gunicorn "
        f"{version('gunicorn')} on 127.0.0.1; {warm_up} unmeasured warm-up check-in(s) per "
        f"kiosk; {background} background patients with appointments today. "
        f"Identify min s = `IDENTIFY_MIN_SECONDS` (production default "
        f"{PRODUCTION_IDENTIFY_MIN_SECONDS:g}; 0 shows the server's own cost). Python "
        f"{sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, PostgreSQL "
        f"{postgresql_version()}, {os.cpu_count()} CPUs shared by servers and clients, load "
        f"average {load:.1f} at the end.",
        "",
        "| backend | server setup | identify min s | kiosks | check-ins | check-ins/s "
        "| request p50 ms | request p99 ms | flow p50 ms | flow p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(table_row(result) for result in results),
        "",
        "Database check after each row:",
        *(verification_line(result) for result in results),
    ]
    for result in results:
        lines += [
            f"  error ({result.run.backend}, {result.run.setup}): {e}" for e in result.errors[:5]
        ]
    return "\n".join(lines)


# --- Orchestration ---------------------------------------------------------------------------


def measure(run: Run, workdir: Path, arguments: argparse.Namespace) -> RunResult:
    """Fresh database, data, server; drive the kiosks; stop the server; check the database."""
    instance = workdir / f"{run.backend}-{run.setup}-{run.identify_min_seconds:g}"
    instance.mkdir()
    log = instance / "server.log"
    environment = server_environment(
        run, instance, fresh_database(run, instance), secrets.token_hex(32)
    )
    migrate(environment, log)
    app = bench_app(environment)
    plans = seed(
        app, arguments.kiosks, arguments.warm_up + arguments.checkins, arguments.background
    )
    with gunicorn(SETUPS[run.setup], environment, log) as port:
        results, seconds = drive_kiosks(port, plans, arguments.warm_up)
    completed = [appointment for result in results for appointment in result.completed]
    return RunResult(
        run=run,
        kiosks=arguments.kiosks,
        check_ins=sum(len(result.flow_ms) for result in results),
        seconds=seconds,
        request_ms=[ms for result in results for ms in result.request_ms],
        flow_ms=[ms for result in results for ms in result.flow_ms],
        errors=[error for result in results for error in result.errors],
        verification=verify(app, plans, completed),
    )


def planned_runs(arguments: argparse.Namespace) -> list[Run]:
    """Every backend × setup at the production padding, plus Lobby's setup without it."""
    runs = []
    for backend in arguments.backends:
        runs += [Run(backend, setup, PRODUCTION_IDENTIFY_MIN_SECONDS) for setup in arguments.setups]
        if arguments.zero_identify_row:
            runs.append(Run(backend, "ours", 0.0))
    return runs


def parse_arguments() -> argparse.Namespace:
    """Sizes and selections; the defaults finish in about two minutes on 2 CPUs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=8, help="concurrent simulated kiosks")
    parser.add_argument("--checkins", type=int, default=8, help="measured check-ins per kiosk")
    parser.add_argument("--warm-up", type=int, default=1, help="unmeasured check-ins per kiosk")
    parser.add_argument(
        "--background", type=int, default=2000, help="other patients with appointments today"
    )
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), default=list(SETUPS))
    parser.add_argument(
        "--no-zero-identify-row",
        dest="zero_identify_row",
        action="store_false",
        help="skip the IDENTIFY_MIN_SECONDS=0 rows",
    )
    parser.add_argument(
        "--keep-files",
        action="store_true",
        help="keep the instance folders and server logs (their folder is printed)",
    )
    arguments = parser.parse_args()
    if not (0 < arguments.kiosks <= 64 and 0 < arguments.checkins <= 500):
        parser.error("use 1-64 kiosks and 1-500 check-ins per kiosk")
    return arguments


@contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    """A temporary folder for the rows' instance folders and server logs, removed at the end
    unless `keep` (then its path is printed)."""
    if keep:
        path = Path(tempfile.mkdtemp(prefix="lobby-bench-checkin-"))
        print(f"Instance folders and server logs: {path}", file=sys.stderr)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="lobby-bench-checkin-") as directory:
        yield Path(directory)


def main() -> int:
    """Measure every planned row, print the report; exit 1 on errors or a failed check."""
    arguments = parse_arguments()
    results = []
    with work_directory(arguments.keep_files) as directory:
        for run in planned_runs(arguments):
            print(
                f"… {run.backend}, {run.setup}, identify {run.identify_min_seconds:g} s",
                file=sys.stderr,
                flush=True,
            )
            results.append(measure(run, directory, arguments))
    print(report(results, arguments.warm_up, arguments.background))
    failed = any(result.errors or not result.verification.ok for result in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
