"""The lookup throttle: failed identity lookups counted per kiosk, growing waits, a staff alert.

Browsers that are not enrolled kiosks share one bucket, so the internet cannot spread guesses
over many sessions.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from kiosk.checkin.audit import record_audit
from kiosk.database import dialect_insert
from kiosk.extensions import db
from kiosk.models import LookupThrottle

logger = logging.getLogger(__name__)

UNENROLLED_BUCKET = "unenrolled"


def setting(key: str) -> int:
    """A whole-number throttle setting from the app's config (defaults: `kiosk.config`)."""
    return int(current_app.config[key])


def throttle_bucket(kiosk_id: int | None) -> str:
    """The throttle bucket of an enrolled kiosk, or the one bucket shared by every other browser."""
    return f"kiosk:{kiosk_id}" if kiosk_id is not None else UNENROLLED_BUCKET


def reset_failures(bucket: str) -> None:
    """A success halves the count of failures and lifts the block.

    Halving rather than clearing: someone who knows one valid identity could otherwise slip it
    in after every few guesses and never be slowed down; this way each success buys back only
    half of the failures. A later run of failures may alert staff again.
    """
    db.session.execute(
        update(LookupThrottle)
        .where(LookupThrottle.bucket == bucket)
        .values(
            consecutive_failures=LookupThrottle.consecutive_failures // 2,
            blocked_until=None,
            alerted_at=None,
        )
    )


def count_failure(bucket: str, *, kiosk_id: int | None, now: datetime) -> int:
    """Count one more consecutive failure in the bucket; block it and alert staff when due.
    Return the seconds the bucket is now blocked for (0: not blocked).

    The count is an upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so two kiosks, or
    many unenrolled browsers, failing at the same moment neither lose a count nor fail on the
    primary key; it also holds the row's lock until commit, so exactly one of them sees the
    count reach the alert threshold with no alert sent yet.
    """
    statement = (
        dialect_insert(LookupThrottle)
        .values(bucket=bucket, consecutive_failures=1)
        .on_conflict_do_update(
            index_elements=[LookupThrottle.bucket],
            set_={"consecutive_failures": LookupThrottle.consecutive_failures + 1},
        )
        .returning(LookupThrottle.consecutive_failures, LookupThrottle.alerted_at)
    )
    failures, alerted_at = db.session.execute(statement).one()
    delay = failure_delay_seconds(failures)
    alert_due = failures >= setting("THROTTLE_ALERT_FAILURES") and alerted_at is None
    changes: dict[str, datetime] = {}
    if delay:
        changes["blocked_until"] = now + timedelta(seconds=delay)
    if alert_due:
        changes["alerted_at"] = now
    if changes:
        db.session.execute(
            update(LookupThrottle).where(LookupThrottle.bucket == bucket).values(**changes)
        )
    if alert_due:
        record_audit("lookup_alert", kiosk_id=kiosk_id, failures=failures)
        logger.warning(
            "Repeated failed patient lookups (%s): staff alert raised",
            bucket,
            extra={"kiosk": kiosk_id},
        )
    return delay


def failure_delay_seconds(failures: int) -> int:
    """The block after the n-th consecutive failure: none for the first free few, then 2, 4,
    8 ... seconds, capped."""
    beyond_free = failures - setting("THROTTLE_FREE_FAILURES")
    if beyond_free <= 0:
        return 0
    longest = setting("THROTTLE_MAX_DELAY_SECONDS")
    # The exponent is capped so that a long attack does not compute huge powers of two.
    return min(1 << min(beyond_free, longest.bit_length()), longest)
