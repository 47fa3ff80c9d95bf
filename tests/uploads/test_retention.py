"""`flask purge-protected-files` and the purge function the check-in data purge builds on."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Consent, InsuranceCoverage, Patient
from kiosk.uploads import retention
from kiosk.uploads.secure_store import store_for

Retained = Callable[..., Flask]


@pytest.fixture
def app_with_retention(app: Flask, tmp_path: Path) -> Callable[..., Flask]:
    """The application (on each database) with its own protected-files folder."""

    def configure(**config: object) -> Flask:
        app.config.update({"PROTECTED_FILES_DIR": str(tmp_path / "protected"), **config})
        return app

    return configure


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


def test_command_uses_the_configured_retention_by_default(app_with_retention: Retained) -> None:
    app = app_with_retention(CARD_IMAGE_RETENTION_DAYS=7)
    old, kept = stored_days_ago(app, [8, 6])
    result = app.test_cli_runner().invoke(args=["purge-protected-files"])
    assert result.exit_code == 0
    assert "Removed 1 protected file(s) stored more than 7 day(s) ago." in result.output
    assert remaining(app) == {kept}


def test_command_defaults_to_thirty_days(app_with_retention: Retained) -> None:
    app = app_with_retention()
    _, kept = stored_days_ago(app, [31, 29])
    result = app.test_cli_runner().invoke(args=["purge-protected-files"])
    assert "Removed 1 protected file(s) stored more than 30 day(s) ago." in result.output
    assert remaining(app) == {kept}


def test_command_takes_an_explicit_age(app_with_retention: Retained) -> None:
    app = app_with_retention()
    stored_days_ago(app, [3, 1])
    result = app.test_cli_runner().invoke(args=["purge-protected-files", "--older-than-days", "0"])
    assert "Removed 2 protected file(s)" in result.output
    assert remaining(app) == set()


def test_command_refuses_a_negative_age(app_with_retention: Retained) -> None:
    app = app_with_retention()
    (kept,) = stored_days_ago(app, [100])
    result = app.test_cli_runner().invoke(args=["purge-protected-files", "--older-than-days", "-1"])
    assert result.exit_code != 0
    assert remaining(app) == {kept}


def test_purge_function_returns_the_count(app_with_retention: Retained) -> None:
    app = app_with_retention()
    stored_days_ago(app, [45, 40, 2])
    with app.app_context():
        removed = retention.purge_protected_files(app, datetime.now(UTC) - timedelta(days=30))
    assert removed == 2
    assert len(remaining(app)) == 1


def test_purged_files_are_no_longer_named_by_their_records(app_with_retention: Retained) -> None:
    app = app_with_retention()
    old_front, old_signature, recent = stored_days_ago(app, [40, 40, 1])
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with app.app_context():
        patient = Patient(
            first_name="Zq",
            last_name="Zq",
            last_name_key="zq",
            date_of_birth=datetime(1980, 1, 1).date(),
        )
        db.session.add(patient)
        db.session.flush()
        db.session.add_all(
            [
                InsuranceCoverage(
                    patient_id=patient.id,
                    payer="",
                    member_id="A1",
                    front_image=old_front,
                    created_at=long_ago,
                ),
                InsuranceCoverage(
                    patient_id=patient.id, payer="", member_id="A2", front_image=recent
                ),
                Consent(
                    patient_id=patient.id,
                    kind="privacy_notice",
                    version="1",
                    method="signature",
                    signature_file=old_signature,
                    signed_at=long_ago,
                ),
            ]
        )
        db.session.commit()
        assert retention.purge_protected_files(app, datetime.now(UTC) - timedelta(days=30)) == 2
        fronts = set(db.session.scalars(select(InsuranceCoverage.front_image)))
        signatures = set(db.session.scalars(select(Consent.signature_file)))
    assert fronts == {None, recent} and signatures == {None}
    assert remaining(app) == {recent}
