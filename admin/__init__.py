"""Staff tools: device enrolment, the waiting-room board, the staff workspace (sign-in, home,
accounts, queue, review, reports, audit log, floorplans and closures), and the links to the
hospital's systems (schedule import, HL7 in and out, the FHIR read API).

Depends on `kiosk`, never the reverse at import time; `kiosk.create_app()` calls `init_app`.
"""

from __future__ import annotations

from flask import Flask

from admin import (
    access,
    audit,
    auth,
    cli,
    closures,
    fhir,
    floorplans,
    hl7,
    home,
    interfaces,
    printers,
    reports,
    review,
    schedule,
)


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
    closures.init_app(app)
    interfaces.init_app(app)
    fhir.init_app(app)
    hl7.init_app(app)
    floorplans.init_app(app)
    audit.init_app(app)
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
