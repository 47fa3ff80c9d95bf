"""The patient-facing shell: home screen, help, language switch and screen reset."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, session, url_for
from werkzeug.wrappers import Response

from kiosk.shell.i18n import choose_language
from kiosk.shell.links import see_other
from kiosk.shell.sessions import end_current_session

bp = Blueprint("kiosk", __name__)


def safe_return_path(candidate: str | None) -> str:
    """Only same-site paths may be returned to after switching language (no open redirect)."""
    if candidate:
        parts = urlsplit(candidate)
        if not parts.scheme and not parts.netloc and candidate.startswith("/"):
            if not candidate.startswith("//") and "\\" not in candidate:
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
