"""`/board/<area>`: the waiting-room board's page and the part of it that htmx polls.

Only an enrolled board sees calls; any other browser gets a clear 403 page. The polled part
carries an ETag built from the queue's change marker (admin/queue/changes.py): while nothing
changed the board is answered 304 with no body and nothing is rendered. Pages stay
`Cache-Control: no-store` like every page, so the board's script sends `If-None-Match` itself.
"""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from admin.board.areas import Area, find_area
from admin.board.calls import board_state
from admin.board.texts import board_languages, in_every_language, waiting_in_every_language
from admin.queue.changes import queue_marker
from kiosk.devices.identity import current_board
from kiosk.facility import facility_today
from kiosk.shell.links import is_htmx

bp = Blueprint("board", __name__, url_prefix="/board", template_folder="../templates")

# Bumped when the polled part's markup changes, so boards running the old page take the new.
MARKUP_VERSION = "1"


def refusal(key: str, status: int) -> tuple[str, int]:
    """A plain page saying why this screen shows no calls (in every language)."""
    return render_template(
        "admin/board/refused.html",
        texts=in_every_language(),
        reason=key,
        languages=board_languages(),
    ), status


@bp.get("/")
def own_area() -> BaseResponse | tuple[str, int]:
    """An enrolled board that lost its address (a bookmark, a restart) goes to its area."""
    board = current_board()
    if board is None:
        return refusal("not_a_board", 403)
    return redirect(url_for("board.show", area=board.area))


def calls_etag(area: Area) -> str:
    """The polled part's ETag: the area's queue marker, its languages and the markup version."""
    marker = queue_marker(area.department_ids, facility_today())
    parts = [MARKUP_VERSION, area.slug, marker, *board_languages()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


@bp.get("/<area>")
def show(area: str) -> Response | tuple[str, int]:
    """The board (or, for htmx, its calls part), 304 while the queue has not changed."""
    board = current_board()
    if board is None:
        return refusal("not_a_board", 403)
    if board.area != area:
        return refusal("other_area", 403)
    found = find_area(area)
    if found is None:
        return refusal("unknown_area", 404)
    etag = calls_etag(found)
    if is_htmx() and request.if_none_match.contains(etag):
        not_modified = make_response("", 304)
        not_modified.set_etag(etag)
        return not_modified
    config = current_app.config
    state = board_state(found.department_ids, facility_today(), int(config["BOARD_RECENT_CALLS"]))
    template = "admin/board/_calls.html" if is_htmx() else "admin/board/board.html"
    response = make_response(
        render_template(
            template,
            area=found,
            area_titles=list(dict.fromkeys(found.title_in(lang) for lang in board_languages())),
            state=state,
            etag=etag,
            texts=in_every_language(),
            waiting=waiting_in_every_language(state.waiting),
            languages=board_languages(),
            poll_seconds=int(config["BOARD_POLL_SECONDS"]),
            chime=bool(config["BOARD_CHIME"]),
        )
    )
    response.set_etag(etag)
    return response
