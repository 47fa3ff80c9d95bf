"""`flask api-client ...` and `flask arrivals export`, on SQLite and PostgreSQL: a token is
printed once and stored as a digest only, a revoked client is refused at once, and the export
is the endpoint's bundle, audited as an export."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import ApiClient
from tests.admin.fhir.fhir_builders import api_token, bundle_of, fhir_get, today
from tests.admin.queue.queue_builders import queue_patient
from tests.builders import audit_events


def created_token(runner: FlaskCliRunner, name: str, *scopes: str) -> str:
    """Create a client from the command line; the token is the output's last line."""
    arguments = ["api-client", "create", name, "--by", "it-desk"]
    for scope in scopes:
        arguments += ["--scope", scope]
    result = runner.invoke(args=arguments)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_a_created_client_reads_with_its_token_until_revoked(
    app: Flask, runner: FlaskCliRunner
) -> None:
    token = created_token(runner, "ehr-interface", "Appointment.read")
    client = app.test_client()
    search = f"/fhir/Appointment?date={today(app)}"
    assert fhir_get(client, search, token).status_code == 200

    listed = runner.invoke(args=["api-client", "list"]).output
    revoked = runner.invoke(args=["api-client", "revoke", "ehr-interface"])

    assert "ehr-interface\tAppointment.read\tcreated" in listed and "by it-desk" in listed
    assert "active" in listed and token not in listed
    assert revoked.exit_code == 0
    assert fhir_get(client, search, token).status_code == 401
    assert "revoked" in runner.invoke(args=["api-client", "list"]).output
    with app.app_context():
        stored = db.session.scalar(select(ApiClient))
        assert stored is not None and token not in (stored.token_digest, stored.scopes)
        assert stored.last_used_at is not None


def test_wrong_client_commands_change_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    created_token(runner, "billing-office", "Coverage.read")

    again = runner.invoke(
        args=["api-client", "create", "billing-office", "--scope", "Coverage.read"]
    )
    no_scope = runner.invoke(args=["api-client", "create", "another"])
    bad_scope = runner.invoke(args=["api-client", "create", "another", "--scope", "Patient.write"])
    unknown = runner.invoke(args=["api-client", "revoke", "nobody"])

    assert [r.exit_code for r in (again, no_scope, bad_scope, unknown)] == [2, 2, 2, 2]
    assert "already a client called billing-office" in again.output
    assert "no client called nobody" in unknown.output
    with app.app_context():
        assert db.session.scalars(select(ApiClient.name)).all() == ["billing-office"]


def test_the_export_is_the_endpoints_bundle_and_is_audited(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first = queue_patient(app, 1)
    queue_patient(app, 2)
    out = tmp_path / "arrivals.json"

    result = runner.invoke(
        args=["arrivals", "export", "--date", today(app), "--status", "arrived", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    exported = Bundle.model_validate_json(out.read_text())
    served = bundle_of(
        fhir_get(app.test_client(), f"/fhir/Appointment?date={today(app)}", api_token(app))
    )
    assert [e.resource.model_dump() for e in exported.entry] == [
        e.resource.model_dump() for e in served.entry
    ]
    # Every match is in the file: its link asks the API for the same search, without paging.
    [link] = exported.link
    assert link.url.endswith(f"/fhir/Appointment?date={today(app)}&status=arrived")
    with app.app_context():
        [export] = audit_events("fhir_export")
        disclosed = audit_events("fhir_export_disclosed")
    assert export.detail == {"resource": "Appointment", "returned": 2}
    assert disclosed[0].patient_id == first.patient_id


def test_the_export_writes_to_standard_output_and_refuses_what_it_cannot_do(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    queue_patient(app)

    printed = runner.invoke(args=["arrivals", "export", "--date", today(app)])
    wrong = runner.invoke(args=["arrivals", "export", "--date", "31/12/2026"])
    wrong_status = runner.invoke(
        args=["arrivals", "export", "--date", today(app), "--status", "roomed"]
    )
    nowhere = tmp_path / "no-such-folder" / "arrivals.json"
    unwritable = runner.invoke(
        args=["arrivals", "export", "--date", today(app), "--out", str(nowhere)]
    )

    assert json.loads(printed.output)["total"] == 1
    assert wrong.exit_code == 2 and "date must be one day" in wrong.output
    assert wrong_status.exit_code == 2 and "status must be one or more of" in wrong_status.output
    assert unwritable.exit_code == 1 and f"cannot write {nowhere}" in unwritable.output
    with app.app_context():
        assert len(audit_events("fhir_export")) == 1
