"""Fixtures for the Closures screen: an app with its own floorplan, and a signed-in facility
admin's browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.models import StaffRoleName
from tests.closures.builders import app_with_own_floorplan, dispose
from tests.staff_signin import sign_in, staff_account


@pytest.fixture
def closures_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on one database, serving its own copy of the demo floorplan."""
    app = app_with_own_floorplan(database_url, tmp_path / "plan")
    yield app
    dispose(app)


@pytest.fixture
def facility_admin(closures_app: Flask) -> FlaskClient:
    """A facility admin signed in (password and authenticator code)."""
    client = closures_app.test_client()
    account = staff_account(closures_app, StaffRoleName.FACILITY_ADMIN, full_name="Fran Facilities")
    sign_in(client, closures_app, account)
    return client
