"""Compressed static files and pages, and no compression where it could leak the CSRF token.

Sizes are compared with the uncompressed bytes of the same response, in the same run.
"""

from __future__ import annotations

import gzip

import brotli
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import csrf_token_from

CHROMIUM_ACCEPTS = "gzip, deflate, br, zstd"
STATIC_FILES = ["/static/kiosk.css", "/static/kiosk.js", "/static/vendor/htmx-2.0.11.min.js"]


def fetch(client: FlaskClient, path: str, encoding: str | None, site: str | None) -> TestResponse:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    if site:
        headers["Sec-Fetch-Site"] = site
    response = client.get(path, headers=headers)
    response.make_sequence()  # static files are streamed from disk: read, then close the file
    response.close()
    return response


def decoded(response: TestResponse) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


@pytest.mark.parametrize("path", STATIC_FILES)
@pytest.mark.parametrize("encoding", ["br", "gzip, br", "br;q=1, gzip;q=0.5"])
def test_static_files_are_served_compressed_when_the_browser_accepts_it(
    client: FlaskClient, path: str, encoding: str
) -> None:
    plain = fetch(client, path, None, None)
    compressed = fetch(client, path, encoding, "same-origin")
    assert plain.headers.get("Content-Encoding") is None
    assert compressed.headers["Content-Encoding"] == "br"
    assert decoded(compressed) == plain.get_data()
    assert len(compressed.get_data()) < len(plain.get_data()) / 2
    assert "Accept-Encoding" in compressed.headers["Vary"]


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_pages_the_kiosk_asks_for_itself_are_compressed(client: FlaskClient, site: str) -> None:
    plain = fetch(client, "/find/a-z", None, site)
    compressed = fetch(client, "/find/a-z", "gzip", site)
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.get_data()) < len(plain.get_data()) / 2
    assert b"A" in decoded(compressed)
    assert {"Accept-Encoding", "Sec-Fetch-Site"} <= set(compressed.headers["Vary"].split(", "))


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_pages_requested_from_elsewhere_are_never_compressed(
    client: FlaskClient, site: str | None
) -> None:
    # A search that reflects attacker-chosen text next to the CSRF token: the BREACH setup.
    response = fetch(client, "/find/search?q=csrf_token%22+value%3D%22a", CHROMIUM_ACCEPTS, site)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") is None
    home = fetch(client, "/", CHROMIUM_ACCEPTS, site)
    assert home.headers.get("Content-Encoding") is None
    csrf_token_from(home.get_data(as_text=True))  # the secret is there, uncompressed
    assert "Sec-Fetch-Site" in home.headers["Vary"]


def test_first_kiosk_load_is_much_smaller_compressed(client: FlaskClient) -> None:
    paths = ["/", *STATIC_FILES, "/static/kiosk.css"]
    plain = sum(len(fetch(client, path, None, "none").get_data()) for path in paths)
    compressed = sum(
        len(fetch(client, path, CHROMIUM_ACCEPTS, "none").get_data()) for path in paths
    )
    assert compressed < plain / 2.5
