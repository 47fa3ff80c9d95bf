"""Retention of patient uploads: card images and signatures are kept for
`CARD_IMAGE_RETENTION_DAYS` (30 by default) and then purged, by `flask purge-protected-files`
run daily from cron or a systemd timer.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select, union, update

from kiosk.extensions import db
from kiosk.models import Consent, InsuranceCoverage
from kiosk.shell.housekeeping import housekeeping_task
from kiosk.uploads.secure_store import store_for


def retention_days(app: Flask) -> int:
    """How many days protected files are kept (`CARD_IMAGE_RETENTION_DAYS`)."""
    days = int(app.config["CARD_IMAGE_RETENTION_DAYS"])
    if days < 0:
        raise ValueError("CARD_IMAGE_RETENTION_DAYS cannot be negative")
    return days


def files_kept_by_records(names: Collection[str]) -> set[str]:
    """Those of `names` that a committed insurance coverage or consent row points to.

    A session's cleanup asks this before deleting its uploads: a check-in that committed while
    its session still looked unfinished (a double tap, a crash before the answer reached the
    screen) owns its files, and only retention may remove them.
    """
    if not names:
        return set()
    referenced = union(
        select(InsuranceCoverage.front_image).where(InsuranceCoverage.front_image.in_(names)),
        select(InsuranceCoverage.back_image).where(InsuranceCoverage.back_image.in_(names)),
        select(Consent.signature_file).where(Consent.signature_file.in_(names)),
    )
    return {name for name in db.session.scalars(select(referenced.subquery().c[0])) if name}


def purge_protected_files(app: Flask, older_than: datetime) -> int:
    """Remove protected files stored before `older_than` (timezone-aware); return how many.

    The records that named them forget the names first, so staff screens show "image no longer
    kept" instead of failing on a missing file. A record is written a few minutes after its
    files, so a record older than the cut-off only ever names files older than it.
    """
    db.session.execute(
        update(InsuranceCoverage)
        .where(InsuranceCoverage.created_at < older_than)
        .values(front_image=None, back_image=None)
    )
    db.session.execute(
        update(Consent).where(Consent.signed_at < older_than).values(signature_file=None)
    )
    db.session.commit()
    return store_for(app).purge(older_than)


@click.command("purge-protected-files")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=0),
    default=None,
    help="Remove files stored more than this many days ago "
    "(default: CARD_IMAGE_RETENTION_DAYS, 30 unless configured).",
)
@with_appcontext
def purge_protected_files_command(older_than_days: int | None) -> None:
    """Delete card images and signatures older than the retention period."""
    days = retention_days(current_app) if older_than_days is None else older_than_days
    removed = purge_protected_files(current_app, datetime.now(UTC) - timedelta(days=days))
    click.echo(f"Removed {removed} protected file(s) stored more than {days} day(s) ago.")


@housekeeping_task
def purge_expired_protected_files(now: datetime) -> str:
    """Housekeeping's share of retention: the same purge as the command, at the configured age."""
    days = retention_days(current_app)
    removed = purge_protected_files(current_app, now - timedelta(days=days))
    return f"{removed} protected file(s) older than {days} day(s) removed."


def init_app(app: Flask) -> None:
    """Register the `flask purge-protected-files` command."""
    app.cli.add_command(purge_protected_files_command)
