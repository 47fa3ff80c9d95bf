"""The FHIR Appointment search on a busy day: one page of 100 from one joined query (Lobby)
against the two naive ways an API like this is first written — the whole day in one bundle,
and a page whose check-ins are fetched one appointment at a time.

A synthetic day: 2,000 appointments in 4 departments, 1,500 of them checked in. Every answer
is built and validated with `fhir.resources` (that is most of its cost), then serialised.
The in-process rows time building the bundle alone; the last row is the whole request through
Flask's test client with the bearer token and the audit of every disclosure, as a client sees
it (without network).

Run: `.venv/bin/python bench/bench_fhir_search.py [--requests 30]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admin.fhir.bundles import Answer, searchset  # noqa: E402
from admin.fhir.clients import create_client  # noqa: E402
from admin.fhir.matches import day_bounds  # noqa: E402
from admin.fhir.searches import AppointmentSearch, Page  # noqa: E402
from admin.fhir.searchsets import (  # noqa: E402
    appointment_candidate,
    appointment_searchset,
    identifier_systems,
    paging_links,
)
from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.facility import facility_timezone, facility_today  # noqa: E402
from kiosk.models import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    AuditEvent,
    CheckIn,
    Department,
    Patient,
    QueueTicket,
)
from kiosk.tokens import token_hash  # noqa: E402

DEPARTMENTS = ("imaging", "laboratory", "cardiology", "pediatrics")
APPOINTMENTS = 2_000
CHECKED_IN = 1_500
PAGE = 100


def busy_day_app(instance: str) -> Flask:
    """Lobby on a fresh SQLite database with a busy synthetic day."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite",
            "LOG_LEVEL": "WARNING",
            "FACILITY_TIMEZONE": "America/Chicago",
        }
    )
    with app.app_context():
        upgrade()
        day = facility_today()
        opening = datetime.combine(day, clock_time(7), tzinfo=facility_timezone(app))
        departments = []
        for prefix, code in zip("ABCD", DEPARTMENTS, strict=True):
            department = Department(
                code=code, names={"en": code.title()}, destination_id=code, ticket_prefix=prefix
            )
            db.session.add(department)
            departments.append(department)
        db.session.flush()
        db.session.execute(
            insert(Patient),
            [
                {
                    "mrn": f"SYN-{number:06d}",
                    "first_name": "Synthetic",
                    "last_name": f"Patient{number}",
                    "last_name_key": f"patient{number}",
                    "date_of_birth": datetime(1980, 1, 1).date(),
                }
                for number in range(APPOINTMENTS)
            ],
        )
        patient_ids = db.session.scalars(select(Patient.id).order_by(Patient.id)).all()
        db.session.execute(
            insert(Appointment),
            [
                {
                    "patient_id": patient_id,
                    "department_id": departments[number % 4].id,
                    "starts_at": opening + timedelta(seconds=number * 18),
                    "status": AppointmentStatus.ARRIVED
                    if number < CHECKED_IN
                    else AppointmentStatus.BOOKED,
                }
                for number, patient_id in enumerate(patient_ids)
            ],
        )
        appointments = db.session.execute(
            select(Appointment.id, Appointment.patient_id, Appointment.department_id)
            .order_by(Appointment.id)
            .limit(CHECKED_IN)
        ).all()
        db.session.execute(
            insert(QueueTicket),
            [
                {
                    "department_id": department_id,
                    "service_date": day,
                    "number": number,
                    "token_hash": token_hash(f"ticket-{number}"),
                }
                for number, (_id, _patient, department_id) in enumerate(appointments, start=1)
            ],
        )
        ticket_ids = db.session.scalars(select(QueueTicket.id).order_by(QueueTicket.id)).all()
        db.session.execute(
            insert(CheckIn),
            [
                {
                    "appointment_id": appointment_id,
                    "patient_id": patient_id,
                    "ticket_id": ticket_id,
                    "checked_in_at": opening,
                }
                for (appointment_id, patient_id, _department), ticket_id in zip(
                    appointments, ticket_ids, strict=True
                )
            ],
        )
        db.session.commit()
    return app


def naive_page_one_check_in_at_a_time(search: AppointmentSearch) -> Answer:
    """The page, each appointment's check-in read with a query of its own (N+1)."""
    assert search.page is not None
    start, end = day_bounds(search.day, facility_timezone(current_app))
    in_day = (Appointment.starts_at >= start, Appointment.starts_at < end)
    total = db.session.scalar(select(func.count(Appointment.id)).where(*in_day)) or 0
    appointments = db.session.scalars(
        select(Appointment)
        .where(*in_day)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(search.page.count)
    ).all()
    systems = identifier_systems()
    candidates = [
        appointment_candidate(
            appointment,
            db.session.scalar(select(CheckIn).where(CheckIn.appointment_id == appointment.id)),
            systems,
        )
        for appointment in appointments
    ]
    return searchset(candidates, total, paging_links("Appointment", search, total))


def timed(repeats: int, one: Callable[[], int]) -> tuple[list[float], int]:
    """Milliseconds per call, and the bytes the last call produced."""
    samples, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        size = one()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, size


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    requests = parser.parse_args().requests
    rows: list[tuple[str, list[float], int, int]] = []
    with tempfile.TemporaryDirectory() as instance:
        app = busy_day_app(instance)
        with app.test_request_context():
            day = facility_today()
            page = AppointmentSearch(day, None, Page(PAGE, 0))
            whole_day = AppointmentSearch(day, None, None)

            def built(answer: Callable[[], Answer]) -> Callable[[], int]:
                def one() -> int:
                    found = answer()
                    db.session.expire_all()
                    return len(found.bundle.model_dump_json())

                return one

            ways = (
                (
                    "Lobby: a page of 100, check-ins joined",
                    lambda: appointment_searchset(page),
                    PAGE,
                ),
                (
                    "naive: a page of 100, one check-in query each",
                    lambda: naive_page_one_check_in_at_a_time(page),
                    PAGE,
                ),
                (
                    "naive: the whole day in one bundle",
                    lambda: appointment_searchset(whole_day),
                    APPOINTMENTS,
                ),
            )
            for name, answer, resources in ways:
                built(answer)()  # warm up
                repeats = requests if resources == PAGE else max(3, requests // 10)
                samples, size = timed(repeats, built(answer))
                rows.append((name, samples, size, resources))
            issued = create_client("bench-interface", ("Appointment.read",), created_by="bench")
            db.session.commit()
            token = issued.token
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/fhir/Appointment?date={day.isoformat()}&_count={PAGE}"

        def over_http() -> int:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, response.status_code
            return len(response.data)

        over_http()
        samples, size = timed(requests, over_http)
        rows.append(("Lobby over HTTP: token, page of 100, audit", samples, size, PAGE))
        with app.app_context():
            audit_rows = db.session.scalar(select(func.count(AuditEvent.id))) or 0

    print(f"{APPOINTMENTS:,} appointments today, {CHECKED_IN:,} checked in; SQLite")
    print("| answer | resources | p50 ms | p99 ms | mean ms | bytes |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, samples, size, resources in rows:
        print(
            f"| {name} | {resources:,} | {percentile(samples, 0.5):.1f}"
            f" | {percentile(samples, 0.99):.1f} | {statistics.mean(samples):.1f} | {size:,} |"
        )
    print(f"audit rows written over HTTP: {audit_rows:,} ({requests + 1} requests)")


if __name__ == "__main__":
    main()
