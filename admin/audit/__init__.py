"""The audit log viewer for system admins: filters, pages and a CSV export of the
tamper-evident audit log (kiosk/audit)."""

from __future__ import annotations

from flask import Flask

from admin.audit import views


def init_app(app: Flask) -> None:
    """Register the audit log viewer."""
    app.register_blueprint(views.bp)
