"""Schedule import: 10,000 appointments from a CSV file and from a FHIR R4 Bundle, Lobby's
batched store beside the naive row-by-row import, on SQLite and PostgreSQL, in one run.

What is measured. A synthetic day (made-up patients, two appointments each, in four
departments, tomorrow so that every new appointment gets a code) is written once as CSV and
once as a FHIR Bundle. For each database and format, on a fresh schema: the time to read the
file (parse and validate: fhir.resources for the Bundle) and to apply it, and then the time to
import the same file again (every appointment unchanged: idempotent). Lobby's way is
`apply_entries` as the command and the upload page call it: batches of 500 entries, one query
per table per batch, one commit per batch. The naive way calls the same store one entry at a
time, which is one transaction (and one commit) per row with its own lookups, as a plain
"for row in file: upsert; commit" does. Both ways apply identical rules, write the same rows,
codes and audit events; the bench checks that each import stored 10,000 appointments.

SQLite runs with Lobby's pragmas (WAL, busy_timeout, synchronous=FULL) in a temporary folder;
PostgreSQL uses database `lobby_bench_schedule` on 127.0.0.1:5432 (user postgres, trust auth),
created if missing and emptied for every row. All data is made up.

Run:  .venv/bin/python bench/bench_schedule_import.py            (about 6 minutes on 2 CPUs)
      .venv/bin/python bench/bench_schedule_import.py --appointments 2000 --backends sqlite
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import force_locale
from flask_migrate import upgrade
from local_server import HOST, empty_postgresql_database
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOBBY_INSTANCE_PATH", tempfile.mkdtemp(prefix="lobby-bench-schedule-"))

from admin.schedule.entries import ScheduleEntry  # noqa: E402
from admin.schedule.imports import ScheduleFormat, read_schedule  # noqa: E402
from admin.schedule.store import ApplyReport, EntryOutcome, apply_entries  # noqa: E402
from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.facility import facility_timezone, facility_today  # noqa: E402
from kiosk.models import Appointment, Department  # noqa: E402
from kiosk.models.types import utcnow  # noqa: E402

POSTGRES_SERVER_URL = f"postgresql://postgres@{HOST}:5432"
POSTGRES_DATABASE = "lobby_bench_schedule"
FACILITY_TIMEZONE = "America/Chicago"
DEPARTMENTS = ("imaging", "laboratory", "cardiology", "pediatrics")
FIRST_NAMES = ("Ana", "Liam", "Sofía", "Mateo", "Grace", "Noah", "Zoë", "José", "Björn", "Chloé")
LAST_NAMES = ("Núñez", "O'Brien", "García-López", "Ejemplo", "Sampleton", "Demoff", "Muestra")


@dataclass(frozen=True)
class SyntheticAppointment:
    """One made-up appointment of the benchmark's day."""

    appointment_id: str
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    starts_at: datetime
    department: str


