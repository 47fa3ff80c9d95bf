"""The typed-answer checks are total: any text gives an answer, never an exception."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from kiosk.checkin.answers import chosen_appointments, parse_birth_date, typed_digits

TODAY = date(2026, 3, 10)


@given(day=st.text(max_size=6), month=st.text(max_size=6), year=st.text(max_size=6))
def test_any_typed_birth_date_is_a_date_or_a_message(day: str, month: str, year: str) -> None:
    born, problem = parse_birth_date(
        MultiDict({"day": day, "month": month, "year": year}), today=TODAY
    )
    assert (born is None) != (problem is None)


def test_digits_of_any_script_count_and_superscripts_do_not() -> None:
    assert parse_birth_date(
        MultiDict({"day": "١٢", "month": "٣", "year": "١٩٨٤"}), today=TODAY
    ) == (
        date(1984, 3, 12),
        None,
    )
    born, problem = parse_birth_date(
        MultiDict({"day": "²", "month": "3", "year": "1984"}), today=TODAY
    )
    assert born is None and "as numbers" in str(problem)
    assert typed_digits("(555) ٣٣٣-0100 ²") == "5553330100"


@given(picked=st.text(max_size=20))
def test_any_choice_is_one_of_the_buttons_or_none(picked: str) -> None:
    chosen = chosen_appointments(picked, [7, 12])
    assert chosen in (None, [7], [12], [7, 12])


def test_the_buttons_choose_what_they_say() -> None:
    assert chosen_appointments("all", [7, 12]) == [7, 12]
    assert chosen_appointments("12", [7, 12]) == [12]
    assert chosen_appointments("²", [2]) is None and chosen_appointments("١٢", [12]) is None
