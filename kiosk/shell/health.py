"""`/healthz` for load balancers and monitoring: database, migrations, print queue.

Answers 200 only when the database answers and its schema is at the newest migration, so a
half-upgraded server is taken out of rotation instead of failing patients one by one. Its cost
does not grow with history: the queue depth is counted from the pending entries of the print
jobs' status index alone, never from the table.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.extensions import db
from kiosk.floorplan import current_floorplan, issue_lines
from kiosk.models import Kiosk, PrintJob
from kiosk.models.printing import PENDING_PRINT_JOB_STATUSES

bp = Blueprint("health", __name__)


def pending_print_jobs_query() -> Select[int]:
    """Count queued and printing jobs: `count(*)` over an indexed `status IN (...)` reads the
    index's pending entries only (an index-only scan), however many jobs ever ended."""
    return (
        select(func.count())
        .select_from(PrintJob)
        .where(PrintJob.status.in_(PENDING_PRINT_JOB_STATUSES))
    )


@cache
def migration_heads(migrations_dir: str) -> frozenset[str]:
    """Revisions the code expects; read from disk once per process."""
    config = Config()
    config.set_main_option("script_location", migrations_dir)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def floorplan_health() -> dict[str, object]:
    """The published floorplan's version, its validation problems, and the kiosks whose
    place it lacks (they route from the default spot until staff fix them)."""
    plan = current_floorplan()
    places = set(plan.wayfinder.floorplan.kiosks)
    off_floorplan = sorted(
        name
        for name, place in db.session.execute(select(Kiosk.name, Kiosk.place))
        if place not in places
    )
    return {
        "version": plan.wayfinder.floorplan.version,
        # The stored version number serving in this worker (null while the file serves).
        "published_number": plan.number,
        "errors": issue_lines(plan.report.errors),
        "warnings": issue_lines(plan.report.warnings),
        "kiosks_off_floorplan": off_floorplan,
    }


@bp.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """Report readiness as JSON; 503 when the database or its schema is not usable."""
    migrations_dir = str(Path(current_app.extensions["migrate"].directory))
    expected = migration_heads(migrations_dir)
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
        queue_depth = db.session.scalar(pending_print_jobs_query())
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    migrations_current = current == expected
    body: dict[str, object] = {
        "status": "ok" if migrations_current else "unavailable",
        "database": "ok",
        "migrations": {
            "current": sorted(current),
            "expected": sorted(expected),
            "up_to_date": migrations_current,
        },
        "print_queue_depth": queue_depth,
        "floorplan": floorplan_health(),
    }
    return body, 200 if migrations_current else 503
