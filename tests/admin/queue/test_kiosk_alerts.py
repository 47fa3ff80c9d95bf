"""Kiosk alerts at the front desk, on SQLite and PostgreSQL: shown on the Today screen with the
kiosk's name and place, noticed by the polling table (its ETag changes), acknowledged and
resolved (audited, with who), and a second resolution refused with a message, changing nothing."""

from __future__ import annotations

import pytest
from flask import Flask

from admin.queue.alerts import AlertAlreadyClosed, alerts_marker, open_alerts, resolve_alert
from kiosk.alerts.raising import raise_kiosk_alert
from kiosk.extensions import db
from kiosk.models import KioskAlertKind
from tests.admin.queue.queue_builders import coordinator
from tests.admin.queue.test_queue_views import HTMX, TODAY, coordinator_browser
from tests.builders import add_kiosk, audit_events

HOSTILE = '<img src=x onerror="window.__xss=1">'


def kiosk_with_help_pressed(app: Flask, name: str = "Lobby kiosk 1") -> int:
    """A kiosk at the main lobby whose "Call staff" was pressed; returns the kiosk id."""
    with app.app_context():
        kiosk_id = add_kiosk("main-lobby", name=name).id
        raise_kiosk_alert(kiosk_id, KioskAlertKind.HELP_REQUESTED)
        db.session.commit()
    return kiosk_id


def test_an_alert_is_listed_with_its_kiosk_and_resolved_once(app: Flask) -> None:
    kiosk_id = kiosk_with_help_pressed(app)
    with app.app_context():
        [alert] = open_alerts()
        assert (alert.kiosk_name, alert.kiosk_place, alert.kind) == (
            "Lobby kiosk 1",
            "main-lobby",
            KioskAlertKind.HELP_REQUESTED,
        )
        before = alerts_marker()
        resolve_alert(alert.id, staff_id=coordinator())
        assert open_alerts() == []
        assert alerts_marker() != before
        [audit] = audit_events("kiosk_alert_resolved")
        assert (audit.kiosk_id, audit.detail) == (
            kiosk_id,
            {"alert_id": alert.id, "staff_id": coordinator()},
        )
        with pytest.raises(AlertAlreadyClosed):
            resolve_alert(alert.id, staff_id=coordinator())
        assert len(audit_events("kiosk_alert_resolved")) == 1
        # Once resolved, the same kiosk may call again.
        raise_kiosk_alert(kiosk_id, KioskAlertKind.HELP_REQUESTED)
        db.session.commit()
        assert len(open_alerts()) == 1


def test_the_today_screen_shows_a_new_alert_at_the_next_poll_and_resolves_it(app: Flask) -> None:
    client, token, coordinator_id = coordinator_browser(app)
    first = client.get(TODAY, headers=HTMX)
    assert "No open kiosk alerts." in first.get_data(as_text=True)
    kiosk_with_help_pressed(app, name=HOSTILE)
    polled = client.get(TODAY, headers={**HTMX, "If-None-Match": first.headers["ETag"]})
    assert polled.status_code == 200
    table = polled.get_data(as_text=True)
    assert "“Get help” pressed" in table
    assert "main-lobby" in table
    assert HOSTILE not in table and "&lt;img src=x" in table
    with app.app_context():
        [alert] = open_alerts()
    path = f"/staff/queue/alerts/{alert.id}/acknowledge"
    acknowledged = client.post(path, data={"csrf_token": token}, headers=HTMX)
    assert "Alert acknowledged." in acknowledged.get_data(as_text=True)
    again = client.get(TODAY, headers={**HTMX, "If-None-Match": polled.headers["ETag"]})
    assert "someone is on the way" in again.get_data(as_text=True)
    path = f"/staff/queue/alerts/{alert.id}/resolve"
    assert client.post(path, data={"csrf_token": token}, headers=HTMX).status_code == 200
    twice = client.post(path, data={"csrf_token": token}, headers=HTMX)
    assert twice.status_code == 409
    assert "A colleague already resolved this alert" in twice.get_data(as_text=True)
    with app.app_context():
        assert [event.detail["staff_id"] for event in audit_events("kiosk_alert_resolved")] == [
            coordinator_id
        ]
    assert client.post("/staff/queue/alerts/1/close", data={"csrf_token": token}).status_code == 404
