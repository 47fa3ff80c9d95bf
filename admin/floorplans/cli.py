"""`flask floorplan ...`: list, export and import floorplan versions from a terminal.

Import publishes like the staff import screen (checked the same way, refused with the located
errors), for files too large to upload and for scripted installs. Export writes a version's
document exactly as it was published, so exporting and importing again changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from admin.floorplans.history import version_lines
from admin.floorplans.publishing import (
    ANY_LIVE,
    NOTE_MAX_LENGTH,
    PublishRefused,
    live_document,
    publish_document,
)
from kiosk.floorplan import issue_lines
from kiosk.floorplan_versions import version

floorplan_group = click.Group("floorplan", help="List, export and import floorplan versions.")

# Exit status for a file or version that cannot be used, as `python -m wayfinding` uses.
BAD_INPUT = 2


@floorplan_group.command("versions")
@with_appcontext
def list_versions() -> None:
    """Every published version, newest (live) first."""
    lines = version_lines()
    if not lines:
        click.echo("No version published yet: the configured floorplan file serves.")
    for line in lines:
        stored = line.version
        restores = f" (restores {stored.restores_number})" if stored.restores_number else ""
        click.echo(
            f"{stored.number:>5}{' live' if line.is_live else '     '}  "
            f"{stored.published_at:%Y-%m-%d %H:%M} UTC  {stored.origin}{restores}  "
            f"{line.published_by or '-'}  {stored.note}"
        )


@floorplan_group.command("export")
@click.option("--version", "number", type=int, help="A version number (default: the live one).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@with_appcontext
def export(number: int | None, out: Path | None) -> None:
    """Write a version's document exactly as it was published (default: what serves now)."""
    if number is None:
        document = live_document()
    else:
        stored = version(number)
        if stored is None:
            raise click.ClickException(f"no floorplan version {number}")
        document = stored.document
    data = document.encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)


@floorplan_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="", help="What changed and why (shown in the version list).")
@with_appcontext
def import_file(file: Path, note: str) -> None:
    """Check FILE and publish it as the new live version; refuse it, listing every error,
    when it has errors."""
    if len(note) > NOTE_MAX_LENGTH:
        raise click.UsageError(f"--note is at most {NOTE_MAX_LENGTH} characters")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        click.echo(f"{file} is not UTF-8 text: not published.", err=True)
        sys.exit(BAD_INPUT)
    try:
        published = publish_document(
            text, staff_id=None, note=note, origin="import", expected_live=ANY_LIVE
        )
    except PublishRefused as refused:
        click.echo(f"{file} has errors: not published.", err=True)
        for line in issue_lines(refused.report.errors):
            click.echo(f"  {line}", err=True)
        sys.exit(BAD_INPUT)
    click.echo(f"Published floorplan version {published.number} from {file}.")
