"""Languages: the kiosk's choice lives in its server-side session, never in Accept-Language.

A kiosk browser's Accept-Language is whatever the machine was set up with; what matters is the
button the person in front of it pressed. The choice ends with the session, so the next person
starts in the default language.
"""

from __future__ import annotations

from flask import Flask, current_app, session

from kiosk.extensions import babel


def available_languages() -> dict[str, str]:
    """Language codes mapped to their names in their own language ("Español")."""
    languages: dict[str, str] = current_app.config["LANGUAGES"]
    return languages


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    chosen = session.get("lang")
    if chosen in available_languages():
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def choose_language(code: str) -> bool:
    """Remember `code` for this session; False when Lobby has no such language."""
    if code not in available_languages():
        return False
    session["lang"] = code
    return True


def language_context() -> dict[str, object]:
    """Template variables for `<html lang>` and the language switch."""
    return {"current_lang": select_locale(), "languages": available_languages()}


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the session-based selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(language_context)
