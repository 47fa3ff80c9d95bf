"""Rate limits on the routes that anyone can call repeatedly: search, the phone pages, enrolment
links and the check-in lookups.

They are applied centrally, by endpoint name, from the `RATE_LIMITS` setting (endpoint →
Flask-Limiter limit string), so no feature module knows about them and a site can tune them
without touching code. An integration client of the FHIR API is counted as itself (its views
run after it is recognised); an enrolled kiosk is counted as itself (kiosks may share an address
behind a NAT); any other browser by its address (`PROXY_FIX_HOPS` makes that the patient's
phone, not the proxy). Counters live in Redis when `REDIS_URL` is set, so every app server
counts the same requests; otherwise in the process's memory (the one-box installation). A
request over the limit gets the friendly 429 page of `kiosk.shell.errors` in the person's
language.

Endpoints that take both GET and POST are limited on POST only: showing a form costs nothing,
submitting it is the lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from flask_limiter import Limiter

MEMORY_STORAGE = "memory://"
RATE_LIMIT_SUBJECT = "lobby.rate_limit_subject"


def count_requests_against(subject: str) -> None:
    """Count this request against `subject` instead of its kiosk or address: a feature that
    authenticates its callers itself (the FHIR API's integration clients) names them here
    before its view runs. Marked on the request itself: an application context (and its `g`)
    can outlive one request."""
    request.environ[RATE_LIMIT_SUBJECT] = subject


def rate_limit_key() -> str:
    """Who a request counts against: the subject a feature named, else the enrolled kiosk,
    else the client's address."""
    subject = request.environ.get(RATE_LIMIT_SUBJECT)
    if subject is not None:
        return str(subject)
    kiosk = g.get("kiosk")
    if kiosk is not None:
        return f"kiosk:{kiosk.id}"
    return f"address:{request.remote_addr}"


def limited_methods(app: Flask, endpoint: str) -> list[str] | None:
    """POST only for form endpoints; every method for read-only endpoints (None)."""
    methods: set[str] = set()
    for rule in app.url_map.iter_rules(endpoint):
        methods |= rule.methods or set()
    return ["POST"] if "POST" in methods else None


def apply_rate_limits(app: Flask, limiter: Limiter, limits: dict[str, str]) -> None:
    """Wrap each listed endpoint's view in its limit; an unknown endpoint is a setup error."""
    unknown = sorted(set(limits) - set(app.view_functions))
    if unknown:
        raise ValueError(f"RATE_LIMITS names endpoints that do not exist: {', '.join(unknown)}")
    for endpoint, limit in limits.items():
        view: Callable[..., Any] = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(limit, methods=limited_methods(app, endpoint))(
            view
        )


def init_app(app: Flask) -> Limiter:
    """Create the application's limiter and apply `RATE_LIMITS`; call it after every
    blueprint is registered."""
    limiter = Limiter(
        rate_limit_key,
        app=app,
        storage_uri=str(app.config["REDIS_URL"] or MEMORY_STORAGE),
        # A Redis outage must not take the kiosks down: count in memory until it is back.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=True,
        key_prefix=str(app.config["RATE_LIMIT_KEY_PREFIX"]),
    )
    apply_rate_limits(app, limiter, dict(app.config["RATE_LIMITS"]))
    return limiter
