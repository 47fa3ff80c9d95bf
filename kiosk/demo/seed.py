"""Synthetic demo data for `make run`: the demo hospital's kiosks, its demo staff (and, as
features arrive, whatever else a fresh installation needs to show something). Seeding is
idempotent: running it again adds only what is missing and never touches what staff changed,
except that the demo staff accounts get new passwords (there are no default passwords).

All demo data is synthetic; no real person or facility is described.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from kiosk.demo.patients import seed_demo_patients
from kiosk.demo.staff import DemoSignin, seed_demo_staff
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder
from kiosk.models import Kiosk
from kiosk.models.types import utcnow

DEMO_PRINTER_URI = "dummy://"
# The synthetic hospital of floorplans/demo-hospital.json, whose destinations the demo
# departments point at; another hospital's floorplan may reuse the same ids for other places.
DEMO_FACILITY_ID = "st-example-general"


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


def echo_demo_staff(signins: list[DemoSignin]) -> None:
    """Print the demo staff's sign-in details (new passwords on every run)."""
    click.echo("Demo staff sign-in at /staff/ (synthetic accounts; new passwords on every run):")
    for signin in signins:
        click.echo(f"  {signin.role.value:<15} {signin.email}  password: {signin.password}")
        if signin.totp_key:
            click.echo(f"  {'':<15} authenticator key: {signin.totp_key}")
            click.echo(f"  {'':<15} or scan: {signin.totp_uri}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add the synthetic demo data that is not there yet."""
    created = seed_demo_kiosks(list(current_wayfinder().floorplan.kiosks))
    click.echo(f"Demo data: {len(created)} kiosk(s) added.")
    echo_demo_staff(seed_demo_staff())
    facility = current_wayfinder().floorplan.facility
    if facility.id != DEMO_FACILITY_ID:
        click.echo(
            f"Demo patients skipped: they belong to the synthetic demo hospital"
            f" ({DEMO_FACILITY_ID}), and this installation publishes {facility.id!r}."
            " Import the day's schedule instead."
        )
        return
    appointments = seed_demo_patients(utcnow())
    click.echo("Synthetic patients to check in today (codes are new on every run):")
    for demo in appointments:
        window = "" if demo.in_window else "  (outside the check-in window: see the desk)"
        click.echo(
            f"  {demo.code}  {demo.name:<24} born {demo.date_of_birth.isoformat()}"
            f"  {demo.starts_at:%H:%M} {demo.department}{window}"
        )


def init_app(app: Flask) -> None:
    """Register the `flask seed-demo` command."""
    app.cli.add_command(seed_demo_command)
