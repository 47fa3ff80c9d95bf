"""Waiting-room board polls: answered "304 Not Modified" from the queue's change marker against
rendering the board on every poll, which is what a board without conditional requests costs.

A busy clinic day: 4 departments, 2,000 tickets and 1,500 calls so far. Every board polls every
2 s, so 50 boards make 25 requests a second all day long; almost all of them find nothing new.
Lobby answers those with one indexed query (largest ticket and queue-event id of the area's
day) and an empty 304; the naive way reads the calls and the waiting count and renders the
page part every time. A third row measures Lobby's answer when something did change.

Both run in one process through Flask's test client on SQLite, so the figures are the server's
own time per request, without network or browser.

Run: `.venv/bin/python bench/bench_board.py`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import create_app  # noqa: E402
from kiosk.devices.identity import enrol_device  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.facility import facility_today  # noqa: E402
from kiosk.models import (  # noqa: E402
    Board,
    Department,
    QueueAction,
    QueueEvent,
    QueueTicket,
    QueueTicketStatus,
)
from kiosk.models.types import utcnow  # noqa: E402
from kiosk.tokens import token_hash  # noqa: E402

DEPARTMENTS = ("imaging", "laboratory", "cardiology", "pediatrics")
TICKETS_PER_DEPARTMENT = 500
CALLED_PER_DEPARTMENT = 375


def busy_day_app(instance: str) -> Flask:
    """Lobby on a fresh SQLite database with a busy day's queue in four departments."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
        day, now = facility_today(), utcnow()
        for prefix, code in zip("ABCD", DEPARTMENTS, strict=True):
            department = Department(
                code=code, names={"en": code.title()}, destination_id=code, ticket_prefix=prefix
            )
            db.session.add(department)
            db.session.flush()
            db.session.execute(
                insert(QueueTicket),
                [
                    {
                        "department_id": department.id,
                        "service_date": day,
                        "number": number,
                        "status": QueueTicketStatus.DONE
                        if number <= CALLED_PER_DEPARTMENT
                        else QueueTicketStatus.WAITING,
                        "token_hash": token_hash(f"{code}-{number}"),
                        "created_at": now,
                    }
                    for number in range(1, TICKETS_PER_DEPARTMENT + 1)
                ],
            )
            ids = db.session.scalars(
                select(QueueTicket.id).where(QueueTicket.department_id == department.id)
            ).all()
            db.session.execute(
                insert(QueueEvent),
                [
                    {
                        "ticket_id": ticket_id,
                        "department_id": department.id,
                        "service_date": day,
                        "action": QueueAction.CALL,
                        "ticket_status_before": QueueTicketStatus.WAITING,
                        "ticket_status_after": QueueTicketStatus.CALLED,
                        "called_to_after": f"Desk {ticket_id % 6 + 1}",
                        "version_after": 1,
                        "occurred_at": now - timedelta(seconds=ticket_id),
                    }
                    for ticket_id in ids[:CALLED_PER_DEPARTMENT]
                ],
            )
        db.session.commit()
    return app


def board_client(app: Flask, area: str) -> FlaskClient:
    """A browser enrolled as the board of `area`."""
    with app.app_context():
        board = Board(name=f"board-{area}", area=area)
        db.session.add(board)
        token = enrol_device(board)
        db.session.commit()
    client = app.test_client()
    client.set_cookie(app.config["BOARD_COOKIE_NAME"], token)
    return client


def record_a_call(ticket_id: int, department_id: int) -> None:
    """A coordinator's call, as the queue records it (the board reads only the event)."""
    db.session.execute(
        insert(QueueEvent),
        [
            {
                "ticket_id": ticket_id,
                "department_id": department_id,
                "service_date": facility_today(),
                "action": QueueAction.CALL,
                "ticket_status_before": QueueTicketStatus.WAITING,
                "ticket_status_after": QueueTicketStatus.CALLED,
                "called_to_after": "Desk 3",
                "version_after": 1,
                "occurred_at": utcnow(),
            }
        ],
    )
    db.session.commit()


def timed(requests: int, one: Callable[[], int]) -> tuple[list[float], set[int], int]:
    """Milliseconds per request, the statuses seen and bytes of the last body."""
    samples, statuses, size = [], set(), 0
    for _ in range(requests):
        started = time.perf_counter()
        status, size = one()  # type: ignore[misc]
        samples.append((time.perf_counter() - started) * 1000)
        statuses.add(status)
    return samples, statuses, size


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    requests = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as instance:
        app = busy_day_app(instance)
        board = board_client(app, "imaging")
        path = "/board/imaging"
        page = board.get(path).get_data(as_text=True)
        etag = re.search(r'data-etag="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        htmx = {"HX-Request": "true"}

        def conditional() -> tuple[int, int]:
            response = board.get(path, headers={**htmx, "If-None-Match": f'"{etag}"'})
            return response.status_code, len(response.data)

        def unconditional() -> tuple[int, int]:
            response = board.get(path, headers=htmx)
            return response.status_code, len(response.data)

        with app.app_context():
            waiting = db.session.execute(
                select(QueueTicket.id, QueueTicket.department_id).where(
                    QueueTicket.status == QueueTicketStatus.WAITING
                )
            ).all()
        calls = iter(waiting)

        def after_a_call() -> tuple[int, int]:
            with app.app_context():
                record_a_call(*next(calls))
            started = time.perf_counter()
            response = board.get(path, headers={**htmx, "If-None-Match": f'"{etag}"'})
            after_a_call.server_ms = (time.perf_counter() - started) * 1000  # type: ignore[attr-defined]
            return response.status_code, len(response.data)

        rows = []
        for name, one, count in (
            ("Lobby: nothing new → 304 from the change marker", conditional, requests),
            ("naive: render the calls on every poll", unconditional, requests),
        ):
            for _ in range(20):
                one()  # warm up
            samples, statuses, size = timed(count, one)
            rows.append((name, samples, statuses, size))
        changed: list[float] = []
        statuses: set[int] = set()
        for _ in range(min(requests, 100)):
            status, size = after_a_call()
            changed.append(after_a_call.server_ms)  # type: ignore[attr-defined]
            statuses.add(status)
        rows.append(("Lobby: after a call → 200 with the new calls", changed, statuses, size))

    print(
        f"{TICKETS_PER_DEPARTMENT * len(DEPARTMENTS):,} tickets, "
        f"{CALLED_PER_DEPARTMENT * len(DEPARTMENTS):,} calls today; one board, {requests} polls"
    )
    print("| board poll | status | p50 ms | p99 ms | mean ms | body bytes |")
    print("|---|---|---:|---:|---:|---:|")
    for name, samples, statuses, size in rows:
        print(
            f"| {name} | {', '.join(map(str, sorted(statuses)))} | {percentile(samples, 0.5):.2f}"
            f" | {percentile(samples, 0.99):.2f} | {statistics.mean(samples):.2f} | {size:,} |"
        )


if __name__ == "__main__":
    main()
