"""Structured logging (one JSON object a line) that cannot leak patient data.

Request lines record the route pattern (`/enrol/<token>`), never the URL as sent, its query
string, form fields or cookies: paths and queries can carry names, dates of birth and single-use
tokens. Werkzeug's own access log, which prints full URLs, is turned down for the same reason.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from typing import Any

from flask import Flask, Response, g, request

# Only these attributes of a log record become fields; anything else passed in `extra` is dropped
# so that a careless call cannot put a form value into the log.
LOGGED_FIELDS = (
    "request_id",
    "method",
    "route",
    "endpoint",
    "status",
    "duration_ms",
    "kiosk",
    "reason",
)


class JsonLineFormatter(logging.Formatter):
    """Format records as single-line JSON for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in LOGGED_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Lobby's own loggers: named ones ("lobby.request") and module loggers (`__name__`).
LOGGER_ROOTS = ("lobby", "kiosk", "admin")


def configure_logging(level: str, *, propagate: bool) -> None:
    """Send Lobby's loggers to stderr as JSON lines (once per process).

    Outside tests they do not propagate: a library that calls `logging.basicConfig()` (python-
    escpos does) would otherwise print every line a second time in plain text.
    """
    for root in LOGGER_ROOTS:
        logger = logging.getLogger(root)
        logger.setLevel(level)
        logger.propagate = propagate
        if not any(isinstance(h.formatter, JsonLineFormatter) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonLineFormatter())
            logger.addHandler(handler)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def start_request_timer() -> None:
    """Give the request an id and a start time."""
    g.request_id = secrets.token_hex(8)
    g.request_started = time.perf_counter()


def log_request(response: Response) -> Response:
    """One line per request: route pattern, status and time — no URL, query or body."""
    started = g.get("request_started")
    kiosk = g.get("kiosk")
    logging.getLogger("lobby.request").info(
        "request",
        extra={
            "request_id": g.get("request_id"),
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "kiosk": kiosk.name if kiosk is not None else None,
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Install the formatter and the per-request line."""
    configure_logging(app.config["LOG_LEVEL"], propagate=app.testing)
    app.before_request(start_request_timer)
    app.after_request(log_request)
