"""Staff tools: device enrolment, the waiting-room board and, as they arrive, the staff
workspace.

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import cli


def init_app(app: Flask) -> None:
    """Register staff commands and the staff side's pages."""
    app.cli.add_command(cli.kiosk_group)
    register_waiting_room_boards(app)


def register_waiting_room_boards(app: Flask) -> None:
    """The board's pages (`/board/<area>`) and `flask board ...`; boards need no staff sign-in,
    they are enrolled devices."""
    from admin.board import cli as board_cli
    from admin.board import views as board_views

    app.register_blueprint(board_views.bp)
    app.cli.add_command(board_cli.board_group)
