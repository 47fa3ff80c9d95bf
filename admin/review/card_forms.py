"""The two answers a coordinator gives on a new insurance card, checked before anything is
stored: the card's details as they read them (payer, member ID, group), or a rejection with a
reason from a fixed, translated list and, where the list does not say it, their own words.

Each problem gets its own message in the coordinator's language, keyed by the form field it is
about, so the page shows it next to that field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

PAYER_MAX_LENGTH = 120
MEMBER_ID_MAX_LENGTH = 40
GROUP_MAX_LENGTH = 40
NOTE_MAX_LENGTH = 200
# What payers print as member and group numbers: letters, digits and hyphens (spaces are
# dropped, as people type them the way the card groups them).
CARD_NUMBER = re.compile(r"[A-Z0-9-]+")

REJECTION_REASONS: dict[str, LazyString] = {
    "unreadable": _l("The photos cannot be read"),
    "not_a_card": _l("Not an insurance card"),
    "someone_else": _l("The card belongs to someone else"),
    "expired": _l("The card has expired"),
    "other": _l("Other reason (write it below)"),
}

Problems = dict[str, LazyString]


@dataclass(frozen=True)
class CardDetails:
    """A card's details as the coordinator confirmed them."""

    payer: str
    member_id: str
    group_number: str


@dataclass(frozen=True)
class Rejection:
    """Why a card was rejected: a reason of `REJECTION_REASONS` and optional words."""

    reason: str
    note: str


def single_spaced(text: str) -> str:
    """Text as typed, with runs of spaces made one and the ends trimmed."""
    return " ".join(text.split())


def card_number(text: str) -> str:
    """A member or group number as printed on cards: spaces dropped, upper case."""
    return "".join(text.split()).upper()


def parse_card_details(form: Mapping[str, str]) -> tuple[CardDetails | None, Problems]:
    """The confirmed details, or None and a message per field that is wrong."""
    payer = single_spaced(form.get("payer", ""))
    member_id = card_number(form.get("member_id", ""))
    group_number = card_number(form.get("group_number", ""))
    problems: Problems = {}
    if not payer:
        problems["payer"] = _l("Enter the insurance company as the card names it.")
    elif len(payer) > PAYER_MAX_LENGTH:
        problems["payer"] = _l(
            "The insurance company's name is too long (at most %(count)d characters).",
            count=PAYER_MAX_LENGTH,
        )
    if not member_id:
        problems["member_id"] = _l("Enter the member ID as the card shows it.")
    elif len(member_id) > MEMBER_ID_MAX_LENGTH or not CARD_NUMBER.fullmatch(member_id):
        problems["member_id"] = _l(
            "A member ID has letters, digits and hyphens only (at most %(count)d).",
            count=MEMBER_ID_MAX_LENGTH,
        )
    if group_number and (
        len(group_number) > GROUP_MAX_LENGTH or not CARD_NUMBER.fullmatch(group_number)
    ):
        problems["group_number"] = _l(
            "A group number has letters, digits and hyphens only (at most %(count)d).",
            count=GROUP_MAX_LENGTH,
        )
    if problems:
        return None, problems
    return CardDetails(payer, member_id, group_number), problems


def parse_rejection(form: Mapping[str, str]) -> tuple[Rejection | None, Problems]:
    """The rejection, or None and a message per field that is wrong."""
    reason = form.get("reason", "")
    note = single_spaced(form.get("note", ""))
    problems: Problems = {}
    if reason not in REJECTION_REASONS:
        problems["reason"] = _l("Choose why the card is rejected.")
    elif reason == "other" and not note:
        problems["note"] = _l("Write why the card is rejected.")
    if len(note) > NOTE_MAX_LENGTH:
        problems["note"] = _l(
            "The note is too long (at most %(count)d characters).", count=NOTE_MAX_LENGTH
        )
    if problems:
        return None, problems
    return Rejection(reason, note), problems
