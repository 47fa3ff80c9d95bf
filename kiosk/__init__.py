"""Lobby's Flask application: `create_app()` builds a configured kiosk server.

Run it with `flask --app kiosk run` in development or `gunicorn "kiosk:create_app()"` in
production; see README.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kiosk import database, keys
from kiosk.config import PROJECT_ROOT, load_config, make_private_folder
from kiosk.devices import identity as devices
from kiosk.extensions import csrf, db, migrate
from kiosk.shell import (
    compression,
    errors,
    housekeeping,
    i18n,
    rate_limits,
    request_log,
    security,
    sessions,
)

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `test_config` replaces the instance file and environment."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("LOBBY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    make_private_folder(Path(app.instance_path))
    load_config(app, test_config)
    keys.init_app(app)
    if app.config["PROXY_FIX_HOPS"]:
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    request_log.init_app(app)
    database.init_app(app)
    # Batch mode lets later migrations ALTER tables on SQLite; compare_type catches type changes.
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app)
    devices.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    housekeeping.init_app(app)

    from kiosk import alerts, audit, closures, facility, floorplan, printing
    from kiosk.checkin import ticket_status, walk_in
    from kiosk.checkin import views as checkin_views
    from kiosk.demo import seed as demo
    from kiosk.devices import enrolment
    from kiosk.find import phone
    from kiosk.find import views as find
    from kiosk.shell import health, home
    from kiosk.uploads import retention

    app.register_blueprint(home.bp)
    app.register_blueprint(enrolment.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(find.bp)
    app.register_blueprint(phone.bp)
    app.register_blueprint(checkin_views.bp)
    app.register_blueprint(walk_in.bp)
    app.register_blueprint(ticket_status.bp)
    audit.init_app(app)
    alerts.init_app(app)
    printing.init_app(app)
    retention.init_app(app)
    closures.init_app(app)  # before the floorplan's start, which applies the closures
    floorplan.init_app(app)
    facility.init_app(app)
    demo.init_app(app)

    # Staff tools live in the admin package, which depends on kiosk (never the other way at
    # import time), hence the late import.
    import admin

    admin.init_app(app)
    # Last: rate limits wrap views by endpoint name, so every blueprint must be registered.
    rate_limits.init_app(app)
    return app
