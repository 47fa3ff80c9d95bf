"""The staff Printers screen: printer states, last jobs, failures and reprints."""

from __future__ import annotations

from flask import Flask

from admin.printers import views


def init_app(app: Flask) -> None:
    """Register the Printers screen."""
    app.register_blueprint(views.bp)
