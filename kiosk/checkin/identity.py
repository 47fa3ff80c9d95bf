"""Finding a patient's appointments for today, without letting anyone enumerate patients.

A kiosk identifies a patient by appointment code or by last name and date of birth. Only
appointments of today (in the facility's time zone) that are still booked and inside the
check-in window count: from `CHECKIN_EARLY_MINUTES` before the start to `CHECKIN_LATE_MINUTES`
after it. A patient with several such appointments gets all of them, in time order, so the screen
can offer "choose one or all".

Enumeration resistance:
- every cause of a non-match (malformed, unknown, expired or used code; wrong name or date of
  birth; no appointment today; cancelled; twins) gives the same `NOT_FOUND` outcome, after the
  same two queries as a match, padded to at least `IDENTIFY_MIN_SECONDS` of wall time;
- failed lookups are throttled per kiosk and per typed last name, in sliding windows that a
  success does not erase, with a staff alert on the failure rate (see `throttle`); nothing is
  looked up while a limit is reached.

A lookup that matches a real patient whose appointments today cannot be checked in now (outside
the window, or already checked in) is not a failure to type: it gets `DeskReason` and the screen
sends the patient to the desk instead of asking them to retype. That answer is the same for
every time-window problem, so it tells no more than "this person has an appointment today";
every non-match still gets `NOT_FOUND`. It counts as a failed attempt for the throttle, so
probing for it is no faster than probing for a match.

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
from enum import StrEnum

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


class DeskReason(StrEnum):
    """Why a patient the lookup did find must see the desk rather than retype."""

    # Early or late: one reason for both, so the answer reveals nothing about the time.
    OUTSIDE_WINDOW = "outside_window"
    CHECKED_IN = "checked_in"


@dataclass(frozen=True)
class IdentifyOutcome:
    """What a lookup found. Every failure is the same value, whatever its cause.

    `throttled`: the kiosk is blocked and the lookup was not attempted.
    `retry_after_seconds`: how long until this kiosk's next lookup will be attempted (0: now);
    also set on the failure that starts a block, so the screen can say so at once.
    `desk_reason`: set (with `found` False) when a real patient matched but has nothing to
    check in now.
    """

    found: bool
    appointment_ids: tuple[int, ...]
    patient_id: int | None
    throttled: bool
    retry_after_seconds: int
    desk_reason: DeskReason | None = None


@dataclass(frozen=True)
class Match:
    """What a finder saw: the matched patient and their appointments to check in now, or the
    patient who matched with nothing to check in and why (both None: no match)."""

    patient_id: int | None = None
    appointment_ids: tuple[int, ...] = ()
    desk_patient_id: int | None = None
    desk_reason: DeskReason | None = None


NO_MATCH = Match()


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
    other bookable appointments come with it. A valid code whose appointment is today but
    outside the window sends the patient to the desk. Commits its throttle and audit writes."""

    def find(moment: datetime) -> Match:
        code = normalise_code(text)
        digest = code_digest(code, code_key(current_app)) if code else NO_SUCH_DIGEST
        coded = db.session.execute(
            select(Appointment.id, Appointment.patient_id).where(
                Appointment.code_digest == digest, Appointment.code_expires_at > moment
            )
        ).first()
        patient_id = coded.patient_id if coded else NO_SUCH_PATIENT_ID
        today = todays_appointments([patient_id], moment)
        if coded is None:
            return NO_MATCH
        bookable = [a.id for a in today if a.bookable]
        if coded.id in bookable:
            return Match(patient_id=patient_id, appointment_ids=tuple(bookable))
        own = [a for a in today if a.id == coded.id]
        return desk_match(patient_id, own)

    return throttled_lookup("code", find, kiosk_id=kiosk_id, now=now)


