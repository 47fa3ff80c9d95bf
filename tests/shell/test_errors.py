"""Error pages are generic, in the person's language, and never show a stack trace."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.flows import choose_spanish


def test_unknown_url_gets_the_generic_page(client: FlaskClient) -> None:
    response = client.get("/definitely/not/here?name=Jane")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "We could not find that page" in body
    assert "Back to the start" in body
    assert "Jane" not in body


def test_unknown_url_page_is_in_spanish_after_choosing_spanish(client: FlaskClient) -> None:
    choose_spanish(client)
    body = client.get("/nope").get_data(as_text=True)
    assert "No encontramos esa página" in body
    assert 'lang="es"' in body


def test_wrong_method_gets_the_generic_page(client: FlaskClient) -> None:
    response = client.get("/reset")
    assert response.status_code == 405
    assert "We could not use that" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    def explode() -> str:
        raise RuntimeError("secret internals: patient Jane Doe 1980-02-03")

    app.add_url_rule("/explode", "explode", explode)
    return app


def test_server_error_shows_generic_page_without_trace(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="lobby.errors"):
        response = failing_app.test_client().get("/explode")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "RuntimeError" not in body and "Jane" not in body
    assert response.headers["Content-Security-Policy"]
    assert any(record.exc_info for record in caplog.records), "staff need the error in the log"


def test_server_error_page_is_in_spanish_for_a_spanish_session(failing_app: Flask) -> None:
    client = failing_app.test_client()
    choose_spanish(client)
    assert "Algo salió mal por nuestra parte" in client.get("/explode").get_data(as_text=True)


def test_debug_is_off_outside_development(app: Flask) -> None:
    assert app.debug is False
