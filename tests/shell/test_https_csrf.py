"""CSRF behind TLS: POSTs work without a Referer, and cross-site POSTs stay refused.

Browsers send no Referer under the kiosk's `Referrer-Policy: no-referrer`, and then serialise the
Origin of a form POST as "null"; Chromium still sends `Sec-Fetch-Site`. These tests send exactly
what such a browser sends.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.helpers import csrf_token_from

HTTPS = "https://kiosk.hospital.test"
SAME_ORIGIN_BROWSER = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}


def page_language(client: FlaskClient) -> str:
    html = client.get("/", base_url=HTTPS).get_data(as_text=True)
    match = re.search(r'<html lang="(\w+)"', html)
    assert match, "page has no language"
    return match.group(1)


def token_over_https(client: FlaskClient) -> str:
    return csrf_token_from(client.get("/", base_url=HTTPS).get_data(as_text=True))


@pytest.mark.parametrize(
    "browser_headers",
    [SAME_ORIGIN_BROWSER, {"Sec-Fetch-Site": "same-origin"}, {}],
    ids=["chromium-no-referrer", "fetch-metadata-only", "no-browser-headers"],
)
def test_https_post_with_token_and_no_referer_is_accepted(
    client: FlaskClient, browser_headers: dict[str, str]
) -> None:
    token = token_over_https(client)
    response = client.post(
        "/language",
        data={"lang": "es", "csrf_token": token, "next": "/help"},
        base_url=HTTPS,
        headers=browser_headers,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/help"
    assert page_language(client) == "es"


def test_https_post_from_the_same_origin_with_its_origin_header_is_accepted(
    client: FlaskClient,
) -> None:
    token = token_over_https(client)
    response = client.post(
        "/language",
        data={"lang": "es", "csrf_token": token},
        base_url=HTTPS,
        headers={"Origin": HTTPS},
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "forged_headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://blog.hospital.test"},
        {"Origin": "https://attacker.example"},
    ],
    ids=["cross-site", "sibling-subdomain", "foreign-origin-old-browser"],
)
def test_cross_site_post_is_refused_even_with_a_valid_token(
    client: FlaskClient, forged_headers: dict[str, str]
) -> None:
    token = token_over_https(client)
    response = client.post(
        "/language",
        data={"lang": "es", "csrf_token": token},
        base_url=HTTPS,
        headers=forged_headers,
    )
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)
    assert page_language(client) == "en"


def test_https_post_without_token_is_still_refused(client: FlaskClient) -> None:
    token_over_https(client)
    response = client.post(
        "/language", data={"lang": "es"}, base_url=HTTPS, headers=SAME_ORIGIN_BROWSER
    )
    assert response.status_code == 400
    assert page_language(client) == "en"


def test_referrers_never_leave_the_kiosk(client: FlaskClient) -> None:
    assert client.get("/", base_url=HTTPS).headers["Referrer-Policy"] == "no-referrer"
