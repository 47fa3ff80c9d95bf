"""`flask schedule import FILE`: the hospital's IT imports the day's schedule from a CSV file or
a FHIR R4 Bundle, with a progress bar, a summary and every row not imported with its reason;
`flask schedule letters DAY` issues the codes of a day's letters again.

The codes of new appointments go to `--codes-out`, a CSV created with mode 0600 (and never
over an existing file) for the appointment letters; they are not kept anywhere else in plain
text, so an import without `--codes-out` says how many codes it could not hand over, and
`flask schedule letters DAY` issues them again.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import IO

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from admin.schedule.files import MAX_SCHEDULE_BYTES
from admin.schedule.imports import (
    ScheduleFormat,
    all_problems,
    applied_counts,
    codes_csv,
    guess_format,
    read_schedule,
)
from admin.schedule.letters import DayIsOver, reissue_codes_for_day
from admin.schedule.problems import ScheduleFileError
from admin.schedule.store import ScheduleConflict, apply_entries
from kiosk.facility import facility_timezone, facility_today
from kiosk.models.types import utcnow

schedule_group = AppGroup("schedule", help="Import the hospital's schedule.")


@schedule_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice([f.value for f in ScheduleFormat]),
    help="csv or fhir (default: fhir for .json files and JSON text, else csv).",
)
@click.option(
    "--codes-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="New CSV file (mode 0600) for the codes of new appointments, for their letters.",
)
def import_command(file: Path, file_format: str | None, codes_out: Path | None) -> None:
    """Import FILE: create, update or cancel appointments by the hospital's appointment id.
    Exits with status 1 when any row or entry was not imported."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        with file.open("rb") as source:
            data = source.read(MAX_SCHEDULE_BYTES + 1)
        chosen = ScheduleFormat(file_format) if file_format else guess_format(file.name, data)
        try:
            parsed = read_schedule(
                data, chosen, timezone=facility_timezone(current_app), today=facility_today()
            )
        except ScheduleFileError as error:
            raise click.ClickException(str(error)) from None
        # Created before anything is imported: a path that cannot be written stops the import
        # instead of losing the codes it would issue.
        codes_file = private_new_file(codes_out) if codes_out else None
        with click.progressbar(parsed.entries, label="Importing appointments") as entries:
            try:
                report = apply_entries(entries, now=utcnow(), source=chosen.value)
            except ScheduleConflict as conflict:
                raise click.ClickException(f"{conflict}; run the import again.") from None
        problems = all_problems(parsed, report)
    place = "entry" if chosen is ScheduleFormat.FHIR else "row"
    summary = ", ".join(
        f"{count} {outcome.value}" for outcome, count in applied_counts(report).items()
    )
    click.echo(f"Appointments: {summary}; {len(problems)} not imported.")
    for problem in problems:
        click.echo(f"{place} {problem.row}: {problem.reason}")
    if codes_file is not None:
        with codes_file:
            codes_file.write(codes_csv(report.codes))
        click.echo(f"{len(report.codes)} codes for new appointments written to {codes_out}.")
    elif report.codes:
        click.echo(
            f"{len(report.codes)} new appointments have codes that were not saved "
            "(use --codes-out FILE to keep them, or `flask schedule letters DAY` to issue a "
            "day's codes again)."
        )
    if problems:
        raise click.exceptions.Exit(1)


@schedule_group.command("letters")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option(
    "--codes-out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="New CSV file (mode 0600) for the codes.",
)
def letters_command(day: datetime, codes_out: Path) -> None:
    """New codes for the letters of DAY (YYYY-MM-DD): every appointment of the hospital's
    schedule still booked that day and not checked in. Codes issued before for them stop
    working."""
    codes_file = private_new_file(codes_out)
    try:
        codes = reissue_codes_for_day(day.date(), now=utcnow())
    except DayIsOver:
        codes_file.close()
        codes_out.unlink()
        raise click.ClickException(f"{day.date()} is over; its codes could never work.") from None
    with codes_file:
        codes_file.write(codes_csv(codes))
    click.echo(f"{len(codes)} codes for the letters of {day.date()} written to {codes_out}.")


def private_new_file(path: Path) -> IO[str]:
    """A new file only its owner can read (codes let a patient check in); an existing file is
    never overwritten."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{path} already exists; choose a new file.") from None
    except OSError as error:
        raise click.ClickException(f"{path} cannot be created: {error.strerror}.") from None
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")
