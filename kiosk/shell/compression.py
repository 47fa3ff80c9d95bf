"""Compressed responses (zstd, Brotli, gzip — whatever the browser accepts) for static files
and for pages the kiosk's own screens ask for.

Why not every page: BREACH. Every page carries the CSRF token (in `hx-headers` and its forms), and
some reflect what was typed (the search box). If an attacker can make a victim's browser send many
requests with text of the attacker's choosing and watch the compressed sizes on the network, the
sizes reveal the token a character at a time. Those requests come from the attacker's page, so
the browser marks them `Sec-Fetch-Site: cross-site` (or `same-site`); only requests a person made
on the kiosk itself (`same-origin`, or `none` when typed or bookmarked) get a compressed page.
Browsers that send no fetch metadata get uncompressed pages. Static files hold no secret and are
always compressed. The decision is per request, hence `Vary: Sec-Fetch-Site`.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

from kiosk.shell.security import OWN_SITE_FETCHES


def compression_is_safe() -> bool:
    """Static files always; pages only for fetches from the kiosk's own screens."""
    if request.endpoint == "static":
        return True
    return request.headers.get("Sec-Fetch-Site") in OWN_SITE_FETCHES


def init_app(app: Flask) -> None:
    """Compress what is safe to compress (Flask-Compress's own hook stays unregistered)."""
    app.config["COMPRESS_REGISTER"] = False
    compressor = Compress(app)

    def compress_when_safe(response: Response) -> Response:
        response.vary.add("Sec-Fetch-Site")
        if not compression_is_safe():
            return response
        if response.is_streamed and request.endpoint == "static":
            # Compress the (small) file whole: compressing the stream would leave the file
            # open, and would drop Content-Length and gzip.
            response.direct_passthrough = False
            response.make_sequence()
        return compressor.after_request(response)

    app.after_request(compress_when_safe)
