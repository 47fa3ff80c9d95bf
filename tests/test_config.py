"""Configuration sources and the generated secret key."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import Babel, format_time

from kiosk.config import (
    TimezoneRefused,
    instance_secret,
    load_config,
    normalise_database_url,
    server_timezone_name,
    settings_from_environment,
)
from kiosk.facility import facility_timezone


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


def configured_app(tmp_path: Path, **settings: object) -> Flask:
    app = Flask("lobby_config_test", instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "test", **settings})
    return app


def test_unset_facility_time_zone_follows_the_servers_zone_in_what_patients_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    app = configured_app(tmp_path)  # no FACILITY_TIMEZONE
    assert app.config["FACILITY_TIMEZONE"] == "America/Chicago"
    Babel(app)
    nine_thirty_in_chicago = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    with app.test_request_context():
        assert format_time(nine_thirty_in_chicago, "short") == "9:30\u202fAM"
    assert facility_timezone(app) == ZoneInfo("America/Chicago")


def test_a_configured_facility_time_zone_wins_over_the_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    app = configured_app(tmp_path, FACILITY_TIMEZONE="America/Los_Angeles")
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "America/Los_Angeles"


def test_a_misspelt_facility_time_zone_stops_the_start_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(TimezoneRefused, match="'America/Chicgo' is not a time zone"):
        configured_app(tmp_path, FACILITY_TIMEZONE="America/Chicgo")


@pytest.mark.parametrize(
    "tz, link_to, expected",
    [
        (":Europe/Madrid", None, "Europe/Madrid"),
        ("", "/usr/share/zoneinfo/America/New_York", "America/New_York"),
        ("Not/AZone", "/usr/share/zoneinfo/America/Denver", "America/Denver"),
        ("", None, "UTC"),
        ("", "/somewhere/else", "UTC"),
    ],
)
def test_the_servers_zone_is_read_from_tz_then_etc_localtime(
    tmp_path: Path, tz: str, link_to: str | None, expected: str
) -> None:
    localtime = tmp_path / "localtime"
    if link_to:
        localtime.symlink_to(link_to)
    assert server_timezone_name({"TZ": tz}, localtime) == expected


@pytest.mark.parametrize("env_name, warned", [("production", True), ("development", False)])
def test_a_guessed_zone_is_a_warning_in_production_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, env_name: str, warned: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        configured_app(tmp_path, ENV_NAME=env_name)
    assert ("FACILITY_TIMEZONE is not set" in caplog.text) is warned
