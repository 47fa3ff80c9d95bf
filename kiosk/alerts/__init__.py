"""Kiosk alerts: a kiosk (or its printer) asks the front desk for a person.

`raising` opens an alert (the lookup throttle and the print worker raise them too, so it imports
no feature); `views` is the kiosk's "Call staff" button on its help screen. The front desk
lists, acknowledges and resolves them (admin/queue/alerts.py).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the kiosk's "Call staff" button."""
    from kiosk.alerts.views import bp

    app.register_blueprint(bp)
