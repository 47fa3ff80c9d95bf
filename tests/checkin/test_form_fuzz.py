"""Every check-in and walk-in form field, typed with Unicode digits ("²", "٣"), control
characters and separators, gets a clear answer: the next screen, or the same screen with a
message (or the generic "not found"), never a server error."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.builders import BookedPatient, add_department, book_patient
from tests.checkin.test_flow import jpeg_card
from tests.flows import KioskVisit

# Unicode digits of other scripts and superscripts, letter-like numbers, controls (CR, LF, NUL,
# DEL ...), format characters (BOM, zero-width joiner) and every kind of separator, mixed with
# ASCII digits and the keypad's own characters.
HOSTILE_PIECES = st.one_of(
    st.characters(categories=["Nd", "No", "Nl", "Cc", "Cf", "Zs", "Zl", "Zp"]),
    st.sampled_from(["²", "٣", "١٩٨٠", "\r\n", "\x00", "\u2028", "\ufeff", "-", "'", " "]),
    st.sampled_from("0123456789"),
)
HOSTILE_TEXT = st.lists(HOSTILE_PIECES, max_size=8).map("".join)
ANSWERED = {303, 409, 422, 429}
MESSAGE_MARKS = ('class="notice notice-problem"', "We could not check you in here")


@dataclass(frozen=True)
class Screen:
    """A form: where it posts, its fields, and how to get a kiosk to it."""

    path: str
    fields: tuple[str, ...]
    reach: Callable[[KioskVisit, BookedPatient], None]


def nothing(visit: KioskVisit, patient: BookedPatient) -> None:
    """The first screens need no earlier answer."""


def named(visit: KioskVisit, patient: BookedPatient) -> None:
    visit.post("/check-in/name", last_name=patient.last_name)


def identified(visit: KioskVisit, patient: BookedPatient) -> None:
    visit.identify_by_code(patient.code)


def chosen(visit: KioskVisit, patient: BookedPatient) -> None:
    identified(visit, patient)
    visit.post("/check-in/choose", appointment="all")


def confirmed(visit: KioskVisit, patient: BookedPatient) -> None:
    chosen(visit, patient)
    visit.post("/check-in/confirm", answer="yes")


def contact_kept(visit: KioskVisit, patient: BookedPatient) -> None:
    confirmed(visit, patient)
    visit.post("/check-in/contact", answer="yes")


def new_card_photographed(visit: KioskVisit, patient: BookedPatient) -> None:

    contact_kept(visit, patient)
    visit.post("/check-in/insurance", choice="new")
    for side in ("front", "back"):
        visit.post(f"/check-in/insurance/card/{side}", photo=(io.BytesIO(jpeg_card()), "c.jpg"))


def insurance_chosen(visit: KioskVisit, patient: BookedPatient) -> None:
    contact_kept(visit, patient)
    visit.post("/check-in/insurance", choice="same")


def walk_in_named(visit: KioskVisit, patient: BookedPatient) -> None:
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")


def walk_in_born(visit: KioskVisit, patient: BookedPatient) -> None:
    walk_in_named(visit, patient)
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")


SCREENS = (
    Screen("/check-in/code", ("code",), nothing),
    Screen("/check-in/name", ("last_name",), nothing),
    Screen("/check-in/birth-date", ("day", "month", "year"), named),
    Screen("/check-in/choose", ("appointment",), identified),
    Screen("/check-in/confirm", ("answer",), chosen),
    Screen("/check-in/contact", ("answer",), confirmed),
    Screen("/check-in/contact/phone", ("phone",), confirmed),
    Screen("/check-in/insurance", ("choice",), contact_kept),
    Screen("/check-in/insurance/details", ("member_id", "group_number"), new_card_photographed),
    Screen("/check-in/consent", ("method", "signature"), insurance_chosen),
    Screen("/check-in/walk-in", ("first_name", "last_name"), nothing),
    Screen("/check-in/walk-in/birth-date", ("day", "month", "year"), walk_in_named),
    Screen("/check-in/walk-in/department", ("department",), walk_in_born),
)


@pytest.fixture
def fuzzed_kiosk(app: Flask) -> tuple[KioskVisit, BookedPatient]:
    """A kiosk whose limits never get in the way of the fuzzing, and a patient with two
    appointments (so the choice screen appears)."""
    app.config.update(
        THROTTLE_KIOSK_FAILURES=100_000, THROTTLE_NAME_FAILURES=100_000, WALK_IN_LIMIT=100_000
    )
    patient = book_patient(app, starts_in_minutes=(10, 40))
    with app.app_context():
        add_department("laboratory", "L")
    return KioskVisit(app), patient


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.path for screen in SCREENS])
def test_unicode_digits_controls_and_separators_in_every_field_get_a_clear_answer(
    fuzzed_kiosk: tuple[KioskVisit, BookedPatient], screen: Screen
) -> None:
    visit, patient = fuzzed_kiosk

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=st.fixed_dictionaries({name: HOSTILE_TEXT for name in screen.fields}))
    @example(values=dict.fromkeys(screen.fields, "²"))
    @example(values=dict.fromkeys(screen.fields, "٣"))
    @example(values=dict.fromkeys(screen.fields, "1\r\n2"))
    def answer(values: dict[str, str]) -> None:
        screen.reach(visit, patient)
        response = visit.post(screen.path, **values)
        body = response.get_data(as_text=True)
        assert response.status_code in ANSWERED, (response.status_code, values)
        if response.status_code == 422:
            assert any(mark in body for mark in MESSAGE_MARKS), values

    answer()
