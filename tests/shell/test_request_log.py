"""Request logs carry the route pattern and timing, never URLs, queries or form values."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk.shell.request_log import JsonLineFormatter
from tests.helpers import csrf_token_from


def test_request_lines_hold_the_route_pattern_not_secrets(
    app: Flask, runner: FlaskCliRunner, caplog: pytest.LogCaptureFixture
) -> None:
    output = runner.invoke(args=["kiosk", "enroll", "main-lobby"]).output
    token = output.split("/enrol/")[1].split()[0]
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="lobby.request"):
        page = client.get(f"/enrol/{token}?last_name=Doe&dob=1980-02-03")
        client.post(
            "/language",
            data={
                "lang": "es",
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
                "note": "Jane Doe",
            },
        )
    lines = [JsonLineFormatter().format(record) for record in caplog.records]
    text = "\n".join(lines)
    assert token not in text and "Doe" not in text and "1980" not in text
    entries = [json.loads(line) for line in lines]
    assert {"route": "/enrol/<token>", "status": 200}.items() <= entries[0].items()
    assert entries[1]["route"] == "/language" and entries[1]["status"] == 303
    assert all(isinstance(entry["duration_ms"], float) for entry in entries)


def test_formatter_drops_fields_that_are_not_on_the_allow_list() -> None:
    record = logging.LogRecord("lobby.x", logging.INFO, __file__, 1, "checked in", None, None)
    record.last_name = "Doe"
    record.status = 201
    entry = json.loads(JsonLineFormatter().format(record))
    assert entry["status"] == 201 and "last_name" not in entry
