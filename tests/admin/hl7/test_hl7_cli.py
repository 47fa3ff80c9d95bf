"""`flask hl7 messages` lists outcomes without content; `flask hl7 send` checks a listener end
to end; `flask hl7 listen` on a port in use says so."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from admin.hl7.inbox import Inbox, InboxSettings
from tests.admin.hl7.listener_process import ListenerProcess
from tests.admin.hl7.samples import ANA, siu
from tests.builders import NOW, add_department


def test_messages_lists_outcomes_and_reasons_but_no_patient_data(
    checkin_app: Flask, runner: FlaskCliRunner
) -> None:
    add_department("imaging", "R")
    inbox = Inbox(InboxSettings.from_app(checkin_app))
    for message in (siu("S12", "L-1"), siu("S12", "L-2", location="nowhere"), siu("S12", "L-1")):
        inbox.receive_message(message.encode("utf-8"), now=NOW)
    listing = runner.invoke(args=["hl7", "messages"]).output
    lines = listing.splitlines()
    assert len(lines) == 4 and "control id" in lines[0]
    assert "L-1" in lines[1] and "duplicate" in lines[1]
    assert "rejected" in lines[2] and "103 AIL-3 the location is not a department" in lines[2]
    assert "accepted" in lines[3] and "SIU^S12" in lines[3]
    for value in (ANA.mrn, ANA.family, ANA.given, ANA.birth):
        assert value not in listing
    rejected_only = runner.invoke(args=["hl7", "messages", "--status", "rejected"]).output
    assert len(rejected_only.splitlines()) == 2


def test_send_prints_the_ack_of_each_file(
    app: Flask, runner: FlaskCliRunner, shared_listener: ListenerProcess, tmp_path: Path
) -> None:
    with app.app_context():
        add_department("imaging", "R")
    sample = tmp_path / "new-appointment.hl7"
    sample.write_text(siu("S12", "F-1").replace("\r", "\n"), encoding="utf-8")
    result = runner.invoke(args=["hl7", "send", str(sample), "--port", str(shared_listener.port)])
    assert result.exit_code == 0
    assert result.output.strip() == "new-appointment.hl7: MSA|AA|F-1"


def test_listen_on_a_port_in_use_says_so(
    runner: FlaskCliRunner, shared_listener: ListenerProcess
) -> None:
    result = runner.invoke(args=["hl7", "listen", "--port", str(shared_listener.port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{shared_listener.port}" in result.output
