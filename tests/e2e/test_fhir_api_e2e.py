"""An interface engine reads the day's arrivals from a running server over a real socket on
127.0.0.1, after a patient checked in at a kiosk: the bearer token passes through the HTTP
server as sent, the bundle validates with `fhir.resources`, no cookie comes back, and the same
request without the token is refused with `WWW-Authenticate: Bearer`."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.admin.fhir.fhir_builders import api_token, today
from tests.builders import book_patient
from tests.e2e.conftest import LiveServer
from tests.flows import KioskVisit

pytestmark = pytest.mark.e2e


def test_an_interface_engine_reads_a_kiosk_arrival_over_http(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server()
    booked = book_patient(server.app, mrn="MRN-4410")
    KioskVisit(server.app).check_in_by_code(booked.code)
    token = api_token(server.app)
    url = f"{server.url}/fhir/Appointment?date={today(server.app)}&status=arrived"

    signed = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(signed, timeout=10) as response:
        body, headers = response.read(), response.headers
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)

    [entry] = Bundle.model_validate_json(body).entry
    assert entry.resource.status == "arrived"
    assert entry.resource.participant[0].actor.identifier.value == "MRN-4410"
    assert headers.get_content_type() == "application/fhir+json"
    assert headers.get("Set-Cookie") is None
    assert refused.value.code == 401
    assert refused.value.headers["WWW-Authenticate"].startswith("Bearer")
    refused.value.close()
