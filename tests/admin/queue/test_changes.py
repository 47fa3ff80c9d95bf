"""The polling marker on SQLite and PostgreSQL: it changes with every arrival and every action
(undo included) in the departments asked about, and with nothing else."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from admin.queue.actions import apply_action, undo_last_action
from admin.queue.changes import queue_marker
from kiosk.extensions import db
from kiosk.facility import facility_today
from kiosk.models import Department, QueueAction
from tests.admin.queue.queue_builders import coordinator, queue_patient


def marker(code: str) -> str:
    department_id = db.session.scalar(select(Department.id).where(Department.code == code))
    return queue_marker([department_id or 0], facility_today())


def test_the_marker_moves_with_arrivals_and_actions_of_its_departments_only(app: Flask) -> None:
    queued = queue_patient(app, 1, department_code="imaging")
    queue_patient(app, 2, department_code="laboratory")
    with app.app_context():
        seen = [marker("imaging")]
        assert marker("imaging") == seen[-1]  # asking again changes nothing
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 1"
        )
        seen.append(marker("imaging"))
        undo_last_action(queued.ticket_id, staff_id=coordinator())
        seen.append(marker("imaging"))
        lab_before = marker("laboratory")
    queue_patient(app, 3, department_code="imaging")
    with app.app_context():
        seen.append(marker("imaging"))
        assert len(set(seen)) == 4
        assert marker("laboratory") == lab_before
