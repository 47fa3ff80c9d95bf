"""Fixtures of the schedule tests: an application whose request context gives the importers'
messages a language, without a database for the tests that only read files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import force_locale

from kiosk import create_app
from tests.helpers import app_config


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
