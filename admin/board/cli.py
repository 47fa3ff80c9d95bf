"""`flask board ...`: IT staff set up waiting-room boards with one-time enrolment links."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from admin.board.areas import find_area, known_area_slugs
from admin.cli import enrolment_state, print_enrolment_link
from kiosk.extensions import db
from kiosk.models import Board

board_group = AppGroup("board", help="Manage waiting-room boards.")


@board_group.command("enroll")
@click.argument("area")
@click.option("--name", help="The board's name (default: board-AREA).")
def enroll_command(area: str, name: str | None) -> None:
    """Create or update the board for AREA and print its one-time enrolment link."""
    if find_area(area) is None:
        known = ", ".join(known_area_slugs()) or "none yet"
        raise click.UsageError(f"no area {area!r}; areas are: {known}")
    name = name or f"board-{area}"
    board = db.session.scalar(select(Board).where(Board.name == name))
    if board is None:
        board = Board(name=name, area=area)
        db.session.add(board)
    board.area = area
    print_enrolment_link(board, f"{name} ({area})")


@board_group.command("list")
def list_command() -> None:
    """Show every board, its area, whether it is enrolled and when it was last seen."""
    for board in db.session.scalars(select(Board).order_by(Board.name)):
        click.echo(f"{board.name}\tarea={board.area}\t{enrolment_state(board)}")
