"""Staff tools: device enrolment and, as they arrive, the staff workspace.

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import cli


def init_app(app: Flask) -> None:
    """Register staff commands."""
    app.cli.add_command(cli.kiosk_group)
