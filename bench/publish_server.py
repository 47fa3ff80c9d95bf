"""The apps `bench_floorplan_publish.py` serves with gunicorn: Lobby as it is, and the naive
reload beside it, both answering with the worker's process id so the bench can tell when
every worker serves a new floorplan version.

- `lobby_app()`: `kiosk.create_app()` unchanged; a new version is built in the background
  while the old one answers.
- `naive_app()`: the same app, but the request that notices a new version builds it itself,
  holding the lock, so every request of that worker waits for the build.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from kiosk import create_app, floorplan
from kiosk.shell import health

WORKER_HEADER = "X-Bench-Worker"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def with_worker_header(app: WsgiApp) -> WsgiApp:
    """Wrap a WSGI app so each response names the process that answered."""

    def answer(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            return start_response(status, [*headers, (WORKER_HEADER, str(os.getpid()))], *rest)

        return app(environ, start)

    return answer


def lobby_app() -> WsgiApp:
    """Lobby: check at most once a second, build in the background, swap whole."""
    return with_worker_header(create_app())


_naive_lock = threading.Lock()


def naive_current_floorplan() -> floorplan.PublishedFloorplan:
    """The naive reload: the request that sees a new version builds it before answering."""
    place = floorplan.installation()
    wanted = floorplan.live_source(place)
    with _naive_lock:
        current = place.published
        if wanted is not None and (current is None or wanted != current.source):
            current = place.published = floorplan.build(wanted)
        assert current is not None  # published when the app started
        return current


def naive_app() -> WsgiApp:
    """Lobby with the naive reload inside the request path."""
    app = create_app()
    floorplan.current_floorplan = naive_current_floorplan  # type: ignore[assignment]
    health.current_floorplan = naive_current_floorplan  # type: ignore[assignment]
    return with_worker_header(app)
