"""The review queue: what the kiosk collected that a coordinator must look at before it counts
(new insurance cards, contact changes, unverified walk-ins)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the review screens (`/staff/review`)."""
    from admin.review import views

    app.register_blueprint(views.bp)
