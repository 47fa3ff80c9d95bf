"""The front desk's side of kiosk alerts: the open ones with their kiosk's name and place, the
cheap "has anything changed?" value for polling, and acknowledging and resolving.

Acknowledging and resolving are conditional UPDATEs: when a colleague resolved the alert a
moment earlier, the second request is refused and changes nothing. Both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import Kiosk, KioskAlert, KioskAlertKind
from kiosk.models.types import utcnow


@dataclass(frozen=True)
class OpenAlert:
    """An open alert as the front desk sees it: which kiosk, where, what and since when."""

    id: int
    kind: KioskAlertKind
    kiosk_name: str
    kiosk_place: str
    detail: str
    raised_at: datetime
    acknowledged: bool


class AlertAlreadyClosed(Exception):
    """The alert was resolved (by a colleague) before this request; nothing was changed."""


def open_alerts() -> list[OpenAlert]:
    """Every open alert, oldest first, with its kiosk's name and place."""
    rows = db.session.execute(
        select(KioskAlert, Kiosk.name, Kiosk.place)
        .join(Kiosk, Kiosk.id == KioskAlert.kiosk_id)
        .where(KioskAlert.resolved_at.is_(None))
        .order_by(KioskAlert.raised_at, KioskAlert.id)
    )
    return [
        OpenAlert(
            alert.id,
            alert.kind,
            name,
            place,
            alert.detail,
            alert.raised_at,
            alert.acknowledged_at is not None,
        )
        for alert, name, place in rows
    ]


def alerts_marker() -> str:
    """A short value that differs whenever an alert was raised, acknowledged or resolved."""
    last_id, last_change = db.session.execute(
        select(func.max(KioskAlert.id), func.max(KioskAlert.changed_at))
    ).one()
    return f"{last_id or 0}.{last_change.isoformat() if last_change else ''}"


def acknowledge_alert(alert_id: int, *, staff_id: int | None, now: datetime | None = None) -> None:
    """Mark the alert as being dealt with, audited. Raises AlertAlreadyClosed."""
    close_or_refuse(alert_id, staff_id, now, "kiosk_alert_acknowledged", resolve=False)


def resolve_alert(alert_id: int, *, staff_id: int | None, now: datetime | None = None) -> None:
    """Close the alert, audited. Raises AlertAlreadyClosed when it was closed already."""
    close_or_refuse(alert_id, staff_id, now, "kiosk_alert_resolved", resolve=True)


def close_or_refuse(
    alert_id: int, staff_id: int | None, now: datetime | None, action: str, *, resolve: bool
) -> None:
    """Acknowledge or resolve the alert only while it is open, audit it and commit."""
    now = now or utcnow()
    values: dict[str, object] = {"changed_at": now}
    if resolve:
        values.update(resolved_at=now, resolved_by=staff_id)
    else:
        values.update(acknowledged_at=now, acknowledged_by=staff_id)
    changed = db.session.execute(
        update(KioskAlert)
        .where(KioskAlert.id == alert_id, KioskAlert.resolved_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlertAlreadyClosed(alert_id)
    kiosk_id = db.session.scalar(select(KioskAlert.kiosk_id).where(KioskAlert.id == alert_id))
    detail = {"alert_id": alert_id} | ({"staff_id": staff_id} if staff_id is not None else {})
    record_audit(action, kiosk_id=kiosk_id, **detail)
    db.session.commit()
