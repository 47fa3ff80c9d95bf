"""The lookup throttle: sliding windows of failed identity lookups, a staff alert on their rate,
and a lockout that staff can lift.

- A kiosk may fail `THROTTLE_KIOSK_FAILURES` (12) lookups in any `THROTTLE_KIOSK_WINDOW_MINUTES`
  (10). Once it has, nothing is looked up there until the oldest of those failures leaves the
  window. A success erases no failure, so slipping a known identity in between guesses buys
  nothing; and since only failures inside the window count, and the limit is above one a
  minute, a slow trickle (one a minute) never blocks the kiosk for the next patient.
- One typed last name may fail `THROTTLE_NAME_FAILURES` (5) times in
  `THROTTLE_NAME_WINDOW_MINUTES` (60) across all kiosks, so guesses at one person's date of
  birth cannot be spread over many kiosks. Its bucket is a keyed hash of the folded name
  (`kiosk.keys`, purpose "lookup_identity"): the name itself is never stored.
- `THROTTLE_ALERT_FAILURES` (10) failures at one kiosk within `THROTTLE_ALERT_WINDOW_MINUTES`
  (60) raise a staff alert (audit event and warning log), at most once per alert window.
- Staff lift a lockout with `lift_lockout(bucket)` (`flask checkin unblock KIOSK` until the
  desk screen has a button): the bucket's earlier failures stop counting.

Bound, with the defaults: at most 12 wrong guesses per kiosk in any 10 minutes, so at most 72
per kiosk per hour (each staff lift allows 12 more), and at most 5 per last name per hour
however many kiosks are used. (Any limit that lets one failure a minute through unblocked
allows more than 60 an hour; the staff alert covers that rate.) Browsers that are not
enrolled kiosks share one bucket.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.engine import CursorResult

from kiosk.alerts.raising import raise_kiosk_alert
from kiosk.checkin.audit import record_audit
from kiosk.database import dialect_insert
from kiosk.extensions import db
from kiosk.keys import purpose_key
from kiosk.models import Kiosk, KioskAlertKind, LookupAttempt, LookupThrottle
from kiosk.models.types import utcnow
from kiosk.shell.housekeeping import housekeeping_task

logger = logging.getLogger(__name__)

UNENROLLED_BUCKET = "unenrolled"
NAME_BUCKET_HASH_CHARS = 32
# The CLI's exit status for a kiosk name that does not exist (bad input, like click's usage).
UNKNOWN_KIOSK_EXIT = 2


@dataclass(frozen=True)
class FailureLimit:
    """At most `failures` failed lookups in `bucket` within any `window`."""

    bucket: str
    failures: int
    window: timedelta


def minutes_setting(key: str) -> timedelta:
    """A duration setting given in minutes."""
    return timedelta(minutes=float(current_app.config[key]))


def throttle_bucket(kiosk_id: int | None) -> str:
    """The throttle bucket of an enrolled kiosk, or the one bucket shared by every other browser."""
    return f"kiosk:{kiosk_id}" if kiosk_id is not None else UNENROLLED_BUCKET


def kiosk_limit(kiosk_id: int | None) -> FailureLimit:
    """The limit every lookup at this kiosk is under."""
    return FailureLimit(
        throttle_bucket(kiosk_id),
        int(current_app.config["THROTTLE_KIOSK_FAILURES"]),
        minutes_setting("THROTTLE_KIOSK_WINDOW_MINUTES"),
    )


def name_limit(name_key: str) -> FailureLimit:
    """The limit on lookups of one folded last name, at every kiosk together."""
    key = purpose_key(current_app, "lookup_identity")
    digest = hmac.new(key, name_key.encode(), hashlib.sha256).hexdigest()
    return FailureLimit(
        f"name:{digest[:NAME_BUCKET_HASH_CHARS]}",
        int(current_app.config["THROTTLE_NAME_FAILURES"]),
        minutes_setting("THROTTLE_NAME_WINDOW_MINUTES"),
    )


def counting_since(bucket: str, window: timedelta, now: datetime) -> datetime:
    """The start of the bucket's window: `window` ago, or the last staff lift if later."""
    throttle = db.session.get(LookupThrottle, bucket)
    start = now - window
    if throttle is not None and throttle.lifted_at is not None:
        return max(start, throttle.lifted_at)
    return start


def seconds_until_room(limit: FailureLimit, now: datetime) -> int:
    """How long until the bucket may fail once more (0: now): the time until the oldest of its
    last `limit.failures` failures leaves the window."""
    since = counting_since(limit.bucket, limit.window, now)
    recent = db.session.scalars(
        select(LookupAttempt.attempted_at)
        .where(
            LookupAttempt.bucket == limit.bucket,
            LookupAttempt.failed.is_(True),
            LookupAttempt.attempted_at > since,
        )
        .order_by(LookupAttempt.attempted_at.desc())
        .limit(limit.failures)
    ).all()
    if len(recent) < limit.failures:
        return 0
    return max(1, math.ceil((recent[-1] + limit.window - now).total_seconds()))


