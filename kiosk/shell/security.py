"""Security headers for every response.

The kiosk is a shared screen on a hospital network: pages must not be framed, sniffed, cached
with someone's data in them, or able to run injected script. Written as one `after_request`
hook rather than Flask-Talisman, which forces Secure cookies even on plain-HTTP development
servers and would break `make run`.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

STATIC_CACHE_SECONDS = 3600


def add_security_headers(response: Response) -> Response:
    """Set the headers; dynamic pages are never stored, static assets may be cached."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "geolocation=(), microphone=(), payment=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint == "static":
        response.headers["Cache-Control"] = f"public, max-age={STATIC_CACHE_SECONDS}"
    else:
        # Any page can show patient data once check-in exists: keep none in caches or history.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    # One URL serves a whole page or an htmx partial; caches must keep them apart.
    response.vary.add("HX-Request")
    return response


def refuse_oversize_body() -> None:
    """Answer 413 from the declared length, before reading any of the body: parsing a too-large
    upload first wastes the kiosk's bandwidth and leaves its temporary file behind."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and request.content_length and request.content_length > limit:
        abort(413)


def init_app(app: Flask) -> None:
    """Refuse oversize bodies early; attach the headers to every response, errors included."""
    app.before_request(refuse_oversize_body)
    app.after_request(add_security_headers)
