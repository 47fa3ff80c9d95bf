"""Floorplan versions for facility staff: publishing, rollback, diff, import and export
(`/staff/floorplans/`, `flask floorplan ...`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from admin.floorplans import cli, views
from kiosk.floorplan import PublishedFloorplan, current_floorplan


def init_app(app: Flask) -> None:
    """Register the Floorplans screens and commands, and let every staff page show the
    floorplan version serving."""
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.floorplan_group)
    app.context_processor(serving_floorplan_context)


def serving_floorplan_context() -> dict[str, Callable[[], PublishedFloorplan]]:
    """`serving_floorplan()` for templates: called only by the pages that show it (the staff
    footer), so other pages pay nothing."""
    return {"serving_floorplan": current_floorplan}
