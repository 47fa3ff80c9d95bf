"""The Closures screen: pick what to close by its name, see what it changes, confirm once,
lift early; wrong or hostile input gets a clear 400 in the reader's language and stores
nothing; a double submit closes once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import FloorplanClosure
from kiosk.models.types import utcnow
from tests.helpers import csrf_token_from

SCREEN = "/staff/floorplans/closures/"
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


def local_input(app: Flask, moment: datetime) -> str:
    """`moment` as the facility's date-time input sends it."""
    zone = ZoneInfo(app.config["FACILITY_TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def closure_form(app: Flask, client: FlaskClient, **fields: str) -> dict[str, str]:
    """A valid form (Elevator A, building works, two hours from now) with `fields` changed."""
    token = csrf_token_from(client.get(SCREEN).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "element": "elevators-a",
        "reason": "works",
        "staff_note": "Work order 1234",
        "starts": "",
        "until": local_input(app, utcnow() + timedelta(hours=2)),
    }
    form.update(fields)
    return form


def stored(app: Flask) -> list[FloorplanClosure]:
    """Every closure row."""
    with app.app_context():
        return list(db.session.scalars(select(FloorplanClosure)))


def test_the_picker_names_elements_grouped_by_floor_and_kind(
    closures_app: Flask, facility_admin: FlaskClient
) -> None:
    page = facility_admin.get(SCREEN).get_data(as_text=True)
    assert "Nothing is closed." in page
    assert '<optgroup label="Whole elevator banks, stairwells and escalators">' in page
    assert '<option value="elevators-a">Elevator A</option>' in page
    assert "Main Building, Level 2 (Blue): one elevator, stair or escalator stop" in page
    assert ">Elevator A, stop on Level 2 (Blue)</option>" in page
    assert "Main Building, Level 1 (Main entrance): corridors" in page
    # Every option says a name; an id is only added to tell two alike names apart.
    labels = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page)
    assert labels and all(label != value for value, label in labels)


def test_preview_then_confirm_closes_once_and_the_list_says_who_why_until(
    closures_app: Flask, facility_admin: FlaskClient
) -> None:
    form = closure_form(closures_app, facility_admin)
    preview = facility_admin.post(SCREEN + "preview", data=form)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "What this closure changes" in page and "Elevator A" in page
    assert "Standard routes" in page and "Step-free routes" in page
    assert "Imaging" in page and "No route" in page
    assert stored(closures_app) == []
    confirm = {**form, "submission": SUBMISSION.search(page).group(1)}  # type: ignore[union-attr]
    first = facility_admin.post(SCREEN + "confirm", data=confirm)
    second = facility_admin.post(SCREEN + "confirm", data=confirm)
    assert first.status_code == second.status_code == 303
    rows = stored(closures_app)
    assert [(row.element, row.reason.value, row.staff_note) for row in rows] == [
        ("elevators-a", "works", "Work order 1234")
    ]
    listing = facility_admin.get(SCREEN).get_data(as_text=True)
    assert "This closure was already saved" in listing
    assert "Fran Facilities" in listing and "Building works" in listing
    assert "Work order 1234" in listing


def test_lift_early_opens_it_once(closures_app: Flask, facility_admin: FlaskClient) -> None:
    form = closure_form(closures_app, facility_admin)
    page = facility_admin.post(SCREEN + "preview", data=form).get_data(as_text=True)
    confirm = {**form, "submission": SUBMISSION.search(page).group(1)}  # type: ignore[union-attr]
    facility_admin.post(SCREEN + "confirm", data=confirm)
    (row,) = stored(closures_app)
    token = csrf_token_from(facility_admin.get(SCREEN).get_data(as_text=True))
    lifted = facility_admin.post(f"{SCREEN}{row.id}/lift", data={"csrf_token": token})
    again = facility_admin.post(f"{SCREEN}{row.id}/lift", data={"csrf_token": token})
    assert lifted.status_code == 303
    assert again.status_code == 409
    assert "This closure was already lifted." in again.get_data(as_text=True)
    (row,) = stored(closures_app)
    assert row.lifted_at is not None and row.lifted_by is not None
    assert "Nothing is closed." in facility_admin.get(SCREEN).get_data(as_text=True)


def refusal(app: Flask, client: FlaskClient, path: str, **fields: str) -> str:
    """Post the form with `fields` changed; assert a 400 and nothing stored; the page text."""
    response = client.post(SCREEN + path, data=closure_form(app, client, **fields))
    assert response.status_code == 400, response.status_code
    assert stored(app) == []
    return response.get_data(as_text=True)


def test_wrong_times_are_refused_with_a_reason(
    closures_app: Flask, facility_admin: FlaskClient
) -> None:
    past = local_input(closures_app, utcnow() - timedelta(hours=1))
    assert "The end must be in the future." in refusal(
        closures_app, facility_admin, "preview", until=past
    )
    assert "Enter a date and a time" in refusal(
        closures_app, facility_admin, "preview", until="tomorrow at two"
    )
    assert "That date does not exist." in refusal(
        closures_app, facility_admin, "preview", until="2031-02-30T10:00"
    )
    assert "That date does not exist." in refusal(
        closures_app, facility_admin, "preview", starts="0001-01-01T00:00"
    )
    too_long = local_input(closures_app, utcnow() + timedelta(days=91))
    assert "at most 90 days" in refusal(closures_app, facility_admin, "preview", until=too_long)
    late_start = local_input(closures_app, utcnow() + timedelta(hours=3))
    assert "The end must come after the start." in refusal(
        closures_app, facility_admin, "preview", starts=late_start
    )


def test_unknown_choices_and_a_missing_submission_are_refused(
    closures_app: Flask, facility_admin: FlaskClient
) -> None:
    assert "Choose what to close from the list." in refusal(
        closures_app, facility_admin, "preview", element="not-a-real-place"
    )
    assert "Choose a reason from the list." in refusal(
        closures_app, facility_admin, "preview", reason="because"
    )
    assert "This form is out of date." in refusal(closures_app, facility_admin, "confirm")
    assert "This form is out of date." in refusal(
        closures_app, facility_admin, "confirm", submission="x"
    )


def test_a_refusal_is_said_in_spanish(closures_app: Flask, facility_admin: FlaskClient) -> None:
    token = csrf_token_from(facility_admin.get(SCREEN).get_data(as_text=True))
    facility_admin.post("/language", data={"lang": "es", "csrf_token": token})
    past = local_input(closures_app, utcnow() - timedelta(hours=1))
    page = refusal(closures_app, facility_admin, "preview", until=past)
    assert "El final debe ser en el futuro." in page
    assert ">El elevador A</option>" in facility_admin.get(SCREEN).get_data(as_text=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["element", "reason", "staff_note", "starts", "until"]),
    garbage=st.text(max_size=300),
)
def test_garbage_in_any_field_never_gets_a_500(
    closures_app: Flask, facility_admin: FlaskClient, field: str, garbage: str
) -> None:
    form = closure_form(closures_app, facility_admin, **{field: garbage})
    response = facility_admin.post(SCREEN + "preview", data=form)
    assert response.status_code in (200, 400)
    assert stored(closures_app) == []
