"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from typing import Any

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token a page hands to its forms."""
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Configuration for an application under test."""
    config: dict[str, Any] = {
        "TESTING": True,
        "ENV_NAME": "test",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FACILITY_NAME": "Lobby test hospital",
        "HELP_DESK_PHONE": "555-0100",
        # Identity lookups are padded to a minimum duration in production; tests need no wait.
        "IDENTIFY_MIN_SECONDS": 0,
    }
    config.update(overrides)
    return config
