"""The lookup throttle: sliding windows of failures that a success does not erase, per kiosk and
per typed last name; a staff alert on the failure rate; a lockout staff can lift; and one shared
bucket for browsers that are not enrolled kiosks."""

from __future__ import annotations

import itertools
import logging
import threading
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from kiosk.checkin.identity import (
    NOT_FOUND,
    IdentifyOutcome,
    identify_by_code,
    identify_by_name_and_birth_date,
)
from kiosk.checkin.throttle import lift_lockout, throttle_bucket
from kiosk.extensions import db
from kiosk.models import LookupAttempt
from kiosk.models.types import utcnow
from tests.builders import NOW, add_department, add_kiosk, add_patient, audit_events, book, minutes

ANA_BORN = date(1984, 3, 12)
# How long one lookup takes a person at the keypad, at the very fastest.
TYPING = timedelta(seconds=5)
# The bound the README states, with the default settings: 12 failures per kiosk in any 10 min.
GUESSES_PER_KIOSK_HOUR = 72
guessed_names = (f"Nobody{n}" for n in itertools.count())


def wrong_guess(kiosk_id: int | None, at: datetime, last_name: str = "") -> IdentifyOutcome:
    """A failed lookup, by default of a name never guessed before (as an enumerator types)."""
    name = last_name or next(guessed_names)
    return identify_by_name_and_birth_date(name, date(1990, 1, 1), kiosk_id=kiosk_id, now=at)


def known_identity(kiosk_id: int, at: datetime) -> IdentifyOutcome:
    """The guesser's own, real identity: always found, never used up."""
    return identify_by_name_and_birth_date("Núñez", ANA_BORN, kiosk_id=kiosk_id, now=at)


@pytest.fixture
def kiosk_id(checkin_app: Flask) -> int:
    return add_kiosk("main-lobby").id


@pytest.fixture
def ana(checkin_app: Flask) -> str:
    """A patient with appointments that can be checked in all afternoon; returns the code of
    the first, which works until half past eleven."""
    patient = add_patient("Ana", "Núñez", ANA_BORN)
    imaging = add_department()
    codes = [book(patient, imaging, NOW + minutes(60 + 60 * hour))[1] for hour in range(6)]
    return codes[0]


def fail_twelve_times(kiosk_id: int, start: datetime = NOW) -> None:
    """Fill the kiosk's window, a second apart."""
    for n in range(12):
        assert wrong_guess(kiosk_id, start + timedelta(seconds=n)).throttled is False


def test_twelve_failures_in_ten_minutes_block_until_the_oldest_leaves_the_window(
    kiosk_id: int,
) -> None:
    waits = [
        wrong_guess(kiosk_id, NOW + timedelta(seconds=10 * n)).retry_after_seconds
        for n in range(12)
    ]
    assert waits == [0] * 11 + [490]  # the first failure leaves the window at 10:00
    blocked = wrong_guess(kiosk_id, NOW + timedelta(seconds=120))
    assert blocked.throttled and blocked.retry_after_seconds == 480
    # One second after the oldest left, one more try; the window is full again until the next
    # oldest (at 0:10) leaves.
    again = wrong_guess(kiosk_id, NOW + minutes(10) + timedelta(seconds=1))
    assert not again.throttled and again.retry_after_seconds == 9


def test_a_blocked_kiosk_does_not_look_up_even_the_right_code(kiosk_id: int, ana: str) -> None:
    fail_twelve_times(kiosk_id)
    outcome = identify_by_code(ana, kiosk_id=kiosk_id, now=NOW + minutes(5))
    assert outcome == IdentifyOutcome(
        found=False, appointment_ids=(), patient_id=None, throttled=True, retry_after_seconds=300
    )
    assert audit_events("lookup_success") == []
    [throttled] = audit_events("lookup_throttled")
    assert throttled.kiosk_id == kiosk_id and throttled.detail["retry_after_seconds"] == 300
    # The code was not spent: once the window has room it works.
    assert identify_by_code(ana, kiosk_id=kiosk_id, now=NOW + minutes(10)).found


