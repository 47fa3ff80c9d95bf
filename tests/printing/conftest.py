"""Fixtures for printing tests: fast queue settings, the print commands, a fake printer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk import printing
from tests.printing.fake_printer import FakePrinter
from tests.printing.printing_helpers import FAST_QUEUE_CONFIG


@pytest.fixture
def print_app(app: Flask, tmp_path: Path) -> Flask:
    """The application with fast queue settings, the print commands and its own receipts folder."""
    app.config.update(FAST_QUEUE_CONFIG, PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"))
    printing.init_app(app)
    return app


@pytest.fixture
def print_runner(print_app: Flask) -> FlaskCliRunner:
    return print_app.test_cli_runner()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter().switch_on()
    yield printer
    printer.switch_off()
