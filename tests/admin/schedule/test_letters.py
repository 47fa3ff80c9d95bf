"""Codes for the letters of a day, issued again: every booked, not checked-in appointment of
that day from the hospital's schedule gets a new working code and its old code stops working;
nothing else changes; a day that is over is refused; the page and the command hand them over."""

from __future__ import annotations

import csv
import io
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from admin.queue.desk_checkin import check_in_at_desk
from admin.schedule.entries import ScheduleStatus
from admin.schedule.letters import DayIsOver, reissue_codes_for_day
from admin.schedule.store import apply_entries
from kiosk.checkin.identity import identify_by_code
from kiosk.facility import facility_today
from kiosk.models.types import utcnow
from tests.admin.schedule.schedule_builders import LIAM, SCHEDULE, appointment, entry
from tests.builders import NOW, add_department, audit_events, minutes
from tests.helpers import csrf_token_from


def test_a_days_booked_appointments_get_new_codes_and_the_old_ones_stop_working(
    checkin_app: Flask,
) -> None:
    add_department("imaging")
    old = apply_entries(
        [
            entry("A-1"),
            entry("A-2", patient=LIAM),
            entry("A-3", status=ScheduleStatus.CANCELLED),
            entry("A-4", starts_at=NOW + timedelta(days=1)),
        ],
        now=NOW,
    ).codes
    arrived = appointment("A-2")
    assert arrived is not None
    check_in_at_desk(arrived.id, staff_id=None, now=NOW)

    codes = reissue_codes_for_day(NOW.date(), now=NOW + minutes(5), staff_id=7)

    assert set(codes) == {"A-1"}
    assert identify_by_code(codes["A-1"], kiosk_id=None, now=NOW).found
    assert not identify_by_code(old["A-1"], kiosk_id=None, now=NOW).found
    assert identify_by_code(old["A-4"], kiosk_id=None, now=NOW + timedelta(days=1)).found
    events = audit_events("schedule_codes_reissued")
    assert [(e.detail["appointment_id"], e.detail["staff_id"]) for e in events] == [
        (appointment("A-1").id, 7)  # type: ignore[union-attr]
    ]
    with pytest.raises(DayIsOver):
        reissue_codes_for_day(NOW.date(), now=NOW + timedelta(days=1))


def test_the_page_sends_the_days_codes_as_a_csv_and_refuses_a_bad_or_past_day(
    app: Flask,
    facility_admin: FlaskClient,
) -> None:
    with app.app_context():
        apply_entries([entry("A-1", starts_at=utcnow() + timedelta(hours=1))], now=utcnow())
        today = facility_today()
    token = csrf_token_from(facility_admin.get(SCHEDULE).get_data(as_text=True))

    def post(day: str) -> tuple[int, str, str]:
        response = facility_admin.post(f"{SCHEDULE}letters", data={"csrf_token": token, "day": day})
        disposition = response.headers.get("Content-Disposition", "")
        return response.status_code, disposition, response.get_data(as_text=True)

    status, disposition, body = post(today.isoformat())
    assert status == 200 and f"appointment-codes-{today.isoformat()}.csv" in disposition
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["appointment_id"] for row in rows] == ["A-1"]
    with app.app_context():
        assert identify_by_code(rows[0]["code"], kiosk_id=None).found
    assert post("31/12/2026")[0] == 400
    assert post("9999-12-31")[0] == 404
    assert post((today - timedelta(days=2)).isoformat())[0] == 400
    empty_status, _, empty_page = post((today + timedelta(days=3)).isoformat())
    assert empty_status == 404 and "No booked appointment of that day" in empty_page


def test_the_command_writes_the_days_codes_to_a_private_new_file(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        add_department("imaging")
        apply_entries([entry("A-1", starts_at=utcnow() + timedelta(hours=1))], now=utcnow())
        today = facility_today().isoformat()
    codes_path = tmp_path / "letters.csv"

    result = runner.invoke(args=["schedule", "letters", today, "--codes-out", str(codes_path)])

    assert result.exit_code == 0 and "1 codes for the letters of" in result.output
    assert stat.S_IMODE(codes_path.stat().st_mode) == 0o600
    assert codes_path.read_bytes().startswith(b"appointment_id,code\r\nA-1,")