def identify_by_name_and_birth_date(
    last_name: str, date_of_birth: date, *, kiosk_id: int | None, now: datetime | None = None
) -> IdentifyOutcome:
    """Today's bookable appointments of the one patient with this last name (case, accents and
    punctuation ignored) and date of birth. Two such patients both with appointments now (twins)
    cannot be told apart by a kiosk: that is a failure, for the desk to sort out. The one such
    patient with appointments today but none to check in now is sent to the desk. Commits its
    throttle and audit writes."""

    name_key = fold_name(last_name) or NO_SUCH_NAME_KEY

    def find(moment: datetime) -> Match:
        patient_ids = db.session.scalars(
            select(Patient.id).where(
                Patient.last_name_key == name_key, Patient.date_of_birth == date_of_birth
            )
        ).all()
        today = todays_appointments(patient_ids or [NO_SUCH_PATIENT_ID], moment)
        bookable = [a for a in today if a.bookable]
        owners = {a.patient_id for a in bookable}
        if len(owners) == 1:
            return Match(patient_id=owners.pop(), appointment_ids=tuple(a.id for a in bookable))
        if owners or len({a.patient_id for a in today}) != 1:
            return NO_MATCH
        return desk_match(today[0].patient_id, today)

    return throttled_lookup("name_dob", find, kiosk_id=kiosk_id, now=now, name_key=name_key)


@dataclass(frozen=True)
class TodaysAppointment:
    """One of a patient's appointments today, as the lookup weighs it."""

    id: int
    patient_id: int
    status: AppointmentStatus
    bookable: bool  # booked and inside the check-in window now


CHECKED_IN_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.IN_ROOM, AppointmentStatus.DONE)


def todays_appointments(patient_ids: Sequence[int], now: datetime) -> list[TodaysAppointment]:
    """The patients' appointments today in the facility's time zone that are booked or checked
    in, in time order, each marked whether it can be checked in now (inside the window).

    One query whatever the outcome, so a match outside the window costs what a match inside it
    does."""
    day_start, day_end = local_day_bounds(now, facility_timezone(current_app))
    # starts_at - early <= now <= starts_at + late, solved for starts_at.
    opens = now - timedelta(minutes=setting("CHECKIN_LATE_MINUTES"))
    closes = now + timedelta(minutes=setting("CHECKIN_EARLY_MINUTES"))
    rows = db.session.execute(
        select(Appointment.id, Appointment.patient_id, Appointment.status, Appointment.starts_at)
        .where(
            Appointment.patient_id.in_(patient_ids),
            Appointment.status.in_((AppointmentStatus.BOOKED, *CHECKED_IN_STATUSES)),
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [
        TodaysAppointment(
            row.id,
            row.patient_id,
            row.status,
            row.status is AppointmentStatus.BOOKED and opens <= row.starts_at <= closes,
        )
        for row in rows
    ]


def desk_match(patient_id: int, appointments: Sequence[TodaysAppointment]) -> Match:
    """The matched patient's appointments today, none of which can be checked in now: booked
    ones outside the window send them to the desk, checked-in ones say so; none at all (or a
    status the kiosk does not handle) is no match."""
    statuses = {a.status for a in appointments}
    if AppointmentStatus.BOOKED in statuses:
        return Match(desk_patient_id=patient_id, desk_reason=DeskReason.OUTSIDE_WINDOW)
    if statuses & set(CHECKED_IN_STATUSES):
        return Match(desk_patient_id=patient_id, desk_reason=DeskReason.CHECKED_IN)
    return NO_MATCH


Finder = Callable[[datetime], Match]


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
        match = find(now)
        patient_id = match.patient_id
        wait = record_attempt(limits, failed=patient_id is None, kiosk_id=kiosk_id, now=now)
        if patient_id is not None:
            record_audit("lookup_success", kiosk_id=kiosk_id, patient_id=patient_id, method=method)
            outcome = IdentifyOutcome(
                found=True,
                appointment_ids=match.appointment_ids,
                patient_id=patient_id,
                throttled=False,
                retry_after_seconds=0,
            )
        elif match.desk_reason is not None:
            record_audit(
                "lookup_see_desk",
                kiosk_id=kiosk_id,
                patient_id=match.desk_patient_id,
                method=method,
                reason=match.desk_reason.value,
            )
            outcome = replace(NOT_FOUND, retry_after_seconds=wait, desk_reason=match.desk_reason)
        else:
            record_audit("lookup_failure", kiosk_id=kiosk_id, method=method)
            outcome = replace(NOT_FOUND, retry_after_seconds=wait)
    db.session.commit()
    time.sleep(max(0.0, setting("IDENTIFY_MIN_SECONDS") - (time.monotonic() - started)))
    return outcome
