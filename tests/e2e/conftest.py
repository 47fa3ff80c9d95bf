"""Chromium fixtures: a live Lobby server and a portrait 1080×1920 touch screen.

Debian's Chromium is driven through pip's Playwright (no browser download). `make test` installs
Chromium first; if it is missing here the tests fail with the install command — they are never
skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from kiosk import create_app
from kiosk.extensions import db
from tests.conftest import migrate_from_empty
from tests.helpers import app_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
KIOSK_SCREEN = {"width": 1080, "height": 1920}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class LiveServer:
    """A Lobby application served on a free local port in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
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
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server on a fresh, migrated SQLite database, with config overrides."""
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        url = f"sqlite:///{tmp_path / f'e2e-{len(servers)}.sqlite'}"
        migrate_from_empty(url)
        server = LiveServer(create_app(app_config(url, **overrides)))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: sudo apt-get install -y chromium", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def kiosk_page(browser: Browser) -> Iterator[Page]:
    """A fresh portrait touch screen, like a kiosk in its stand."""
    context = browser.new_context(viewport=KIOSK_SCREEN, has_touch=True, locale="en-US")
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
