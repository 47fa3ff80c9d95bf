"""Vendored assets are the recorded versions and nothing is loaded from the internet."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "kiosk" / "static" / "vendor"


def test_vendored_htmx_matches_its_recorded_hash() -> None:
    record = (VENDOR / "VENDORED.md").read_text()
    (name, digest), *_ = re.findall(r"`(htmx-[\d.]+\.min\.js)`.*?`([0-9a-f]{64})`", record)
    assert name.startswith("htmx-2.0.")
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_templates_load_nothing_from_the_internet() -> None:
    templates = list(ROOT.glob("*/templates/**/*.html"))
    assert templates, "no templates found"
    for template in templates:
        assert not re.search(r'(src|href)="(https?:)?//', template.read_text()), template
