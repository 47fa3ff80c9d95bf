"""Boards for the board tests: enrolled through the real CLI link and enrolment page, so the
browser holds exactly the cookie a TV would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token_from

LINK = re.compile(r"http://127\.0\.0\.1:5000(/enrol/[A-Za-z0-9_-]+)")


def enrol_board(app: Flask, area: str) -> FlaskClient:
    """A browser enrolled as the board of `area` (via `flask board enroll AREA`)."""
    result = app.test_cli_runner().invoke(args=["board", "enroll", area])
    assert result.exit_code == 0, result.output
    match = LINK.search(result.output)
    assert match, result.output
    browser = app.test_client()
    page = browser.get(match.group(1))
    assert page.status_code == 200
    browser.post(match.group(1), data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    return browser


def poll(board: FlaskClient, path: str, etag: str | None = None):  # type: ignore[no-untyped-def]
    """What htmx asks every few seconds: the calls part, conditionally."""
    headers = {"HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = f'"{etag}"'
    return board.get(path, headers=headers)
