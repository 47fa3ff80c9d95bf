"""The board's words in every language at once: a TV across the room speaks to everyone in the
waiting room, so it shows each label in English and Spanish side by side rather than in one
person's choice."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString, force_locale, ngettext
from flask_babel import lazy_gettext as _l

LABELS: dict[str, LazyString] = {
    "title": _l("Waiting room"),
    "now_calling": _l("Now calling"),
    "earlier_calls": _l("Earlier calls"),
    "none_called": _l("No numbers called yet. Please wait to be called."),
    "connection_lost": _l("Connection lost. This board is not up to date; please ask at the desk."),
    "chime": _l("Chime"),
    "not_a_board": _l("This screen is not a waiting-room board."),
    "not_a_board_help": _l(
        "Staff: make it one with the one-time link from “flask board enroll AREA”."
    ),
    "unknown_area": _l("This waiting area is not set up any more. Please ask IT."),
    "other_area": _l("This board shows another area."),
}


@dataclass(frozen=True)
class Said:
    """One text in one language, with the language code for `lang="..."`."""

    lang: str
    text: str


def board_languages() -> list[str]:
    """The languages the board shows, the default one first."""
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    others = [lang for lang in current_app.config["LANGUAGES"] if lang != default]
    return [default, *others]


def in_every_language() -> dict[str, list[Said]]:
    """Every board label, rendered once per language."""
    said: dict[str, list[Said]] = {key: [] for key in LABELS}
    for lang in board_languages():
        with force_locale(lang):
            for key, text in LABELS.items():
                said[key].append(Said(lang, str(text)))
    return said


def waiting_in_every_language(count: int) -> list[Said]:
    """ "4 people waiting" in every language."""
    said = []
    for lang in board_languages():
        with force_locale(lang):
            text = ngettext("%(num)d person waiting", "%(num)d people waiting", count)
            said.append(Said(lang, str(text)))
    return said
