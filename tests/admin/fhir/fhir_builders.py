"""What the FHIR API tests share: an integration client's token, a request as an interface
engine sends it, and the answer parsed back with `fhir.resources` (which is the check that
every resource validates)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from admin.fhir.clients import create_client
from kiosk.extensions import db
from kiosk.facility import facility_today


def api_token(app: Flask, *scopes: str, name: str = "ehr-interface") -> str:
    """A new integration client with `scopes` (both when none are named); its token."""
    with app.app_context():
        issued = create_client(
            name, scopes or ("Appointment.read", "Coverage.read"), created_by="it-test"
        )
        db.session.commit()
        return issued.token


def today(app: Flask) -> str:
    """The facility's today, as the `date` parameter writes it."""
    with app.app_context():
        return facility_today().isoformat()


def fhir_get(
    client: FlaskClient, path: str, token: str | None = None, **headers: str
) -> TestResponse:
    """GET `path` as an interface engine does, with the bearer token when given."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, headers=headers)


def bundle_of(response: TestResponse) -> Bundle:
    """The response's searchset Bundle, parsed back and validated with `fhir.resources`."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.get_data())
    assert bundle.type == "searchset"
    return bundle


def resources_of(response: TestResponse) -> list[Any]:
    """The matched resources of a searchset response, validated."""
    return [
        entry.resource
        for entry in bundle_of(response).entry or []
        if entry.search is not None and entry.search.mode == "match"
    ]


def outcome_of(response: TestResponse, status: int) -> str:
    """The diagnostics of an OperationOutcome answered with `status`, validated."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    outcome = OperationOutcome.model_validate_json(response.get_data())
    [issue] = outcome.issue
    assert issue.severity == "error"
    return str(issue.diagnostics)
