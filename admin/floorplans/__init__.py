"""Floorplans for facility staff: the editor (a shared draft edited on the floor image, checked
live by the wayfinding validator, with undo, redo and a refusal of stale saves), publishing,
rollback, diff, import and export."""

from __future__ import annotations

from flask import Flask

from admin.floorplans import editor_views


def init_app(app: Flask) -> None:
    """Register the editor's pages (`/staff/floorplans/editor/`)."""
    app.register_blueprint(editor_views.bp)
