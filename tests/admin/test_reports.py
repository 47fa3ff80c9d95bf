"""Reports: the figures for a date range, checked against an independent computation (numpy on
the same generated arrivals), the date range refused clearly, charts as SVG with a data table
beside them, CSV that a spreadsheet cannot run, neutral department labels, and admin-only
access."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy
import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.reports import statistics
from admin.reports.period import ReportPeriod
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    ArrivalChannel,
    AuditEvent,
    CheckIn,
    Department,
    QueueAction,
    QueueEvent,
    QueueTicket,
    QueueTicketStatus,
    StaffRoleName,
)
from kiosk.tokens import new_token, token_hash
from tests.builders import add_department, add_patient
from tests.helpers import empty_all_tables
from tests.staff_signin import sign_in, staff_account

# A past range, so no figure depends on today's date or the time of day.
PERIOD = ReportPeriod(date(2026, 3, 2), date(2026, 3, 4))
RANGE_QUERY = "start=2026-03-02&end=2026-03-04"
DEPARTMENTS = ("imaging", "laboratory", "oncology")
# Oncology's real name would reveal a condition: reports show its neutral label.
NEUTRAL_LABEL = "Suite 2B"


@dataclass(frozen=True)
class Arrival:
    """A generated check-in: department, minutes after the range's start, minutes until the
    first call (None: not called yet), how, and whether a later undo took the call back."""

    department: int
    minute: int
    wait: int | None
    channel: ArrivalChannel
    call_undone: bool


arrivals_strategy = st.lists(
    st.builds(
        Arrival,
        department=st.integers(0, len(DEPARTMENTS) - 1),
        # Also a little outside the range on either side, which must not count.
        minute=st.integers(-120, 3 * 24 * 60 + 120),
        wait=st.one_of(st.none(), st.integers(0, 240)),
        channel=st.sampled_from(list(ArrivalChannel)),
        call_undone=st.booleans(),
    ),
    max_size=25,
)


def departments() -> list[Department]:
    """The three test departments, oncology with a neutral label (inside an app context)."""
    made = [add_department(code, prefix=code[0].upper()) for code in DEPARTMENTS]
    made[2].location_label = NEUTRAL_LABEL
    db.session.commit()
    return made


def range_start(timezone: ZoneInfo) -> datetime:
    return datetime.combine(PERIOD.start, datetime.min.time(), tzinfo=timezone)


def store_arrivals(arrivals: list[Arrival]) -> None:
    """Check-ins with their tickets and call events, as the kiosk and the desk leave them."""
    timezone = facility_timezone(current_app)
    where = departments()
    patient = add_patient("Synthetic", "Reportpatient", date(1980, 1, 1))
    for number, arrival in enumerate(arrivals, start=1):
        arrived_at = range_start(timezone) + timedelta(minutes=arrival.minute)
        department = where[arrival.department]
        ticket = QueueTicket(
            department_id=department.id,
            service_date=arrived_at.astimezone(timezone).date(),
            number=number,
            token_hash=token_hash(new_token(16)),
        )
        db.session.add(ticket)
        db.session.flush()
        db.session.add(
            CheckIn(
                patient_id=patient.id,
                ticket_id=ticket.id,
                checked_in_at=arrived_at,
                channel=arrival.channel,
            )
        )
        if arrival.wait is not None:
            call = call_event(ticket, arrived_at + timedelta(minutes=arrival.wait))
            if arrival.call_undone:
                undo = call_event(ticket, arrived_at + timedelta(minutes=arrival.wait + 1))
                undo.action = QueueAction.UNDO
                db.session.flush()
                call.undone_by = undo.id
    db.session.commit()


def call_event(ticket: QueueTicket, at: datetime) -> QueueEvent:
    event = QueueEvent(
        ticket_id=ticket.id,
        department_id=ticket.department_id,
        service_date=ticket.service_date,
        action=QueueAction.CALL,
        ticket_status_before=QueueTicketStatus.WAITING,
        ticket_status_after=QueueTicketStatus.CALLED,
        version_after=1,
        occurred_at=at,
    )
    db.session.add(event)
    db.session.flush()
    return event


def inside(arrival: Arrival) -> bool:
    return 0 <= arrival.minute < 3 * 24 * 60


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(arrivals=arrivals_strategy)
def test_figures_match_an_independent_computation(app: Flask, arrivals: list[Arrival]) -> None:
    with app.app_context():
        empty_all_tables()
        store_arrivals(arrivals)
        timezone = facility_timezone(app)
        counted = [arrival for arrival in arrivals if inside(arrival)]

        hours = numpy.zeros(24, dtype=int)
        for arrival in counted:
            moment = range_start(timezone) + timedelta(minutes=arrival.minute)
            hours[moment.astimezone(timezone).hour] += 1
        assert statistics.arrivals_per_hour(PERIOD, timezone) == hours.tolist()

        expected_waits = {}
        for index, code in enumerate(DEPARTMENTS):
            waits = numpy.array(
                [
                    a.wait
                    for a in counted
                    if a.department == index and a.wait is not None and not a.call_undone
                ],
                dtype=float,
            )
            if waits.size:
                label = NEUTRAL_LABEL if code == "oncology" else code.title()
                expected_waits[label] = (
                    waits.size,
                    float(numpy.median(waits)),
                    float(numpy.percentile(waits, 90, method="inverted_cdf")),
                )
        found = statistics.waits_by_department(PERIOD, timezone, "en")
        assert {
            wait.department: (wait.patients, wait.median_minutes, wait.p90_minutes)
            for wait in found
        } == expected_waits
        assert [wait.department for wait in found] == sorted(expected_waits)

        channels = statistics.arrivals_by_channel(PERIOD, timezone)
        for channel in ArrivalChannel:
            assert channels[channel] == sum(1 for a in counted if a.channel is channel)


def test_no_shows_and_failed_lookups_count_inside_the_range_only(app: Flask) -> None:
    with app.app_context():
        timezone = facility_timezone(app)
        imaging, _laboratory, oncology = departments()
        patient = add_patient("Synthetic", "Noshow", date(1970, 5, 5))
        start = range_start(timezone)
        for department, offset_hours, status in [
            (imaging, 10, AppointmentStatus.NO_SHOW),
            (oncology, 30, AppointmentStatus.NO_SHOW),
            (oncology, 40, AppointmentStatus.NO_SHOW),
            (oncology, 41, AppointmentStatus.DONE),
            (imaging, -1, AppointmentStatus.NO_SHOW),  # the evening before the range
            (imaging, 72, AppointmentStatus.NO_SHOW),  # the first minute after it
        ]:
            db.session.add(
                Appointment(
                    patient_id=patient.id,
                    department_id=department.id,
                    starts_at=start + timedelta(hours=offset_hours),
                    status=status,
                )
            )
        for offset_hours in (1, 2, 50, -3, 73):
            db.session.add(
                AuditEvent(
                    action="lookup_failure",
                    occurred_at=start + timedelta(hours=offset_hours),
                    detail={"method": "name_dob"},
                )
            )
        db.session.commit()

        assert statistics.no_shows_by_department(PERIOD, timezone, "en") == {
            "Imaging": 1,
            NEUTRAL_LABEL: 2,
        }
        assert statistics.failed_lookups_per_day(PERIOD, timezone) == {
            date(2026, 3, 2): 2,
            date(2026, 3, 3): 0,
            date(2026, 3, 4): 1,
        }


@pytest.fixture
def facility_admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN))
    return client


def test_page_shows_each_chart_with_a_data_table_and_never_a_neutral_departments_name(
    app: Flask, facility_admin: FlaskClient
) -> None:
    with app.app_context():
        store_arrivals(
            [Arrival(2, 60 * 9, 25, ArrivalChannel.KIOSK, False)]
            + [Arrival(0, 60 * 10, 5, ArrivalChannel.DESK, False)]
        )
    page = facility_admin.get(f"/staff/reports/?{RANGE_QUERY}")
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for key in ("arrivals-per-hour", "waits", "kiosk-vs-desk", "no-shows", "failed-lookups"):
        assert f'src="/staff/reports/{key}.svg?start=2026-03-02&amp;end=2026-03-04"' in text
        assert f'href="/staff/reports/{key}.csv?start=2026-03-02&amp;end=2026-03-04"' in text
    assert re.search(rf'<th scope="row">{NEUTRAL_LABEL}</th><td>1</td><td>25</td><td>25</td>', text)
    assert "Oncology" not in text

    chart = facility_admin.get(f"/staff/reports/waits.svg?{RANGE_QUERY}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert NEUTRAL_LABEL in svg and "Oncology" not in svg


def test_csv_export_has_the_table_and_keeps_formulas_inert(
    app: Flask, facility_admin: FlaskClient
) -> None:
    with app.app_context():
        store_arrivals([Arrival(2, 60 * 9, 7, ArrivalChannel.KIOSK, False)])
        oncology = db.session.query(Department).filter_by(code="oncology").one()
        oncology.location_label = '=HYPERLINK("http://example.org","Suite")'
        db.session.commit()

    response = facility_admin.get(f"/staff/reports/waits.csv?{RANGE_QUERY}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert rows == [
        ["Department", "Patients called", "Median (min)", "90th percentile (min)"],
        ['\'=HYPERLINK("http://example.org","Suite")', "1", "7", "7"],
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-02-30&end=2026-03-04", "Please give dates as year-month-day"),
        ("start=yesterday", "Please give dates as year-month-day"),
        ("start=2026-03-05&end=2026-03-01", "The end date is before the start date."),
        ("start=2020-01-01&end=2026-03-01", "A report covers at most a year"),
    ],
)
def test_a_wrong_date_range_gets_a_clear_400_on_the_page_and_for_files(
    facility_admin: FlaskClient, query: str, message: str
) -> None:
    page = facility_admin.get(f"/staff/reports/?{query}")
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)
    for extension in ("svg", "csv"):
        download = facility_admin.get(f"/staff/reports/waits.{extension}?{query}")
        assert download.status_code == 400
        assert message in download.get_data(as_text=True)


def test_an_unknown_report_is_404(facility_admin: FlaskClient) -> None:
    assert facility_admin.get(f"/staff/reports/secrets.csv?{RANGE_QUERY}").status_code == 404
    assert facility_admin.get(f"/staff/reports/secrets.svg?{RANGE_QUERY}").status_code == 404


def test_coordinators_may_not_read_reports(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.COORDINATOR))
    assert client.get(f"/staff/reports/?{RANGE_QUERY}").status_code == 403
    assert client.get(f"/staff/reports/waits.csv?{RANGE_QUERY}").status_code == 403


def test_a_label_with_markup_or_dollar_signs_is_drawn_as_text(
    app: Flask, facility_admin: FlaskClient
) -> None:
    hostile = "<script>alert(1)</script> $\\frac{1}{0}$ & $5"
    with app.app_context():
        store_arrivals([Arrival(2, 60 * 9, 7, ArrivalChannel.KIOSK, False)])
        oncology = db.session.query(Department).filter_by(code="oncology").one()
        oncology.location_label = hostile
        db.session.commit()

    chart = facility_admin.get(f"/staff/reports/waits.svg?{RANGE_QUERY}")
    page = facility_admin.get(f"/staff/reports/?{RANGE_QUERY}").get_data(as_text=True)

    assert chart.status_code == 200
    svg = chart.get_data(as_text=True)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $\\frac{1}{0}$ &amp; $5" in svg
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
