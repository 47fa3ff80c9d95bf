"""Raising kiosk alerts, for the kiosk's "Call staff" button, the lookup throttle and the print
worker.

Raising is an INSERT that does nothing while an alert of the same kind is open at the kiosk (the
partial unique index decides, so two workers or a double tap cannot raise it twice), inside the
caller's transaction: a printer's failure and its alert commit together. This module imports
no feature, so the printing layer may use it.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.database import dialect_insert
from kiosk.extensions import db
from kiosk.models import KioskAlert, KioskAlertKind
from kiosk.models.alerts import OPEN_ALERT
from kiosk.models.types import utcnow

DETAIL_MAX_LENGTH = 200


def raise_kiosk_alert(
    kiosk_id: int, kind: KioskAlertKind, *, detail: str = "", now: datetime | None = None
) -> None:
    """Open an alert of `kind` at the kiosk unless one is open already (the caller commits)."""
    now = now or utcnow()
    statement = dialect_insert(KioskAlert).values(
        kiosk_id=kiosk_id,
        kind=kind,
        detail=" ".join(detail.split())[:DETAIL_MAX_LENGTH],
        raised_at=now,
        changed_at=now,
    )
    db.session.execute(
        statement.on_conflict_do_nothing(
            index_elements=[KioskAlert.kiosk_id, KioskAlert.kind], index_where=OPEN_ALERT
        )
    )
