"""`flask seed-demo` gives a fresh installation its demo kiosks, once."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import Kiosk


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
