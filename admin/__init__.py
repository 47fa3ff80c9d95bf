"""Staff tools: device enrolment and the staff workspace (sign-in, home, accounts).

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import access, auth, cli, home


def init_app(app: Flask) -> None:
    """Register staff commands, sign-in and the staff pages, all behind the staff-area guard."""
    app.cli.add_command(cli.kiosk_group)
    access.init_app(app)
    auth.init_app(app)
    app.register_blueprint(home.bp)
