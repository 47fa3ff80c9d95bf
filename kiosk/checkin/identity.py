"""Finding a patient's appointments for today, without letting anyone enumerate patients.

A kiosk identifies a patient by appointment code or by last name and date of birth. Only
appointments of today (in the facility's time zone) that are still booked and inside the
check-in window count: from `CHECKIN_EARLY_MINUTES` before the start to `CHECKIN_LATE_MINUTES`
after it. A patient with several such appointments gets all of them, in time order, so the screen
can offer "choose one or all".

Enumeration resistance:
- every cause of failure (malformed, unknown, expired or used code; wrong name or date of
  birth; no appointment today; outside the window; cancelled) gives the same `NOT_FOUND` outcome,
  after the same two queries, padded to at least `IDENTIFY_MIN_SECONDS` of wall time;
- failed lookups are throttled per kiosk and per typed last name, in sliding windows that a
  success does not erase, with a staff alert on the failure rate (see `throttle`); nothing is
  looked up while a limit is reached.

Every lookup is an audit event. The identify functions commit their own throttle and audit
writes: a view calls one of them as a unit and must not roll them back with its own work.
Nothing typed by the patient is logged or audited.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from kiosk.checkin.audit import record_audit
from kiosk.checkin.codes import code_digest, code_key, normalise_code
from kiosk.checkin.throttle import kiosk_limit, name_limit, record_attempt, wait_seconds
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.models import Appointment, AppointmentStatus, Patient
from kiosk.models.types import utcnow

logger = logging.getLogger(__name__)

# Stand-ins that keep a hopeless lookup doing the same queries as a real one. Neither can match:
# stored digests are hex, stored name keys are `fold_name` output (letters and digits only), and
# row ids start at 1.
NO_SUCH_DIGEST = "-"
NO_SUCH_NAME_KEY = "-"
NO_SUCH_PATIENT_ID = 0
# `Patient.last_name_key` is 80 characters; longer typed input is cut before the work of folding.
NAME_KEY_LENGTH = 80
MAX_NAME_INPUT = 4 * NAME_KEY_LENGTH
# Letters that Unicode decomposition leaves alone but people type without the accent.
UNDECOMPOSED_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


@dataclass(frozen=True)
class IdentifyOutcome:
    """What a lookup found. Every failure is the same value, whatever its cause.

    `throttled`: the kiosk is blocked and the lookup was not attempted.
    `retry_after_seconds`: how long until this kiosk's next lookup will be attempted (0: now);
    also set on the failure that starts a block, so the screen can say so at once.
    """

    found: bool
    appointment_ids: tuple[int, ...]
    patient_id: int | None
    throttled: bool
    retry_after_seconds: int


NOT_FOUND = IdentifyOutcome(
    found=False, appointment_ids=(), patient_id=None, throttled=False, retry_after_seconds=0
)


def setting(key: str) -> float:
    """A numeric check-in setting from the app's config (defaults: `kiosk.config`)."""
    return float(current_app.config[key])


