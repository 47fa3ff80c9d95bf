"""Security headers for every response.

The kiosk is a shared screen on a hospital network: pages must not be framed, sniffed, cached
with someone's data in them, or able to run injected script. Written as one `after_request`
hook rather than Flask-Talisman, which forces Secure cookies even on plain-HTTP development
servers and would break `make run`.

CSRF: every POST needs Flask-WTF's token, and a POST that a browser marks as coming from another
site is refused too. Flask-WTF's HTTPS Referer check is off on purpose: with
`Referrer-Policy: no-referrer` (no ticket or directions link may leak to another site) browsers
send no Referer, so the check refused every POST behind TLS. The browser's own `Sec-Fetch-Site`
(or, from older browsers, `Origin`) says the same thing without revealing any path.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFError

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

# `Sec-Fetch-Site` values a kiosk's own forms produce ("none": typed or bookmarked by a person).
OWN_SITE_FETCHES = frozenset({"same-origin", "none"})


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


def request_origin() -> str:
    """This request's origin as a browser writes it in `Origin` (`https://host[:port]`)."""
    return f"{request.scheme}://{request.host}"


def refuse_cross_site_post() -> None:
    """Refuse state-changing requests that the browser says another site made.

    Requests without these headers (command-line clients, very old browsers) still need the
    CSRF token; an `Origin` of "null" is what a no-referrer page sends for its own forms.
    """
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site not in OWN_SITE_FETCHES:
            raise CSRFError("The request came from another site.")
        return
    origin = request.headers.get("Origin")
    if origin not in (None, "null", request_origin()):
        raise CSRFError("The request came from another origin.")


def init_app(app: Flask) -> None:
    """Refuse oversize bodies and cross-site posts early; attach the headers to every response,
    errors included."""
    app.before_request(refuse_oversize_body)
    app.before_request(refuse_cross_site_post)
    app.after_request(add_security_headers)
