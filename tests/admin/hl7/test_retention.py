"""`flask housekeeping` empties old HL7 messages of their patient data and keeps their outcome,
so a late re-send is still recognised — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner

from admin.hl7.inbox import Inbox, InboxSettings
from kiosk.models import InboundMessageStatus
from kiosk.models.types import utcnow
from tests.admin.hl7.inbox_helpers import msa_of, stored_messages
from tests.admin.hl7.samples import siu
from tests.builders import add_department


def test_old_message_content_is_dropped_and_the_outcome_kept(
    checkin_app: Flask, runner: FlaskCliRunner
) -> None:
    add_department("imaging", "R")
    inbox = Inbox(InboxSettings.from_app(checkin_app))
    now = utcnow()
    old, recent = siu("S12", "OLD-1"), siu("S12", "NEW-1", appointment_id="APT-2")
    inbox.receive_message(old.encode("utf-8"), now=now - timedelta(days=31))
    inbox.receive_message(recent.encode("utf-8"), now=now - timedelta(days=29))
    output = runner.invoke(args=["housekeeping"]).output
    assert "1 HL7 message(s) older than 30 day(s) emptied of their content." in output
    first, second = stored_messages()
    assert (first.raw, first.status, first.control_id) == (
        b"",
        InboundMessageStatus.ACCEPTED,
        "OLD-1",
    )
    assert second.raw == recent.encode("utf-8")
    # The engine re-sends the old message: recognised, answered AA, applied nowhere.
    assert msa_of(inbox.receive_message(old.encode("utf-8"), now=now).ack).code == "AA"
    assert stored_messages()[-1].status is InboundMessageStatus.DUPLICATE
    assert "0 HL7 message(s)" in runner.invoke(args=["housekeeping"]).output
