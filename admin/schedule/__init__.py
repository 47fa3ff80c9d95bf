"""The day's schedule from the hospital's systems: entries, the store that applies them, the
CSV and FHIR importers, `flask schedule import` and the staff upload page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register `flask schedule ...` and the staff Schedule page."""
    from admin.schedule.cli import schedule_group
    from admin.schedule.views import bp

    app.cli.add_command(schedule_group)
    app.register_blueprint(bp)
