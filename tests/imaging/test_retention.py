"""`flask purge-protected-files` and the purge function the check-in data purge builds on."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from kiosk import retention
from kiosk.secure_store import store_for


def app_with_retention(tmp_path: Path, **config: object) -> Flask:
    """A Flask app with the purge command registered and a development data key."""
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    Path(app.instance_path).mkdir()
    app.config.update({"ENV_NAME": "development", **config})
    retention.init_app(app)
    return app


def stored_days_ago(app: Flask, days_ago: list[int]) -> list[str]:
    """Store one file per age; return their names in the same order."""
    store = store_for(app)
    names = []
    for days in days_ago:
        name = store.put(b"card photo", purpose="card_front")
        then = (datetime.now(UTC) - timedelta(days=days)).timestamp()
        os.utime(store.root / name, (then, then))
        names.append(name)
    return names


def remaining(app: Flask) -> set[str]:
    """Names of the files still in the store."""
    return {path.name for path in store_for(app).root.iterdir()}


def test_command_uses_the_configured_retention_by_default(tmp_path: Path) -> None:
    app = app_with_retention(tmp_path, CARD_IMAGE_RETENTION_DAYS=7)
    old, kept = stored_days_ago(app, [8, 6])
    result = app.test_cli_runner().invoke(args=["purge-protected-files"])
    assert result.exit_code == 0
    assert "Removed 1 protected file(s) stored more than 7 day(s) ago." in result.output
    assert remaining(app) == {kept}


def test_command_defaults_to_thirty_days(tmp_path: Path) -> None:
    app = app_with_retention(tmp_path)
    _, kept = stored_days_ago(app, [31, 29])
    result = app.test_cli_runner().invoke(args=["purge-protected-files"])
    assert "Removed 1 protected file(s) stored more than 30 day(s) ago." in result.output
    assert remaining(app) == {kept}


def test_command_takes_an_explicit_age(tmp_path: Path) -> None:
    app = app_with_retention(tmp_path)
    stored_days_ago(app, [3, 1])
    result = app.test_cli_runner().invoke(args=["purge-protected-files", "--older-than-days", "0"])
    assert "Removed 2 protected file(s)" in result.output
    assert remaining(app) == set()


def test_command_refuses_a_negative_age(tmp_path: Path) -> None:
    app = app_with_retention(tmp_path)
    (kept,) = stored_days_ago(app, [100])
    result = app.test_cli_runner().invoke(args=["purge-protected-files", "--older-than-days", "-1"])
    assert result.exit_code != 0
    assert remaining(app) == {kept}


def test_purge_function_returns_the_count(tmp_path: Path) -> None:
    app = app_with_retention(tmp_path)
    stored_days_ago(app, [45, 40, 2])
    removed = retention.purge_protected_files(app, datetime.now(UTC) - timedelta(days=30))
    assert removed == 2
    assert len(remaining(app)) == 1
