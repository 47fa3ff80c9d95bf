"""Search parameters of the FHIR API, on SQLite and PostgreSQL: every malformed, unknown or
repeated one is a 400 OperationOutcome that names it, and no query string whatever gives a
500 or an answer that is not valid FHIR."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.fhir.searches import MAX_OFFSET
from tests.admin.fhir.fhir_builders import api_token, bundle_of, fhir_get, outcome_of, today
from tests.admin.queue.queue_builders import queue_patient

BAD_SEARCHES = [
    ("/fhir/Appointment", "date is required"),
    ("/fhir/Appointment?date=2026-02-30", "date must be one day"),
    ("/fhir/Appointment?date=10/03/2026", "date must be one day"),
    ("/fhir/Appointment?date=20260310", "date must be one day"),
    ("/fhir/Appointment?date=ge2026-03-10", "date must be one day"),
    ("/fhir/Appointment?date=9999-12-31", "date must be one day"),
    ("/fhir/Appointment?date=2026-03-10&date=2026-03-11", "Give date only once"),
    ("/fhir/Appointment?date=2026-03-10&status=waiting", "status must be one or more of"),
    ("/fhir/Appointment?date=2026-03-10&status=arrived,", "status must be one or more of"),
    ("/fhir/Appointment?date=2026-03-10&stauts=arrived", "Unknown search parameter stauts"),
    ("/fhir/Appointment?date=2026-03-10&_count=-1", "_count must be a whole number"),
    ("/fhir/Appointment?date=2026-03-10&_count=501", "_count must be a whole number"),
    ("/fhir/Appointment?date=2026-03-10&_count=%D9%A3", "_count must be a whole number"),
    ("/fhir/Appointment?date=2026-03-10&_offset=99999999999", "_offset must be a whole number"),
    ("/fhir/Appointment?date=2026-03-10&_format=xml", "_format must be json"),
    ("/fhir/Coverage?date=2026-03-10&status=arrived", "Unknown search parameter status"),
    ("/fhir/Coverage?date=yesterday", "date must be one day"),
]


def test_each_bad_parameter_is_a_400_that_names_it(app: Flask) -> None:
    token = api_token(app)
    client = app.test_client()

    messages = {path: outcome_of(fhir_get(client, path, token), 400) for path, _ in BAD_SEARCHES}

    for path, message in BAD_SEARCHES:
        assert message in messages[path], path


def test_count_zero_gives_the_total_only_and_eq_is_the_same_day(app: Flask) -> None:
    queue_patient(app)
    token = api_token(app)
    client = app.test_client()

    counted = bundle_of(fhir_get(client, f"/fhir/Appointment?date=eq{today(app)}&_count=0", token))

    assert (counted.total, counted.entry) == (1, None)
    assert [link.relation for link in counted.link] == ["self"]


@pytest.fixture
def reader_token(app: Flask) -> str:
    """One client reading both resources, for every example of a property test."""
    return api_token(app)


PARAMETER_NAMES = st.sampled_from(["date", "status", "_count", "_offset", "_format", "x"])
PARAMETER_VALUES = st.one_of(
    st.text(max_size=24),
    st.dates().map(str),
    st.integers(min_value=-10, max_value=MAX_OFFSET * 10).map(str),
    st.lists(st.sampled_from(["arrived", "fulfilled", "noshow", "booked", "x"]), max_size=4).map(
        ",".join
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    resource=st.sampled_from(["Appointment", "Coverage"]),
    parameters=st.lists(st.tuples(PARAMETER_NAMES, PARAMETER_VALUES), max_size=5),
)
def test_no_query_gives_a_500_or_invalid_fhir(
    app: Flask, reader_token: str, resource: str, parameters: list[tuple[str, str]]
) -> None:
    path = f"/fhir/{resource}?{urlencode(parameters)}"

    response = fhir_get(app.test_client(), path, reader_token)

    assert response.status_code in (200, 400), (path, response.status_code)
    model = Bundle if response.status_code == 200 else OperationOutcome
    model.model_validate_json(response.get_data())
