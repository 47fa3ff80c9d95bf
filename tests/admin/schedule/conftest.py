"""Fixtures of the schedule tests: a signed-in facility admin, and an application whose context
gives the importers' messages a language, without a database for the tests that only read
files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from kiosk import create_app
from kiosk.models import StaffRoleName
from tests.builders import add_department
from tests.helpers import app_config
from tests.staff_signin import sign_in, staff_account


@pytest.fixture
def facility_admin(app: Flask) -> FlaskClient:
    """A facility admin signed in with password and code; Lobby has an Imaging department."""
    with app.app_context():
        add_department("imaging")
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN))
    return client


@pytest.fixture(scope="module")
def reader_app() -> Flask:
    """An application that is never asked for data (the file readers need none)."""
    return create_app(app_config("sqlite://"))


@pytest.fixture
def english(reader_app: Flask) -> Iterator[None]:
    """Messages in English, as the command prints them."""
    with reader_app.app_context(), force_locale("en"):
        yield


@pytest.fixture
def spanish(reader_app: Flask) -> Iterator[None]:
    """Messages in Spanish, as a staff member who chose Español reads them."""
    with reader_app.app_context(), force_locale("es"):
        yield
