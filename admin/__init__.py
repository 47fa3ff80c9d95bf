"""Staff tools: device enrolment and, as they arrive, the staff workspace.

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import kiosk_cli


def init_app(app: Flask) -> None:
    """Register staff commands."""
    app.cli.add_command(kiosk_cli.kiosk_group)
