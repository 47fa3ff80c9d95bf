"""Fixtures for the closures tests: an app on each database with a floorplan of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.closures.builders import app_with_own_floorplan, dispose


@pytest.fixture
def closures_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on one database, serving its own copy of the demo floorplan."""
    app = app_with_own_floorplan(database_url, tmp_path / "plan")
    yield app
    dispose(app)
