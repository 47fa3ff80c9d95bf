"""Rate limits: per kiosk or per address, the friendly 429 page, shared across app servers.

Limits are set small here so a test needs only a few requests; the default table is checked
endpoint by endpoint with a limit of one request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app
from kiosk.config import DEFAULTS
from kiosk.extensions import db
from tests.admin.fhir.fhir_builders import api_token
from tests.builders import enrolled_client
from tests.flows import choose_spanish
from tests.helpers import app_config, csrf_token_from, empty_all_tables

REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_HINT = (
    "Redis is needed for the shared rate-limit tests. Start it with: redis-server --daemonize "
    'yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
)
# One request of each limited endpoint, as a browser sends it (POSTs with a valid token).
LIMITED_REQUESTS: dict[str, tuple[str, str]] = {
    "find.search": ("GET", "/find/search?q=xray"),
    "phone.route": ("GET", "/d/unknown-token"),
    "ticket_status.show": ("GET", "/t/unknown-token"),
    "enrolment.confirm": ("GET", "/enrol/unknown-token"),
    "enrolment.enrol": ("POST", "/enrol/unknown-token"),
    "checkin.by_code": ("POST", "/check-in/code"),
    "checkin.by_code_photo": ("POST", "/check-in/code/photo"),
    "checkin.by_name": ("POST", "/check-in/name"),
    "checkin.birth_date": ("POST", "/check-in/birth-date"),
    "security.login": ("POST", "/staff/sign-in"),
    "security.two_factor_token_validation": ("POST", "/staff/two-step/code"),
    "alerts.call_staff": ("POST", "/help/call-staff"),
    "fhir.search_appointments": ("GET", "/fhir/Appointment?date=2026-03-10"),
    "fhir.read_appointment": ("GET", "/fhir/Appointment/1"),
    "fhir.search_coverage": ("GET", "/fhir/Coverage?date=2026-03-10"),
    "fhir.read_coverage": ("GET", "/fhir/Coverage/1"),
}


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Applications on the test database with their own settings (several may share it)."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        application = create_app(app_config(database_url, **overrides))
        apps.append(application)
        return application

    yield make
    for application in apps:
        with application.app_context():
            db.session.remove()
            if application is apps[0]:
                empty_all_tables()
            db.engine.dispose()


def search(client: FlaskClient) -> int:
    return client.get("/find/search?q=xray").status_code


def test_search_over_its_limit_gets_the_friendly_page_in_the_persons_language(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(RATE_LIMITS={"find.search": "3 per minute"}).test_client()
    choose_spanish(client)
    assert [search(client) for _ in range(3)] == [200, 200, 200]
    response = client.get("/find/search?q=xray")
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Espere un momento, por favor" in body and 'lang="es"' in body
    assert int(response.headers["Retry-After"]) > 0
    # Other screens keep working.
    assert client.get("/find/").status_code == 200


def test_each_enrolled_kiosk_has_its_own_allowance(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATE_LIMITS={"find.search": "2 per minute"})
    lobby = enrolled_client(app, "main-lobby")
    clinic = enrolled_client(app, "clinic-entrance")
    assert [search(lobby) for _ in range(3)] == [200, 200, 429]
    assert [search(clinic) for _ in range(2)] == [200, 200]


def test_browsers_without_an_enrolled_kiosk_count_by_address(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATE_LIMITS={"find.search": "2 per minute"})
    first = app.test_client()
    assert [search(first) for _ in range(2)] == [200, 200]
    # A new cookie jar, or a made-up device cookie, from the same address does not help.
    second = app.test_client()
    second.set_cookie(app.config["DEVICE_COOKIE_NAME"], "forged-device-token")
    assert search(second) == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert search(elsewhere) == 200


def test_forms_are_limited_on_submission_not_on_display(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATE_LIMITS={"checkin.by_code": "2 per minute"})
    kiosk = enrolled_client(app)
    pages = [kiosk.get("/check-in/code") for _ in range(4)]
    assert {page.status_code for page in pages} == {200}
    token = csrf_token_from(pages[0].get_data(as_text=True))
    submissions = [
        kiosk.post("/check-in/code", data={"code": "K7M2-9QXD", "csrf_token": token}).status_code
        for _ in range(3)
    ]
    assert submissions[:2] != [429, 429] and submissions[2] == 429


@pytest.mark.parametrize("endpoint", sorted(DEFAULTS["RATE_LIMITS"]))
def test_every_endpoint_of_the_default_table_is_limited(
    make_app: Callable[..., Flask], endpoint: str
) -> None:
    app = make_app(RATE_LIMITS={endpoint: "1 per minute"})
    method, path = LIMITED_REQUESTS[endpoint]
    # Staff pages are closed to kiosks: their limits apply to a desk computer's browser. The
    # FHIR API's limits count an integration client, known by its token.
    staff_page = path.startswith("/staff/")
    browser = app.test_client() if staff_page else enrolled_client(app)
    token = csrf_token_from(
        browser.get("/staff/sign-in" if staff_page else "/").get_data(as_text=True)
    )
    headers = {"Authorization": f"Bearer {api_token(app)}"} if path.startswith("/fhir/") else {}
    statuses = [
        browser.open(
            path,
            method=method,
            data={"csrf_token": token} if method == "POST" else None,
            headers=headers,
        ).status_code
        for _ in range(2)
    ]
    assert statuses[0] != 429 and statuses[1] == 429


def test_the_default_table_names_real_endpoints_only(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    assert set(DEFAULTS["RATE_LIMITS"]) <= set(app.view_functions)
    assert set(LIMITED_REQUESTS) == set(DEFAULTS["RATE_LIMITS"])
    with pytest.raises(ValueError, match="find.serch"):
        make_app(RATE_LIMITS={"find.serch": "1 per minute"})


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of its own in the local Redis, removed afterwards."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"{REDIS_HINT}\n{error}", pytrace=False)
    prefix = f"lobby-test-{uuid.uuid4().hex}"
    yield prefix
    for key in server.scan_iter(match=f"*{prefix}*"):
        server.delete(key)
    server.close()


def test_two_app_servers_share_the_limit_through_redis(
    make_app: Callable[..., Flask], redis_prefix: str
) -> None:
    settings = {
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_KEY_PREFIX": redis_prefix,
        "RATE_LIMITS": {"find.search": "3 per minute"},
    }
    first_server, second_server = make_app(**settings), make_app(**settings)
    assert [search(first_server.test_client()) for _ in range(2)] == [200, 200]
    assert search(second_server.test_client()) == 200
    assert search(first_server.test_client()) == 429
    assert search(second_server.test_client()) == 429
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{redis_prefix}*")
    assert keys, "the counters live in Redis"


def test_servers_without_redis_count_on_their_own(make_app: Callable[..., Flask]) -> None:
    settings = {"RATE_LIMITS": {"find.search": "2 per minute"}}
    first_server, second_server = make_app(**settings), make_app(**settings)
    assert [search(first_server.test_client()) for _ in range(3)] == [200, 200, 429]
    assert search(second_server.test_client()) == 200
