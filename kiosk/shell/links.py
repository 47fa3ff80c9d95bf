"""Links every feature hands out: absolute URLs for QR codes and printed links, QR code images,
and the two htmx idioms (is this a partial request, redirect after a POST)."""

from __future__ import annotations

import qrcode
from flask import Response, current_app, has_request_context, redirect, request
from qrcode.image.svg import SvgPathImage
from werkzeug.wrappers import Response as BaseResponse

# Where links point when neither PUBLIC_BASE_URL nor a request says (a CLI on the demo box).
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def public_url(path: str) -> str:
    """An absolute URL phones and staff can reach: `PUBLIC_BASE_URL` if set, else this
    request's host, else the one-box default."""
    base = str(current_app.config["PUBLIC_BASE_URL"])
    if not base:
        base = request.host_url if has_request_context() else FALLBACK_BASE_URL
    return base.rstrip("/") + path


def qr_code_svg(text: str) -> str:
    """A QR code for `text` as an SVG document, sized for a phone camera at arm's length."""
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=12, border=2)
    return str(image.to_string(encoding="unicode"))


def qr_code_response(url: str) -> Response:
    """A QR code for `url` as an SVG response."""
    return Response(qr_code_svg(url), mimetype="image/svg+xml")


def is_htmx() -> bool:
    """Whether htmx asked for a partial (security headers add `Vary: HX-Request`)."""
    return request.headers.get("HX-Request") == "true"


def see_other(location: str) -> BaseResponse:
    """The redirect after a POST (303), so a reload never repeats the POST."""
    return redirect(location, code=303)
