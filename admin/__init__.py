"""Staff tools: device enrolment, the waiting-room board and the staff workspace (sign-in,
home, accounts).

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import access, auth, cli, home, printers, reports, review, schedule


def init_app(app: Flask) -> None:
    """Register staff commands, sign-in and the staff pages (all behind the staff-area guard),
    and the waiting-room boards."""
    app.cli.add_command(cli.kiosk_group)
    access.init_app(app)
    auth.init_app(app)
    app.register_blueprint(home.bp)
    register_front_desk(app)
    review.init_app(app)
    printers.init_app(app)
    reports.init_app(app)
    schedule.init_app(app)
    register_waiting_room_boards(app)


def register_front_desk(app: Flask) -> None:
    """The coordinator's Today screen and its actions (`/staff/queue/`), and `flask queue ...`
    to set which departments a coordinator works for."""
    from admin.queue import views as queue_views
    from admin.queue.departments import queue_group

    app.register_blueprint(queue_views.bp)
    app.cli.add_command(queue_group)


def register_waiting_room_boards(app: Flask) -> None:
    """The board's pages (`/board/<area>`) and `flask board ...`; boards need no staff sign-in,
    they are enrolled devices."""
    from admin.board import cli as board_cli
    from admin.board import views as board_views

    app.register_blueprint(board_views.bp)
    app.cli.add_command(board_cli.board_group)