def synthetic_day(count: int, day: date, timezone: ZoneInfo) -> list[SyntheticAppointment]:
    """`count` appointments of `count // 2` made-up patients, 07:00 to 18:59 on `day`."""
    opening = datetime.combine(day, clock_time(7), tzinfo=timezone)
    return [
        SyntheticAppointment(
            appointment_id=f"BENCH-A-{serial:06d}",
            mrn=f"BENCH-{serial // 2:06d}",
            first_name=FIRST_NAMES[serial // 2 % len(FIRST_NAMES)],
            last_name=LAST_NAMES[serial // 2 % len(LAST_NAMES)],
            date_of_birth=date(1940, 1, 1) + timedelta(days=serial // 2 * 7 % 29_000),
            phone=f"555-{serial // 2 % 10_000:04d}",
            starts_at=opening + timedelta(minutes=serial * 7 % 720),
            department=DEPARTMENTS[serial % len(DEPARTMENTS)],
        )
        for serial in range(count)
    ]


def as_csv(day: list[SyntheticAppointment]) -> bytes:
    """The day as the documented CSV (local start times, as hospital exports write them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["appointment_id", "mrn", "first_name", "last_name", "date_of_birth", "phone", "start"]
        + ["department", "provider", "status"]
    )
    for a in day:
        start = a.starts_at.strftime("%Y-%m-%d %H:%M")
        writer.writerow(
            [a.appointment_id, a.mrn, a.first_name, a.last_name, a.date_of_birth.isoformat()]
            + [a.phone, start, a.department, "Dr. Example", "booked"]
        )
    return buffer.getvalue().encode("utf-8")


def as_fhir_bundle(day: list[SyntheticAppointment]) -> bytes:
    """The day as a FHIR R4 collection Bundle: one Patient per MRN, one Appointment each."""
    entries: list[dict[str, object]] = []
    seen: set[str] = set()
    for a in day:
        patient_url = f"urn:uuid:00000000-0000-4000-8000-{a.mrn.removeprefix('BENCH-'):0>12}"
        if a.mrn not in seen:
            seen.add(a.mrn)
            entries.append({"fullUrl": patient_url, "resource": fhir_patient(a)})
        entries.append({"resource": fhir_appointment(a, patient_url)})
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return json.dumps(bundle, ensure_ascii=False).encode("utf-8")


def fhir_patient(a: SyntheticAppointment) -> dict[str, object]:
    """The Patient resource of a synthetic appointment's patient."""
    return {
        "resourceType": "Patient",
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": a.mrn}],
        "name": [{"use": "official", "family": a.last_name, "given": [a.first_name]}],
        "birthDate": a.date_of_birth.isoformat(),
        "telecom": [{"system": "phone", "value": a.phone}],
    }


def fhir_appointment(a: SyntheticAppointment, patient_url: str) -> dict[str, object]:
    """The Appointment resource of a synthetic appointment."""
    return {
        "resourceType": "Appointment",
        "identifier": [{"use": "official", "value": a.appointment_id}],
        "status": "booked",
        "start": a.starts_at.isoformat(),
        "participant": [
            {"actor": {"reference": patient_url}, "status": "accepted"},
            {
                "actor": {"type": "HealthcareService", "identifier": {"value": a.department}},
                "status": "accepted",
            },
            {"actor": {"type": "Practitioner", "display": "Dr. Example"}, "status": "accepted"},
        ],
    }


def apply_batched(parsed_entries: list[ScheduleEntry], now: datetime) -> ApplyReport:
    """Lobby's way: the store in batches."""
    return apply_entries(parsed_entries, now=now, source="bench")


def apply_row_by_row(parsed_entries: list[ScheduleEntry], now: datetime) -> ApplyReport:
    """The naive way: one entry, one transaction, one commit."""
    report = ApplyReport()
    for entry in parsed_entries:
        one = apply_entries([entry], now=now, source="bench")
        report.results.extend(one.results)
        report.codes.update(one.codes)
    return report


WAYS: dict[str, Callable[[list[ScheduleEntry], datetime], ApplyReport]] = {
    "batched (Lobby)": apply_batched,
    "row by row, commit each": apply_row_by_row,
}


@contextmanager
def fresh_app(backend: str, folder: Path) -> Iterator[Flask]:
    """Lobby on an empty, migrated database with the day's four departments."""
    if backend == "postgresql":
        url = empty_postgresql_database(POSTGRES_SERVER_URL, POSTGRES_DATABASE)
    else:
        url = f"sqlite:///{folder / f'bench-{time.monotonic_ns()}.sqlite'}"
    app = create_app(
        {
            "SECRET_KEY": "bench-schedule",
            "SQLALCHEMY_DATABASE_URI": url,
            "FACILITY_TIMEZONE": FACILITY_TIMEZONE,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context(), force_locale("en"):
        upgrade()
        for prefix, code in zip("RLCP", DEPARTMENTS, strict=True):
            db.session.add(
                Department(
                    code=code, names={"en": code.title()}, destination_id=code, ticket_prefix=prefix
                )
            )
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    backend: str
    file_format: str
    way: str
    read_seconds: float
    apply_seconds: float
    again_seconds: float
    codes: int


def measure(backend: str, file_format: ScheduleFormat, data: bytes, way: str, folder: Path) -> Row:
    """Import `data` twice on a fresh database the given way; check what was stored."""
    with fresh_app(backend, folder) as app:
        timezone, today, now = facility_timezone(app), facility_today(), utcnow()
        started = time.perf_counter()
        parsed = read_schedule(data, file_format, timezone=timezone, today=today)
        read_seconds = time.perf_counter() - started
        assert not parsed.problems, parsed.problems[:3]
        started = time.perf_counter()
        first = WAYS[way](parsed.entries, now)
        apply_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = WAYS[way](parsed.entries, now)
        again_seconds = time.perf_counter() - started
        stored = db.session.scalar(select(func.count()).select_from(Appointment))
        assert stored == len(parsed.entries), (stored, len(parsed.entries))
        assert first.counts()[EntryOutcome.CREATED] == stored
        assert again.counts()[EntryOutcome.UNCHANGED] == stored
        assert not again.codes
    return Row(
        backend,
        file_format.value,
        way,
        read_seconds,
        apply_seconds,
        again_seconds,
        len(first.codes),
    )


def table(rows: list[Row], count: int) -> str:
    """The results, naive rows with their factor against Lobby's way."""
    lines = [
        f"{count:,} appointments ({count // 2:,} patients); seconds (appointments per second)",
        f"{'database':<11}{'format':<7}{'way':<26}{'read':>7}{'first import':>22}"
        f"{'same file again':>22}{'codes':>8}",
    ]
    batched = {(r.backend, r.file_format): r for r in rows if r.way == "batched (Lobby)"}
    for r in rows:
        base = batched.get((r.backend, r.file_format))
        factor = ""
        if base is not None and r is not base:
            slower_first = r.apply_seconds / base.apply_seconds
            slower_again = r.again_seconds / base.again_seconds
            factor = f"  ×{slower_first:.1f} / ×{slower_again:.1f} slower"
        lines.append(
            f"{r.backend:<11}{r.file_format:<7}{r.way:<26}{r.read_seconds:>7.2f}"
            f"{r.apply_seconds:>10.2f} ({count / r.apply_seconds:>7,.0f}/s)"
            f"{r.again_seconds:>10.2f} ({count / r.again_seconds:>7,.0f}/s)"
            f"{r.codes:>8,}{factor}"
        )
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    """--appointments N, --backends sqlite postgresql, --formats csv fhir."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--formats", nargs="+", default=["csv", "fhir"])
    return parser.parse_args()


def main() -> int:
    """Run every combination and print the table."""
    args = parse_arguments()
    timezone = ZoneInfo(FACILITY_TIMEZONE)
    tomorrow = datetime.now(UTC).astimezone(timezone).date() + timedelta(days=1)
    day = synthetic_day(args.appointments, tomorrow, timezone)
    files = {ScheduleFormat.CSV: as_csv(day), ScheduleFormat.FHIR: as_fhir_bundle(day)}
    for file_format, data in files.items():
        print(f"{file_format.value}: {len(data) / 1_000_000:.1f} MB", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="lobby-bench-schedule-") as folder:
        for backend in args.backends:
            for file_format in map(ScheduleFormat, args.formats):
                for way in WAYS:
                    print(f"… {backend} {file_format.value} {way}", file=sys.stderr)
                    rows.append(
                        measure(backend, file_format, files[file_format], way, Path(folder))
                    )
    print(table(rows, args.appointments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
