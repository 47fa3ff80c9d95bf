"""`flask kiosk ...`: IT staff name kiosks and hand out one-time enrolment links."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kiosk.devices.identity import issue_enrolment_token
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder, is_known_place
from kiosk.models import EnrolledDevice, Kiosk
from kiosk.printing.connections import PrinterUriError, canonical_printer_uri
from kiosk.printing.profiles import PrinterProfileError, printer_profile
from kiosk.shell.links import public_url


def enrolment_link(token: str) -> str:
    """The URL staff open on the kiosk's browser."""
    return public_url(f"/enrol/{token}")


def print_enrolment_link(device: EnrolledDevice, label: str) -> None:
    """Give the kiosk or board a fresh one-time link, commit, and print it for IT staff."""
    hours = int(current_app.config["ENROLMENT_LINK_HOURS"])
    token = issue_enrolment_token(device, timedelta(hours=hours))
    db.session.commit()
    click.echo(f"{label}: {enrolment_link(token)}  (one use, valid {hours} h)")


def enrolment_state(device: EnrolledDevice) -> str:
    """Whether the device is enrolled and when it was last seen, for `... list`."""
    seen = device.last_seen_at.isoformat(timespec="seconds") if device.last_seen_at else "never"
    state = "enrolled" if device.device_token_hash else "not enrolled"
    return f"{state}\tlast seen {seen}"


kiosk_group = AppGroup("kiosk", help="Manage kiosk devices.")


def known_kiosk(name: str) -> bool:
    """Whether a kiosk of this name exists already (its place is kept unless --place is given)."""
    return db.session.scalar(select(Kiosk.id).where(Kiosk.name == name)) is not None


def refuse_unknown_places(places: list[str]) -> None:
    """Stop (exit 2) before anything is written when a place is not a kiosk spot of the
    published floorplan: such a kiosk would route people from somewhere else."""
    unknown = [place for place in places if not is_known_place(place)]
    if unknown:
        spots = ", ".join(sorted(current_wayfinder().floorplan.kiosks))
        raise click.UsageError(
            f"the published floorplan has no kiosk place {', '.join(map(repr, unknown))}; "
            f"its kiosk places are: {spots}"
        )


@kiosk_group.command("enroll")
@click.argument("names", nargs=-1)
@click.option("--all", "every_kiosk", is_flag=True, help="Issue a link for every known kiosk.")
@click.option("--place", help="The kiosk's id in the floorplan (new kiosks: defaults to NAME).")
@click.option("--printer", help="Printer URI, e.g. network://10.0.0.5:9100 or dummy://.")
@click.option("--profile", help="python-escpos printer profile, e.g. TM-T20II (80 mm).")
def enroll_command(
    names: tuple[str, ...],
    every_kiosk: bool,
    place: str | None,
    printer: str | None,
    profile: str | None,
) -> None:
    """Create or update kiosk NAME and print its one-time enrolment link."""
    if every_kiosk:
        names = tuple(db.session.scalars(select(Kiosk.name).order_by(Kiosk.name)))
    if not names:
        raise click.UsageError("name a kiosk, or pass --all")
    try:
        printer = canonical_printer_uri(printer) if printer else None
        if profile:
            printer_profile(profile)
    except (PrinterUriError, PrinterProfileError) as error:
        raise click.BadParameter(str(error)) from None
    refuse_unknown_places([place] if place else [n for n in names if not known_kiosk(n)])
    for name in names:
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == name))
        if kiosk is None:
            kiosk = Kiosk(name=name, place=place or name)
            db.session.add(kiosk)
        elif place:
            kiosk.place = place
        if printer:
            kiosk.printer_uri = printer
        if profile:
            kiosk.printer_profile = profile
        print_enrolment_link(kiosk, name)


@kiosk_group.command("list")
def list_command() -> None:
    """Show every kiosk, where it stands, its printer and when it was last seen."""
    for kiosk in db.session.scalars(select(Kiosk).order_by(Kiosk.name)):
        click.echo(
            f"{kiosk.name}\tplace={kiosk.place}\tprinter={kiosk.printer_uri}"
            f" ({kiosk.printer_profile})\t{enrolment_state(kiosk)}"
        )
