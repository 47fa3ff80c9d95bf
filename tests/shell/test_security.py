"""Security baseline: CSRF on every POST, headers on every response, cookie flags, size cap."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token_from

PAGES = ["/", "/help", "/check-in", "/find", "/healthz", "/no-such-page", "/enrol/unknown"]


@pytest.mark.parametrize("path", [*PAGES, "/static/kiosk.css"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    response.close()  # static files are streamed from disk
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_never_stored_by_the_browser(client: FlaskClient, path: str) -> None:
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_pages_contain_no_inline_script(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html and "style=" not in html


def test_post_without_csrf_token_is_rejected_with_a_friendly_page(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "es"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This page has expired" in body
    assert "Traceback" not in body and "token is missing" not in body
    # Nothing changed: the home screen is still in English.
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_post_with_form_token_is_accepted(client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"lang": "es", "csrf_token": token})
    assert response.status_code == 303


def test_htmx_post_with_csrf_header_is_accepted(client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(
        "/language", data={"lang": "es"}, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 303
    assert 'lang="es"' in client.get("/").get_data(as_text=True)


def test_htmx_post_with_a_forged_header_is_rejected(client: FlaskClient) -> None:
    client.get("/")
    response = client.post("/language", data={"lang": "es"}, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite_on_http(client: FlaskClient) -> None:
    response = client.get("/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development server keeps working


def test_session_cookie_is_secure_over_https(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://kiosk.example.test")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_oversized_upload_gets_413_with_a_clear_message(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = app.test_client()
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(
        "/language", data={"lang": "es", "csrf_token": token, "blob": "x" * 5000}
    )
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post(
            "/language", data={"lang": "en", "next": target, "csrf_token": token}
        )
        assert response.headers["Location"] == "/"
