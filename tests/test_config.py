"""Configuration sources and the generated secret key."""

from __future__ import annotations

import stat
from pathlib import Path

from flask import Flask

from kiosk.config import (
    instance_secret,
    load_config,
    normalise_database_url,
    settings_from_environment,
)


def test_first_start_generates_a_private_secret_key_and_reuses_it(tmp_path: Path) -> None:
    first = instance_secret(str(tmp_path), "secret_key")
    second = instance_secret(str(tmp_path), "secret_key")
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    other = tmp_path / "other"
    other.mkdir()
    assert instance_secret(str(other), "secret_key") != first


def test_environment_overrides_with_typed_values() -> None:
    settings = settings_from_environment(
        {
            "LOBBY_IDLE_SECONDS": "45",
            "LOBBY_DATABASE_URL": "postgresql://db.example/lobby",
            "LOBBY_SECRET_KEY": "12345",
            "LOBBY_FACILITY_NAME": "St. Example",
            "PATH": "/usr/bin",
        }
    )
    assert settings == {
        "IDLE_SECONDS": 45,
        "SQLALCHEMY_DATABASE_URI": "postgresql://db.example/lobby",
        "SECRET_KEY": "12345",
        "FACILITY_NAME": "St. Example",
    }


def test_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("LOBBY_DATABASE_URL", "LOBBY_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    app = Flask("lobby_config_test", instance_path=str(tmp_path))
    load_config(app, None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/lobby.sqlite"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    assert app.debug is False
