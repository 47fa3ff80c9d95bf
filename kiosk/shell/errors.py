"""Error pages: generic, in the person's language, never a stack trace.

Whatever goes wrong, the screen tells the person what to do next (go back, start again, ask at
the desk). Details go to the log for staff — without patient data, see `kiosk.request_log`.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("lobby.errors")

ERROR_TEXTS = {
    400: (_l("We could not use that"), _l("Please go back and try again.")),
    403: (_l("This is not available here"), _l("Please ask at the front desk.")),
    404: (_l("We could not find that page"), _l("Please start again from the home screen.")),
    405: (_l("We could not use that"), _l("Please start again from the home screen.")),
    413: (
        _l("That file is too large"),
        _l("Please try again with a smaller photo, or ask at the front desk."),
    ),
    429: (_l("Please wait a moment"), _l("Too many tries. Please wait, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Please try again, or ask at the front desk for help."),
    ),
}
CSRF_TEXTS = (
    _l("This page has expired"),
    _l("For your privacy the screen was reset. Please start again."),
)


def render_error_page(status: int, title: object, message: object) -> tuple[str, int]:
    """Render the one generic error template."""
    return render_template("kiosk/error.html", title=title, message=message), status


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Known HTTP errors (404, 413, ...): the page for that status, or the closest one."""
    status = error.code or 500
    family_default = 400 if status < 500 else 500
    title, message = ERROR_TEXTS.get(status, ERROR_TEXTS[family_default])
    return render_error_page(status, title, message)


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    """A missing or stale CSRF token: usually a page left open across a reset."""
    log.info("csrf rejected", extra={"reason": error.description})
    return render_error_page(400, *CSRF_TEXTS)


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    """Anything else is a bug: log it for staff, show the generic page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled error", exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
