"""Floorplans for facility staff: the editor (a shared draft edited on the floor image, checked
live by the wayfinding validator, with undo, redo and a refusal of stale saves), publishing,
rollback, diff, import and export (`/staff/floorplans/`, `flask floorplan ...`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from admin.floorplans import cli, editor_views, views
from kiosk.floorplan import PublishedFloorplan, current_floorplan


def init_app(app: Flask) -> None:
    """Register the Floorplans screens, the editor and the commands, and let every staff page
    show the floorplan version serving."""
    app.register_blueprint(views.bp)
    app.register_blueprint(editor_views.bp)
    app.cli.add_command(cli.floorplan_group)
    app.context_processor(serving_floorplan_context)


def serving_floorplan_context() -> dict[str, Callable[[], PublishedFloorplan]]:
    """`serving_floorplan()` for templates: called only by the pages that show it (the staff
    footer), so other pages pay nothing."""
    return {"serving_floorplan": current_floorplan}