def wait_seconds(limits: list[FailureLimit], now: datetime) -> int:
    """How long until a lookup under all these limits may be attempted (0: now)."""
    return max(seconds_until_room(limit, now) for limit in limits)


def record_attempt(
    limits: list[FailureLimit], *, failed: bool, kiosk_id: int | None, now: datetime
) -> int:
    """Count one attempted lookup in each limit's bucket, alert staff when the kiosk's failure
    rate calls for it, and return the seconds until the next lookup may be attempted (0: at
    once). The caller commits.

    A success and a failure run the same statements, so neither answers faster. One row per
    attempt: concurrent failures never lose a count; and the kiosk's throttle row is locked
    first, so concurrent failures at one kiosk count one after another and exactly one of them
    sees the count reach the alert threshold."""
    bucket = throttle_bucket(kiosk_id)
    ensure_throttle_row(bucket)
    db.session.execute(
        select(LookupThrottle.bucket).where(LookupThrottle.bucket == bucket).with_for_update()
    )
    for limit in limits:
        db.session.add(LookupAttempt(bucket=limit.bucket, attempted_at=now, failed=failed))
    db.session.flush()
    alert_if_due(bucket, kiosk_id=kiosk_id, now=now)
    return wait_seconds(limits, now)


def alert_if_due(bucket: str, *, kiosk_id: int | None, now: datetime) -> None:
    """Raise the staff alert when the bucket has `THROTTLE_ALERT_FAILURES` failures within the
    alert window and no alert was raised in it (the caller holds the bucket row's lock)."""
    window = minutes_setting("THROTTLE_ALERT_WINDOW_MINUTES")
    failures = db.session.scalar(
        select(func.count())
        .select_from(LookupAttempt)
        .where(
            LookupAttempt.bucket == bucket,
            LookupAttempt.failed.is_(True),
            LookupAttempt.attempted_at > counting_since(bucket, window, now),
        )
    )
    if (failures or 0) < int(current_app.config["THROTTLE_ALERT_FAILURES"]):
        return
    claimed = changed_rows(
        update(LookupThrottle)
        .where(
            LookupThrottle.bucket == bucket,
            LookupThrottle.alerted_at.is_(None) | (LookupThrottle.alerted_at <= now - window),
        )
        .values(alerted_at=now)
    )
    if claimed != 1:
        return
    record_audit("lookup_alert", kiosk_id=kiosk_id, failures=int(failures or 0))
    if kiosk_id is not None:
        raise_kiosk_alert(kiosk_id, KioskAlertKind.FAILED_LOOKUPS, now=now)
    logger.warning(
        "Repeated failed patient lookups (%s): staff alert raised",
        bucket,
        extra={"kiosk": kiosk_id},
    )


def changed_rows(statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE in the session and return how many rows it changed."""
    result = cast(
        CursorResult[Any],
        db.session.execute(statement.execution_options(synchronize_session=False)),
    )
    return int(result.rowcount)


def ensure_throttle_row(bucket: str) -> None:
    """The bucket's `LookupThrottle` row exists (an upsert that changes nothing if it does)."""
    db.session.execute(
        dialect_insert(LookupThrottle).values(bucket=bucket).on_conflict_do_nothing()
    )


def lift_lockout(bucket: str, *, now: datetime | None = None) -> None:
    """A staff member lifts the bucket's lockout: its failures so far stop counting and a new
    run of failures alerts staff again. Audited; commits."""
    now = now or utcnow()
    ensure_throttle_row(bucket)
    changed_rows(
        update(LookupThrottle)
        .where(LookupThrottle.bucket == bucket)
        .values(lifted_at=now, alerted_at=None)
    )
    kiosk_id = int(bucket.split(":", 1)[1]) if bucket.startswith("kiosk:") else None
    record_audit("lookup_lockout_lifted", kiosk_id=kiosk_id)
    db.session.commit()


@click.command("unblock")
@click.argument("kiosk_name")
@with_appcontext
def unblock_command(kiosk_name: str) -> None:
    """Lift the lookup lockout of the kiosk named KIOSK_NAME (see `flask kiosk list`)."""
    kiosk_id = db.session.scalar(select(Kiosk.id).where(Kiosk.name == kiosk_name))
    if kiosk_id is None:
        click.echo(f"No kiosk is named {kiosk_name!r}; `flask kiosk list` shows them.", err=True)
        raise SystemExit(UNKNOWN_KIOSK_EXIT)
    lift_lockout(throttle_bucket(kiosk_id))
    click.echo(f"{kiosk_name}: lookups allowed again.")


@housekeeping_task
def forget_old_lookup_attempts(now: datetime) -> str:
    """Attempts older than every window can no longer count: delete them."""
    longest = max(
        minutes_setting(key)
        for key in (
            "THROTTLE_KIOSK_WINDOW_MINUTES",
            "THROTTLE_NAME_WINDOW_MINUTES",
            "THROTTLE_ALERT_WINDOW_MINUTES",
        )
    )
    removed = changed_rows(delete(LookupAttempt).where(LookupAttempt.attempted_at <= now - longest))
    db.session.commit()
    return f"{removed} old lookup attempt(s) forgotten."
