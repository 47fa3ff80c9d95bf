"""Fixtures for the identity, throttle and demo-patient tests: an application context on each
database, with the facility in Chicago (so "today" differs from UTC's) and no timing padding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.checkin.checkin_helpers import FACILITY_TIMEZONE


@pytest.fixture
def checkin_app(app: Flask) -> Iterator[Flask]:
    """The application inside an app context, lookups unpadded (tests assert no wall clock)."""
    app.config.update(IDENTIFY_MIN_SECONDS=0, FACILITY_TIMEZONE=FACILITY_TIMEZONE)
    with app.app_context():
        yield app
