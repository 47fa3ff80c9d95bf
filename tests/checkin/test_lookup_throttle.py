"""The per-kiosk lookup throttle: a few free failures, then growing waits during which nothing
is looked up, a staff alert once per run of failures, and one shared bucket for browsers that
are not enrolled kiosks."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta

import pytest
from flask import Flask

from kiosk.checkin.identity import (
    NOT_FOUND,
    IdentifyOutcome,
    identify_by_code,
    identify_by_name_and_birth_date,
)
from kiosk.extensions import db
from kiosk.models import LookupThrottle
from tests.checkin.checkin_helpers import (
    NOW,
    add_department,
    add_kiosk,
    add_patient,
    audit_events,
    book,
    minutes,
)


def wrong_guess(kiosk_id: int | None, at: datetime) -> IdentifyOutcome:
    return identify_by_name_and_birth_date("Nobody", date(1990, 1, 1), kiosk_id=kiosk_id, now=at)


def fail_in_a_row(count: int, kiosk_id: int | None, start: datetime = NOW) -> datetime:
    """Fail `count` times, each time waiting out any block; return when the kiosk may look up
    again."""
    at = start
    for _ in range(count):
        outcome = wrong_guess(kiosk_id, at)
        assert outcome.found is False and outcome.throttled is False
        at += timedelta(seconds=outcome.retry_after_seconds)
    return at


@pytest.fixture
def kiosk_id(checkin_app: Flask) -> int:
    return add_kiosk("main-lobby")


@pytest.fixture
def code(checkin_app: Flask) -> str:
    """A code that would find its patient's appointment at any time used here."""
    patient = add_patient("Ana", "Núñez", date(1984, 3, 12))
    _, issued = book(patient, add_department(), NOW + minutes(10))
    return issued


def test_waits_grow_after_three_free_failures_up_to_a_minute(kiosk_id: int) -> None:
    waits = []
    at = NOW
    for _ in range(10):
        outcome = wrong_guess(kiosk_id, at)
        waits.append(outcome.retry_after_seconds)
        at += timedelta(seconds=outcome.retry_after_seconds)
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]


def test_a_blocked_kiosk_does_not_look_up_even_the_right_code(kiosk_id: int, code: str) -> None:
    unblocked_at = fail_in_a_row(4, kiosk_id)  # the fourth failure blocks for 2 s
    outcome = identify_by_code(code, kiosk_id=kiosk_id, now=unblocked_at - timedelta(seconds=1))
    assert outcome == IdentifyOutcome(
        found=False, appointment_ids=(), patient_id=None, throttled=True, retry_after_seconds=1
    )
    assert audit_events("lookup_success") == []
    [throttled] = audit_events("lookup_throttled")
    assert throttled.kiosk_id == kiosk_id and throttled.detail["retry_after_seconds"] == 1
    # The code was not spent: once the wait is over it works.
    assert identify_by_code(code, kiosk_id=kiosk_id, now=unblocked_at).found


def test_a_success_halves_the_count_and_lifts_the_block(kiosk_id: int, code: str) -> None:
    at = fail_in_a_row(5, kiosk_id)
    assert identify_by_code(code, kiosk_id=kiosk_id, now=at).found
    assert wrong_guess(kiosk_id, at) == NOT_FOUND  # 5 // 2 + 1 = 3: still free, no wait
    throttle = db.session.get(LookupThrottle, f"kiosk:{kiosk_id}")
    assert throttle is not None and throttle.consecutive_failures == 3
    assert wrong_guess(kiosk_id, at).retry_after_seconds == 2


def test_one_known_identity_cannot_hide_a_stream_of_guesses(kiosk_id: int, code: str) -> None:
    """Three guesses, one success, three guesses ...: the waits still come."""
    at, waits = NOW, []
    for _round in range(4):
        for _guess in range(3):
            outcome = wrong_guess(kiosk_id, at)
            waits.append(outcome.retry_after_seconds)
            at += timedelta(seconds=outcome.retry_after_seconds)
        assert identify_by_code(code, kiosk_id=kiosk_id, now=at).found
    assert max(waits) >= 4


def test_staff_are_alerted_once_per_run_of_ten_failures(
    kiosk_id: int, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.checkin.identity"):
        at = fail_in_a_row(14, kiosk_id)
        [alert] = audit_events("lookup_alert")
        assert (alert.kiosk_id, alert.patient_id, alert.detail) == (
            kiosk_id,
            None,
            {"failures": 10},
        )
        assert [record.getMessage() for record in caplog.records] == [
            f"Repeated failed patient lookups (kiosk:{kiosk_id}): staff alert raised"
        ]
        assert identify_by_code(code, kiosk_id=kiosk_id, now=at + timedelta(minutes=1)).found
        fail_in_a_row(10, kiosk_id, start=at + timedelta(minutes=1))
    assert len(audit_events("lookup_alert")) == 2
    assert len(caplog.records) == 2


def test_browsers_that_are_not_kiosks_share_one_bucket(kiosk_id: int) -> None:
    # Four different visitors' browsers, one failure each: together they are blocked.
    fail_in_a_row(3, kiosk_id=None)
    assert wrong_guess(None, NOW).retry_after_seconds == 2
    assert wrong_guess(None, NOW + timedelta(seconds=1)).throttled
    # An enrolled kiosk keeps its own count.
    assert wrong_guess(kiosk_id, NOW) == NOT_FOUND


def test_failures_at_the_same_moment_are_all_counted(checkin_app: Flask) -> None:
    """Many browsers failing at once (the first failure creates the row) neither crash on the
    bucket's primary key nor lose a count, on either database."""
    browsers = 6
    start_together = threading.Barrier(browsers)
    errors: list[BaseException] = []

    def fail_once() -> None:
        with checkin_app.app_context():
            try:
                start_together.wait()
                wrong_guess(None, NOW)
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=fail_once) for _ in range(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    throttle = db.session.get(LookupThrottle, "unenrolled")
    assert throttle is not None and throttle.consecutive_failures == browsers
    assert len(audit_events("lookup_failure")) == browsers
