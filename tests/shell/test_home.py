"""Returning to the screen a person was on: only ever a same-site path, whatever `next` holds.

`next` comes from a hidden form field, so anything can be posted in it: line breaks (header
injection), control and separator characters that browsers strip from URLs, absolute and
scheme-relative URLs (open redirects).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.shell.home import safe_return_path
from tests.helpers import csrf_token_from

HOSTILE_PIECES = st.sampled_from(
    [
        "\r\n",
        "\r",
        "\n",
        "\t",
        "\x00",
        "\x7f",
        "\x85",
        "\u2028",
        "\u2029",
        "\u00a0",
        " ",
        "//",
        "\\",
        "/",
        "http://attacker.example",
        "https:",
        "javascript:",
        "mailto:x@y",
        "%0d%0a",
        "Set-Cookie: x=1",
        "help",
        "find",
        "?",
        "#",
        "é",
        "²",
    ]
)
HOSTILE_NEXT = st.one_of(
    st.text(),
    st.lists(HOSTILE_PIECES, max_size=6).map("".join),
    st.builds(lambda a, b: "/" + a + b, HOSTILE_PIECES, st.text(max_size=10)),
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def is_same_site_path(location: str) -> bool:
    """What a browser will resolve to a page of this kiosk and nowhere else."""
    parts = urlsplit(location)
    return (
        location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not parts.scheme
        and not parts.netloc
        and all(character.isprintable() and not character.isspace() for character in location)
    )


@FUZZ
@given(candidate=HOSTILE_NEXT)
@example(candidate="/help\r\nSet-Cookie: lobby_session=stolen")
@example(candidate="/\t/attacker.example")
@example(candidate="/\u2028")
def test_return_path_is_always_a_same_site_path(app: Flask, candidate: str) -> None:
    with app.test_request_context():
        assert is_same_site_path(safe_return_path(candidate))


@pytest.mark.parametrize("path", ["/help", "/find/to/imaging?step_free=1", "/find/a-z#I"])
def test_ordinary_paths_are_kept(app: Flask, path: str) -> None:
    with app.test_request_context():
        assert safe_return_path(path) == path


@FUZZ
@given(candidate=HOSTILE_NEXT)
@example(candidate="/help\r\nSet-Cookie: lobby_session=stolen")
def test_language_switch_always_answers_303_to_a_same_site_path(
    client: FlaskClient, candidate: str
) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"lang": "es", "csrf_token": token, "next": candidate})
    assert response.status_code == 303
    assert is_same_site_path(response.headers["Location"])


@FUZZ
@given(candidate=HOSTILE_NEXT)
@example(candidate="/find/\r\n")
def test_step_free_switch_always_answers_303_to_a_same_site_path(
    client: FlaskClient, candidate: str
) -> None:
    token = csrf_token_from(client.get("/find/").get_data(as_text=True))
    response = client.post(
        "/find/step-free", data={"step_free": "on", "csrf_token": token, "next": candidate}
    )
    assert response.status_code == 303
    assert is_same_site_path(response.headers["Location"])
