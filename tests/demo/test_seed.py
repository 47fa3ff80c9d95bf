"""`flask seed-demo` gives a fresh installation its demo kiosks, once."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import Department, Kiosk, Patient


def test_seeding_twice_creates_each_demo_kiosk_once(app: Flask, runner: FlaskCliRunner) -> None:
    expected = {entry["id"] for entry in json.loads(DEMO_FLOORPLAN.read_text())["kiosks"]}
    assert len(expected) >= 3
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert f"{len(expected)} kiosk(s) added" in first.output
    assert "0 kiosk(s) added" in second.output
    with app.app_context():
        kiosks = db.session.scalars(select(Kiosk)).all()
    assert {k.name for k in kiosks} == expected
    assert all(k.place == k.name and k.printer_uri == "dummy://" for k in kiosks)


def test_seeding_keeps_what_staff_changed(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        kiosk = db.session.scalars(select(Kiosk)).first()
        assert kiosk is not None
        kiosk.printer_uri = "network://10.0.0.9:9100"
        name = kiosk.name
        db.session.commit()
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == name))
        assert kiosk is not None and kiosk.printer_uri == "network://10.0.0.9:9100"


def test_another_hospitals_floorplan_gets_kiosks_but_no_demo_patients(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Its destinations may share ids with the demo's ("laboratory") yet be other places."""
    plan = json.loads(DEMO_FLOORPLAN.read_text())
    plan["facility"]["id"] = "another-synthetic-clinic"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(plan))
    app.config["FLOORPLAN_PATH"] = str(path)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo patients skipped" in result.output and "another-synthetic-clinic" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalars(select(Department)).all() == []
        assert db.session.scalars(select(Patient)).all() == []
        assert len(db.session.scalars(select(Kiosk)).all()) == len(plan["kiosks"])
