"""The patient-facing shell: home screen, help, language switch and screen reset."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, session, url_for
from werkzeug.wrappers import Response

from kiosk.shell.i18n import choose_language
from kiosk.shell.links import see_other
from kiosk.shell.sessions import end_current_session

bp = Blueprint("kiosk", __name__)


def is_plain_path_character(character: str) -> bool:
    """Not a control, format or separator character: browsers drop or rewrite those in URLs
    (so "/\t/host" becomes "//host"), and a line break in a Location header breaks the
    response."""
    return unicodedata.category(character)[0] not in ("C", "Z")


def safe_return_path(candidate: str | None) -> str:
    """Only same-site paths may be returned to after switching language or step-free (no open
    redirect, no header injection); anything else returns to the home screen."""
    if candidate and candidate.startswith("/") and not candidate.startswith("//"):
        parts = urlsplit(candidate)
        plain = all(is_plain_path_character(character) for character in candidate)
        if plain and not parts.scheme and not parts.netloc and "\\" not in candidate:
            return candidate
    return url_for("kiosk.home")


# Session keys that say nothing about the person at the screen.
HOUSEKEEPING_SESSION_KEYS = frozenset({"csrf_token"})


@bp.app_context_processor
def idle_reset_context() -> dict[str, object]:
    """The idle timer resets any screen but an untouched home screen (no pointless reloads)."""
    person_started = any(key not in HOUSEKEEPING_SESSION_KEYS for key in session)
    return {"idle_reset_needed": person_started or request.endpoint != "kiosk.home"}


@bp.get("/")
def home() -> str:
    """Start screen: check in, find your way, language, help."""
    return render_template("kiosk/home.html")


@bp.get("/help")
def get_help() -> str:
    """Where to find a person: shown from every screen."""
    return render_template("kiosk/help.html")


@bp.post("/language")
def switch_language() -> Response:
    """Switch the session's language and return to the screen the person was on."""
    if not choose_language(request.form.get("lang", "")):
        abort(400)
    return see_other(safe_return_path(request.form.get("next")))


@bp.post("/reset")
def reset_screen() -> Response:
    """End the session for good (idle timeout or "start over") and go home."""
    end_current_session()
    return see_other(url_for("kiosk.home"))
