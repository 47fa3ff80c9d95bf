"""Appointment codes: what people type or scan finds the code they were given; codes are
unguessable, stored only as a keyed hash, and expire at the end of the appointment's day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from kiosk.checkin.codes import (
    CODE_ALPHABET,
    code_digest,
    code_key,
    issue_codes,
    new_appointment_code,
    normalise_code,
)
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import Appointment
from tests.builders import NOW, add_department, add_patient, book, minutes

DISPLAY_FORM = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
canonical_codes = st.text(alphabet=CODE_ALPHABET, min_size=8, max_size=8)
separators = st.sampled_from(["", "", " ", "-", "  ", "\t", " - "])


@st.composite
def mangled(draw: st.DrawFn, code: str) -> str:
    """The code as a person might type it or a keyboard-wedge scanner might send it."""
    typed = []
    for character in code:
        if character == "0":
            character = draw(st.sampled_from("0Oo"))
        elif character == "1":
            character = draw(st.sampled_from("1IiLl"))
        else:
            character = draw(st.sampled_from([character, character.lower()]))
        typed.append(draw(separators) + character)
    surrounding = st.sampled_from(["", " ", "\n", "\r\n", "\t", "\x02"])
    return draw(surrounding) + "".join(typed) + draw(separators) + draw(surrounding)


@given(st.text())
def test_any_text_is_a_code_or_nothing_and_never_an_error(text: str) -> None:
    result = normalise_code(text)
    assert result is None or (len(result) == 8 and set(result) <= set(CODE_ALPHABET))


@given(st.data(), canonical_codes)
def test_the_given_code_survives_how_people_type_and_scanners_send_it(
    data: st.DataObject, code: str
) -> None:
    assert normalise_code(data.draw(mangled(code))) == code


@pytest.mark.parametrize(
    "typed", ["", "K7M2-9QX", "K7M2-9QXDD", "K7M2-9QXU", "K7M2-9QX*", "Ñ7M2-9QXD", "x" * 10_000]
)
def test_what_cannot_be_a_code_is_nothing(typed: str) -> None:
    assert normalise_code(typed) is None


def test_codes_are_printed_in_two_groups_and_carry_40_random_bits() -> None:
    codes = [new_appointment_code() for _ in range(2000)]
    assert all(DISPLAY_FORM.fullmatch(code) for code in codes)
    # 8 characters of a 32-letter alphabet (no I, L, O, U) are 40 bits; every letter is used.
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 32
    assert not set("ILOU") & set(CODE_ALPHABET)
    assert set("".join(codes).replace("-", "")) == set(CODE_ALPHABET)
    assert len(set(codes)) == len(codes)


def test_the_stored_digest_needs_the_key() -> None:
    digest = code_digest("K7M29QXD", b"key one")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != code_digest("K7M29QXD", b"key two")
    assert digest != code_digest("K7M29QXE", b"key one")


def test_an_issued_code_is_stored_hashed_and_expires_at_the_facilitys_midnight(
    checkin_app: Flask,
) -> None:
    patient = add_patient("Ana", "Núñez", date(1984, 3, 12))
    appointment_id, code = book(patient, add_department(), NOW + minutes(20))
    appointment = db.session.get(Appointment, appointment_id)
    assert appointment is not None
    assert DISPLAY_FORM.fullmatch(code)
    assert code.replace("-", "") not in (appointment.code_digest or "")
    assert appointment.code_digest == code_digest(code.replace("-", ""), code_key(checkin_app))
    # Midnight in Chicago (CDT, UTC-5) after 10:00 on 10 March.
    assert appointment.code_expires_at == datetime(2026, 3, 11, 5, 0, tzinfo=UTC)


def test_no_code_is_issued_for_a_day_that_is_over(checkin_app: Flask) -> None:
    patient = add_patient("Ana", "Núñez", date(1984, 3, 12))
    with pytest.raises(ValueError, match="day is over"):
        book(patient, add_department(), NOW - minutes(24 * 60))


def test_a_batch_of_codes_is_distinct_and_each_works_for_its_own_appointment(
    checkin_app: Flask,
) -> None:
    patient = add_patient("Ana", "Núñez", date(1984, 3, 12))
    department = add_department()
    batch = [
        Appointment(patient_id=patient.id, department_id=department.id, starts_at=NOW + minutes(n))
        for n in range(50)
    ]
    db.session.add_all(batch)
    key = code_key(checkin_app)

    codes = issue_codes(batch, now=NOW, timezone=facility_timezone(checkin_app), key=key)
    db.session.commit()

    assert len(set(codes)) == 50 and all(DISPLAY_FORM.fullmatch(code) for code in codes)
    for appointment, code in zip(batch, codes, strict=True):
        assert appointment.code_digest == code_digest(code.replace("-", ""), key)


def test_a_batch_with_a_day_that_is_over_issues_no_code_at_all(checkin_app: Flask) -> None:
    patient = add_patient("Ana", "Núñez", date(1984, 3, 12))
    department = add_department()
    batch = [
        Appointment(patient_id=patient.id, department_id=department.id, starts_at=starts_at)
        for starts_at in (NOW + minutes(5), NOW - minutes(24 * 60))
    ]
    zone = facility_timezone(checkin_app)

    with pytest.raises(ValueError, match="day is over"):
        issue_codes(batch, now=NOW, timezone=zone, key=code_key(checkin_app))

    assert [appointment.code_digest for appointment in batch] == [None, None]


def test_the_facility_time_zone_comes_from_the_configuration(checkin_app: Flask) -> None:
    assert facility_timezone(checkin_app) == ZoneInfo("America/Chicago")
    checkin_app.config["FACILITY_TIMEZONE"] = "UTC"
    assert facility_timezone(checkin_app) == ZoneInfo("UTC")
