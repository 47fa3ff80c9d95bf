"""Wayfinding analytics: a search typed key by key counts once, when it settles, and old events
are deleted by `flask housekeeping` after the configured retention."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from kiosk.extensions import db
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind
from tests.helpers import csrf_token_from

SETTLE_BEACON = re.compile(
    r'<form hidden hx-post="(?P<url>[^"]+)" hx-trigger="load delay:(?P<delay>\d+)s"[^>]*>\s*'
    r'<input type="hidden" name="q" value="(?P<query>[^"]*)">'
)


def searches(app: Flask) -> list[tuple[WayfindingEventKind, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(WayfindingEvent.kind, WayfindingEvent.query).order_by(WayfindingEvent.id)
        )
        return [(kind, query) for kind, query in rows]


def type_key_by_key(client: FlaskClient, word: str) -> str:
    """What htmx asks while someone types `word`: one partial per key."""
    partial = ""
    for end in range(1, len(word) + 1):
        response = client.get(
            "/find/search", query_string={"q": word[:end]}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        partial = response.get_data(as_text=True)
    return partial


def settle(client: FlaskClient, partial: str) -> None:
    """What the beacon in the last partial does once its results stayed on screen."""
    beacon = SETTLE_BEACON.search(partial)
    assert beacon, "the results carry no settle beacon"
    token = csrf_token_from(client.get("/find/").get_data(as_text=True))
    response = client.post(
        unescape(beacon["url"]), data={"q": unescape(beacon["query"]), "csrf_token": token}
    )
    assert response.status_code == 204


def test_typing_a_word_key_by_key_commits_no_search_rows(app: Flask, client: FlaskClient) -> None:
    type_key_by_key(client, "pharmacy")
    assert searches(app) == []


def test_a_settled_search_counts_once_with_its_final_words(app: Flask, client: FlaskClient) -> None:
    partial = type_key_by_key(client, "xray")
    beacon = SETTLE_BEACON.search(partial)
    assert beacon and beacon["query"] == "xray" and int(beacon["delay"]) >= 1
    settle(client, partial)
    settle(client, type_key_by_key(client, "zzyzx"))
    assert searches(app) == [
        (WayfindingEventKind.SEARCH, "xray"),
        (WayfindingEventKind.SEARCH_NO_RESULT, "zzyzx"),
    ]


def test_settling_an_empty_or_blank_search_counts_nothing(app: Flask, client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/find/").get_data(as_text=True))
    for typed in ("", "   ", "\x00\x07"):
        response = client.post("/find/search/settled", data={"q": typed, "csrf_token": token})
        assert response.status_code == 204
    assert searches(app) == []
    assert SETTLE_BEACON.search(type_key_by_key(client, " ")) is None


def test_settling_needs_the_screen_csrf_token(app: Flask, client: FlaskClient) -> None:
    assert client.post("/find/search/settled", data={"q": "xray"}).status_code == 400
    assert searches(app) == []


def test_housekeeping_deletes_events_past_retention(app: Flask, client: FlaskClient) -> None:
    app.config["WAYFINDING_EVENT_RETENTION_DAYS"] = 30
    client.get("/find/search?q=pharmacy")
    client.get("/find/search?q=xray")
    with app.app_context():
        db.session.execute(
            update(WayfindingEvent)
            .where(WayfindingEvent.query == "pharmacy")
            .values(occurred_at=utcnow() - timedelta(days=31))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "1 wayfinding event(s) past retention removed." in result.output
    assert searches(app) == [(WayfindingEventKind.SEARCH, "xray")]
