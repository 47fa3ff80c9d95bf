"""Vendored assets are the recorded versions and nothing is loaded from the internet."""

from __future__ import annotations

import hashlib
import re

from flask.testing import FlaskClient

from kiosk.config import PROJECT_ROOT

ROOT = PROJECT_ROOT
VENDOR = ROOT / "kiosk" / "static" / "vendor"


def test_vendored_htmx_matches_its_recorded_hash() -> None:
    record = (VENDOR / "VENDORED.md").read_text()
    (name, digest), *_ = re.findall(r"`(htmx-[\d.]+\.min\.js)`.*?`([0-9a-f]{64})`", record)
    assert name.startswith("htmx-2.0.")
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_vendored_leaflet_matches_its_recorded_hash() -> None:
    record = (VENDOR / "VENDORED.md").read_text()
    files = re.findall(r"`(leaflet-[\d.]+/leaflet\.(?:js|css))`.*?`([0-9a-f]{64})`", record)
    assert [name.rsplit(".", 1)[1] for name, _ in files] == ["js", "css"]
    for name, digest in files:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_templates_and_static_files_load_nothing_from_the_internet() -> None:
    """Kiosks run on closed networks: no page, script or stylesheet (vendored ones included)
    may link to or load from another host."""
    served = [
        *ROOT.glob("*/templates/**/*.html"),
        *(ROOT / "kiosk" / "static").glob("**/*.js"),
        *(ROOT / "kiosk" / "static").glob("**/*.css"),
    ]
    external = re.compile(r"""(src|href)=\\?["'](https?:)?//|url\(\s*["']?(https?:)?//""")
    for path in served:
        assert not external.search(path.read_text()), path


def test_every_screen_names_an_icon_that_exists(client: FlaskClient) -> None:
    """Without one the browser asks for /favicon.ico on every visit and gets a 404."""
    for page in ("/", "/help"):
        icon = re.search(
            r'<link rel="icon" href="([^"]+)"', client.get(page).get_data(as_text=True)
        )
        assert icon is not None, page
        with client.get(icon.group(1)) as served:  # a static file: close what it opened
            assert served.status_code == 200
