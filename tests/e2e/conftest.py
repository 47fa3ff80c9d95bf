"""Chromium fixtures: a live Lobby server and a portrait 1080×1920 touch screen.

Debian's Chromium is driven through pip's Playwright (no browser download). `make test` installs
Chromium first; if it is missing here the tests fail with the install command — they are never
skipped.

The production setup serves Lobby behind TLS, where browsers behave differently (Referer,
Origin, Secure cookies, HSTS). A test that takes the `scheme` fixture runs over plain HTTP; one
that parametrises it with `@pytest.mark.parametrize("scheme", ["http", "https"])` runs over
both, the HTTPS run against a certificate made for the run and a Chromium that accepts it.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from kiosk import create_app
from kiosk.extensions import db
from tests.helpers import app_config, migrate_from_empty

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Only the HTTPS runs' browser accepts the run's own self-signed certificate.
HTTPS_CHROMIUM_ARGS = [*CHROMIUM_ARGS, "--ignore-certificate-errors"]
DESK_SCREEN = {"width": 1920, "height": 1080}
KIOSK_SCREEN = {"width": 1080, "height": 1920}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def self_signed_tls_context(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1 (one day)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lobby test kiosk server")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.crt", folder / "server.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


class LiveServer:
    """A Lobby application served on a free local port in a background thread, over HTTPS when
    given a TLS context."""

    def __init__(self, app: Flask, tls: ssl.SSLContext | None = None) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=tls)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        # Close the pooled database connections now rather than whenever the garbage collector
        # finds them (a late ResourceWarning fails whichever test happens to be running).
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def scheme() -> str:
    """Plain HTTP unless a test parametrises `scheme` with "https" too."""
    return "http"


@pytest.fixture
def start_server(tmp_path: Path, scheme: str) -> Iterator[Callable[..., LiveServer]]:
    """Start a server on a fresh, migrated SQLite database, with config overrides."""
    servers: list[LiveServer] = []
    tls = self_signed_tls_context(tmp_path) if scheme == "https" else None

    def start(**overrides: Any) -> LiveServer:
        url = f"sqlite:///{tmp_path / f'e2e-{len(servers)}.sqlite'}"
        migrate_from_empty(url)
        server = LiveServer(create_app(app_config(url, **overrides)), tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright driving Debian's Chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: sudo apt-get install -y chromium", pytrace=False)
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browsers(playwright: Playwright) -> Iterator[dict[str, Browser]]:
    """The headless Chromiums launched so far, one per scheme, closed at the end of the run."""
    launched: dict[str, Browser] = {}
    yield launched
    for chromium in launched.values():
        chromium.close()


@pytest.fixture
def browser(playwright: Playwright, browsers: dict[str, Browser], scheme: str) -> Browser:
    """The Chromium for this test's scheme, launched the first time a test needs it."""
    if scheme not in browsers:
        args = HTTPS_CHROMIUM_ARGS if scheme == "https" else CHROMIUM_ARGS
        browsers[scheme] = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    return browsers[scheme]


@pytest.fixture
def kiosk_page(browser: Browser) -> Iterator[Page]:
    """A fresh portrait touch screen, like a kiosk in its stand."""
    context = browser.new_context(viewport=KIOSK_SCREEN, has_touch=True, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk_page(browser: Browser) -> Iterator[Page]:
    """A fresh desk-sized browser window (1920x1080) with a mouse and keyboard, as staff use."""
    context = browser.new_context(viewport=DESK_SCREEN, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in violations
    ]