def fold_name(text: str) -> str:
    """A last name as the keypad lookup compares it: case and accents folded, and spaces,
    hyphens, apostrophes and other punctuation dropped, so "Núñez", "NUNEZ", "o'brien",
    "O BRIEN" and "Garcia Lopez" / "García-López" match. Also fills `Patient.last_name_key`."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_NAME_INPUT].casefold())
    folded = "".join(c for c in decomposed if c.isalnum()).translate(UNDECOMPOSED_LETTERS)
    return folded[:NAME_KEY_LENGTH]


def identify_by_code(
    text: str, *, kiosk_id: int | None, now: datetime | None = None
) -> IdentifyOutcome:
    """Today's bookable appointments of the patient whose code `text` (typed or scanned) is.
    The code must be unexpired and unused and its own appointment bookable now; the patient's
    other bookable appointments come with it. Commits its throttle and audit writes."""

    def find(moment: datetime) -> tuple[int | None, tuple[int, ...]]:
        code = normalise_code(text)
        digest = code_digest(code, code_key(current_app)) if code else NO_SUCH_DIGEST
        coded = db.session.execute(
            select(Appointment.id, Appointment.patient_id).where(
                Appointment.code_digest == digest, Appointment.code_expires_at > moment
            )
        ).first()
        patient_id = coded.patient_id if coded else NO_SUCH_PATIENT_ID
        bookable = bookable_appointments([patient_id], moment)
        if coded is None or coded.id not in {appointment_id for appointment_id, _ in bookable}:
            return None, ()
        return patient_id, tuple(appointment_id for appointment_id, _ in bookable)

    return throttled_lookup("code", find, kiosk_id=kiosk_id, now=now)


def identify_by_name_and_birth_date(
    last_name: str, date_of_birth: date, *, kiosk_id: int | None, now: datetime | None = None
) -> IdentifyOutcome:
    """Today's bookable appointments of the one patient with this last name (case, accents and
    punctuation ignored) and date of birth. Two such patients both with appointments now (twins)
    cannot be told apart by a kiosk: that is a failure, for the desk to sort out. Commits its
    throttle and audit writes."""

    name_key = fold_name(last_name) or NO_SUCH_NAME_KEY

    def find(moment: datetime) -> tuple[int | None, tuple[int, ...]]:
        patient_ids = db.session.scalars(
            select(Patient.id).where(
                Patient.last_name_key == name_key, Patient.date_of_birth == date_of_birth
            )
        ).all()
        bookable = bookable_appointments(patient_ids or [NO_SUCH_PATIENT_ID], moment)
        owners = {patient_id for _, patient_id in bookable}
        if len(owners) != 1:
            return None, ()
        return owners.pop(), tuple(appointment_id for appointment_id, _ in bookable)

    return throttled_lookup("name_dob", find, kiosk_id=kiosk_id, now=now, name_key=name_key)


def bookable_appointments(patient_ids: Sequence[int], now: datetime) -> list[tuple[int, int]]:
    """(appointment id, patient id) of the patients' appointments that can be checked in now:
    booked, today in the facility's time zone, and inside the check-in window. In time order."""
    day_start, day_end = local_day_bounds(now, facility_timezone(current_app))
    # starts_at - early <= now <= starts_at + late, solved for starts_at.
    opens = now - timedelta(minutes=setting("CHECKIN_LATE_MINUTES"))
    closes = now + timedelta(minutes=setting("CHECKIN_EARLY_MINUTES"))
    rows = db.session.execute(
        select(Appointment.id, Appointment.patient_id)
        .where(
            Appointment.patient_id.in_(patient_ids),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at >= opens,
            Appointment.starts_at <= closes,
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [(row.id, row.patient_id) for row in rows]


Finder = Callable[[datetime], tuple[int | None, tuple[int, ...]]]


def throttled_lookup(
    method: str,
    find: Finder,
    *,
    kiosk_id: int | None,
    now: datetime | None,
    name_key: str | None = None,
) -> IdentifyOutcome:
    """Run `find` unless a limit is reached (the kiosk's, and for name lookups the typed name's);
    count the attempt, audit the result, commit, and pad the time taken to `IDENTIFY_MIN_SECONDS`
    so that no outcome answers faster than another."""
    started = time.monotonic()
    now = now or utcnow()
    limits = [kiosk_limit(kiosk_id)] + ([name_limit(name_key)] if name_key is not None else [])
    wait = wait_seconds(limits, now)
    if wait:
        record_audit("lookup_throttled", kiosk_id=kiosk_id, method=method, retry_after_seconds=wait)
        outcome = replace(NOT_FOUND, throttled=True, retry_after_seconds=wait)
    else:
        patient_id, appointment_ids = find(now)
        wait = record_attempt(limits, failed=patient_id is None, kiosk_id=kiosk_id, now=now)
        if patient_id is not None:
            record_audit("lookup_success", kiosk_id=kiosk_id, patient_id=patient_id, method=method)
            outcome = IdentifyOutcome(
                found=True,
                appointment_ids=appointment_ids,
                patient_id=patient_id,
                throttled=False,
                retry_after_seconds=0,
            )
        else:
            record_audit("lookup_failure", kiosk_id=kiosk_id, method=method)
            outcome = replace(NOT_FOUND, retry_after_seconds=wait)
    db.session.commit()
    time.sleep(max(0.0, setting("IDENTIFY_MIN_SECONDS") - (time.monotonic() - started)))
    return outcome
