"""The staff Reports screen: arrivals, waits, channels, no-shows and failed lookups for a date
range, as SVG charts, data tables and CSV."""

from __future__ import annotations

from flask import Flask

from admin.reports import views


def init_app(app: Flask) -> None:
    """Register the Reports screen."""
    app.register_blueprint(views.bp)
