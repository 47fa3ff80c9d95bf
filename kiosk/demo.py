"""Synthetic demo data for `make run`: the demo hospital's kiosks (and, as features arrive,
whatever else a fresh installation needs to show something). Seeding is idempotent: running it
again adds only what is missing and never touches what staff changed.

All demo data is synthetic; no real person or facility is described.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from kiosk.config import PROJECT_ROOT
from kiosk.extensions import db
from kiosk.models import Kiosk

DEMO_FLOORPLAN = PROJECT_ROOT / "floorplans" / "demo-hospital.json"
DEMO_PRINTER_URI = "dummy://"


def demo_kiosk_places(floorplan_path: Path) -> list[str]:
    """Ids of the kiosks the demo floorplan places in the hospital."""
    floorplan = json.loads(floorplan_path.read_text(encoding="utf-8"))
    return [str(entry["id"]) for entry in floorplan["kiosks"]]


def seed_demo_kiosks(places: list[str]) -> list[Kiosk]:
    """Create a kiosk for each place that has none yet; return the ones created."""
    existing = set(db.session.scalars(select(Kiosk.name)))
    created = [
        Kiosk(name=place, place=place, printer_uri=DEMO_PRINTER_URI)
        for place in places
        if place not in existing
    ]
    db.session.add_all(created)
    db.session.commit()
    return created


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add the synthetic demo data that is not there yet."""
    floorplan_path = Path(current_app.config.get("FLOORPLAN_PATH") or DEMO_FLOORPLAN)
    created = seed_demo_kiosks(demo_kiosk_places(floorplan_path))
    click.echo(f"Demo data: {len(created)} kiosk(s) added.")


def init_app(app: Flask) -> None:
    """Register the `flask seed-demo` command."""
    app.cli.add_command(seed_demo_command)
