"""The staff Closures screen: close a corridor, door, elevator or stair until a time, after a
preview of what it does to every kiosk's routes; lift a closure early."""

from __future__ import annotations

from flask import Flask

from admin.closures import views


def init_app(app: Flask) -> None:
    """Register the Closures screen."""
    app.register_blueprint(views.bp)