def test_two_failures_then_a_known_identity_repeated_stays_within_the_bound(
    kiosk_id: int, ana: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The bypass: two guesses, then one's own identity, again and again, as fast as the kiosk
    answers for a whole hour. A success erases nothing, so the guesses stay within the bound
    and staff are alerted."""
    at, end, guesses, pattern = NOW, NOW + timedelta(hours=1), 0, 0
    with caplog.at_level(logging.WARNING, logger="kiosk.checkin.throttle"):
        while at < end:
            is_guess = pattern % 3 != 2
            outcome = wrong_guess(kiosk_id, at) if is_guess else known_identity(kiosk_id, at)
            if outcome.throttled:
                at += timedelta(seconds=outcome.retry_after_seconds)
                continue
            assert outcome.found is not is_guess
            guesses += is_guess
            pattern += 1
            at += TYPING
    assert guesses <= GUESSES_PER_KIOSK_HOUR
    assert guesses >= GUESSES_PER_KIOSK_HOUR - 10  # the bound is what a guesser gets, no less
    [alert] = audit_events("lookup_alert")
    assert (alert.kiosk_id, alert.patient_id, alert.detail) == (kiosk_id, None, {"failures": 10})
    assert [record.getMessage() for record in caplog.records] == [
        f"Repeated failed patient lookups (kiosk:{kiosk_id}): staff alert raised"
    ]


def test_one_failure_a_minute_never_blocks_the_next_patient(kiosk_id: int, ana: str) -> None:
    at = NOW
    for _minute in range(120):
        outcome = wrong_guess(kiosk_id, at)
        assert outcome == NOT_FOUND  # attempted, not throttled, and no wait announced
        at += minutes(1)
    patient = known_identity(kiosk_id, at - minutes(1) + TYPING)
    assert patient.found and not patient.throttled


def test_guesses_at_one_name_are_limited_across_all_kiosks(checkin_app: Flask) -> None:
    kiosks = [add_kiosk(f"lobby-{n}").id for n in range(6)]
    answers = [wrong_guess(k, NOW + timedelta(seconds=n), "Núñez") for n, k in enumerate(kiosks)]
    assert [a.throttled for a in answers] == [False] * 5 + [True]
    assert answers[4].retry_after_seconds == 3596 and answers[5].retry_after_seconds == 3595
    # Another name at the same kiosks is still looked up; the typed name is stored only hashed.
    assert wrong_guess(kiosks[5], NOW + timedelta(seconds=6), "Okafor") == NOT_FOUND
    buckets = set(db.session.scalars(select(LookupAttempt.bucket)))
    assert not any("nunez" in bucket or "Núñez" in bucket for bucket in buckets)


def test_staff_lift_a_lockout_and_a_new_run_alerts_again(kiosk_id: int, ana: str) -> None:
    fail_twelve_times(kiosk_id)
    assert known_identity(kiosk_id, NOW + minutes(1)).throttled
    lift_lockout(throttle_bucket(kiosk_id), now=NOW + minutes(1))
    assert known_identity(kiosk_id, NOW + minutes(1) + timedelta(seconds=1)).found
    assert [event.kiosk_id for event in audit_events("lookup_lockout_lifted")] == [kiosk_id]
    assert len(audit_events("lookup_alert")) == 1
    fail_twelve_times(kiosk_id, start=NOW + minutes(2))
    assert len(audit_events("lookup_alert")) == 2


def test_flask_checkin_unblock_lifts_a_kiosks_lockout(checkin_app: Flask, kiosk_id: int) -> None:
    now = utcnow()
    fail_twelve_times(kiosk_id, start=now - minutes(1))
    assert wrong_guess(kiosk_id, now).throttled
    runner = checkin_app.test_cli_runner()
    result = runner.invoke(args=["checkin", "unblock", "main-lobby"])
    assert (result.exit_code, result.output) == (0, "main-lobby: lookups allowed again.\n")
    assert wrong_guess(kiosk_id, utcnow()) == NOT_FOUND
    assert [event.kiosk_id for event in audit_events("lookup_lockout_lifted")] == [kiosk_id]
    unknown = runner.invoke(args=["checkin", "unblock", "no-such-kiosk"])
    assert unknown.exit_code == 2 and "No kiosk is named 'no-such-kiosk'" in unknown.output


def test_browsers_that_are_not_kiosks_share_one_bucket(kiosk_id: int) -> None:
    # Twelve different visitors' browsers, one failure each: together they are blocked.
    for n in range(11):
        assert wrong_guess(None, NOW + timedelta(seconds=n)) == NOT_FOUND
    assert wrong_guess(None, NOW + timedelta(seconds=11)).retry_after_seconds == 589
    assert wrong_guess(None, NOW + timedelta(seconds=12)).throttled
    # An enrolled kiosk keeps its own count.
    assert wrong_guess(kiosk_id, NOW + timedelta(seconds=12)) == NOT_FOUND


def test_failures_at_the_same_moment_are_all_counted_and_alert_once(checkin_app: Flask) -> None:
    """Many browsers failing at once neither crash on the bucket's row nor lose a count, and
    exactly one of them raises the alert, on either database."""
    checkin_app.config.update(THROTTLE_ALERT_FAILURES=3, THROTTLE_KIOSK_FAILURES=100)
    browsers = 6
    start_together = threading.Barrier(browsers)
    errors: list[BaseException] = []

    def fail_once(n: int) -> None:
        with checkin_app.app_context():
            try:
                start_together.wait()
                wrong_guess(None, NOW, f"Name{n}")
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=fail_once, args=(n,)) for n in range(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counted = db.session.scalar(
        select(func.count()).select_from(LookupAttempt).where(LookupAttempt.bucket == "unenrolled")
    )
    assert counted == browsers
    assert len(audit_events("lookup_failure")) == browsers
    assert len(audit_events("lookup_alert")) == 1


def test_housekeeping_forgets_failures_older_than_every_window(
    checkin_app: Flask, kiosk_id: int
) -> None:
    now = utcnow()
    wrong_guess(kiosk_id, now - timedelta(hours=2))
    wrong_guess(kiosk_id, now - minutes(5))
    result = checkin_app.test_cli_runner().invoke(args=["housekeeping"])
    # Each name lookup counts in two buckets: the kiosk's and the typed name's.
    assert "2 old lookup attempt(s) forgotten." in result.output
    remaining = db.session.scalars(select(LookupAttempt.attempted_at)).all()
    assert remaining == [now - minutes(5)] * 2
