"""The floorplan editor without script, on SQLite and PostgreSQL: every form changes the shared
draft as it says and the live checks follow; undo and redo; a stale save (two admins) is refused
with who saved when and a link to what changed; bad input gets a 4xx and changes nothing; the
draft is reviewed and published as the next version."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from admin.floorplans import drafts
from kiosk.extensions import db
from kiosk.floorplan_versions import live_version
from kiosk.models import StaffRoleName
from tests.admin.floorplans.editor_client import EditorBrowser, editor_browser

NEW_CLINIC = {
    "id": "skin-clinic",
    "name": "Skin Clinic",
    "name_es": "Clínica de la piel",
    "category": "clinic",
    "synonyms": "dermatology, skin doctor",
    "synonyms_es": "dermatología",
    "hours": "Mon-Fri 08:00-17:00",
    "phone": "555 0142",
}


def draft_document(app: Flask) -> dict[str, Any]:
    """The shared draft's document as stored."""
    with app.app_context():
        document: dict[str, Any] = json.loads(drafts.shared_draft().document)
        return document


def ids(document: dict[str, Any], section: str) -> set[str]:
    return {item["id"] for item in document[section]}


def add_clinic_north_of_north_70(browser: EditorBrowser) -> str:
    """A corridor node 8 m north of main-1-north-70 with a new clinic on it; not joined yet."""
    response = browser.edit("add-node", floor="main-1", x="70", y="40", kind="corridor")
    assert response.status_code == 200
    assert "Node: main-1-corridor-1" in browser.page
    browser.edit("save-destination", node="main-1-corridor-1", **NEW_CLINIC)
    return "main-1-corridor-1"


def test_a_corridor_and_clinic_added_with_forms_are_an_error_until_connected(app: Flask) -> None:
    browser = editor_browser(app)
    assert "No problems found" in browser.page
    corridor = add_clinic_north_of_north_70(browser)
    assert "Destination: skin-clinic" in browser.page
    assert 'href="/staff/floorplans/editor/?floor=main-1&amp;select=skin-clinic"' in browser.page
    assert "No problems found" not in browser.page

    response = browser.edit("connect", **{"from": corridor, "to": "main-1-north-70"})
    assert response.status_code == 200
    assert "No problems found" in browser.page
    document = draft_document(app)
    clinic = next(d for d in document["destinations"] if d["id"] == "skin-clinic")
    assert clinic["name_i18n"] == {"es": "Clínica de la piel"}
    assert clinic["synonyms"] == {"en": ["dermatology", "skin doctor"], "es": ["dermatología"]}
    assert f"{corridor}--main-1-north-70-1" in ids(document, "edges")


def test_undo_and_redo_walk_back_and_forth_through_the_edits(app: Flask) -> None:
    browser = editor_browser(app)
    browser.edit("add-node", floor="main-1", x="70", y="40", kind="corridor")
    assert "Undo: add node main-1-corridor-1" in browser.page

    browser.post("undo", floor="main-1")
    assert "main-1-corridor-1" not in ids(draft_document(app), "nodes")
    assert "Redo: add node main-1-corridor-1" in browser.page

    browser.post("redo", floor="main-1")
    assert "main-1-corridor-1" in ids(draft_document(app), "nodes")
    browser.post("redo", floor="main-1")
    assert browser.alert == "There is nothing to undo or redo."


def test_a_stale_save_is_refused_with_who_saved_when_and_what_changed(app: Flask) -> None:
    ana = editor_browser(app, "ana@example.org", full_name="Ana Planner")
    ben = editor_browser(app, "ben@example.org", full_name="Ben Builder")
    ana.edit("add-node", floor="main-1", x="70", y="40", kind="corridor")

    refused = ben.edit("move-node", node="main-1-lobby", x="56", y="10")
    assert refused.status_code == 409
    assert ben.alert.startswith("Ana Planner saved the draft at ")
    assert "Your change was not saved" in ben.alert
    lobby = next(n for n in draft_document(app)["nodes"] if n["id"] == "main-1-lobby")
    assert (lobby["x"], lobby["y"]) == (55, 10)

    changes = ben.client.get("/staff/floorplans/editor/changes?since=1")
    assert changes.status_code == 200
    assert "main-1-corridor-1" in changes.get_data(as_text=True)
    # Ben's page now shows the current draft, so his next save goes through.
    assert ben.edit("move-node", node="main-1-lobby", x="56", y="10").status_code == 200


def test_two_admins_saving_at_once_change_the_draft_once(app: Flask) -> None:
    browsers = [editor_browser(app, f"admin{n}@example.org") for n in (1, 2)]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def save(browser: EditorBrowser, x: str) -> None:
        start.wait()
        statuses.append(browser.edit("add-node", floor="main-1", x=x, y="40").status_code)

    threads = [
        threading.Thread(target=save, args=(b, x)) for b, x in zip(browsers, "12", strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    document = draft_document(app)
    assert [n["id"] for n in document["nodes"] if n["id"].startswith("main-1-corridor-")] == [
        "main-1-corridor-1"
    ]
    with app.app_context():
        assert drafts.shared_draft().revision == 2


BAD_FORMS = [
    (
        "edit",
        {"operation": "add-node", "floor": "main-1", "x": "east", "y": "1"},
        422,
        "needs a number",
    ),
    (
        "edit",
        {"operation": "add-node", "floor": "main-1", "x": "1e999", "y": "1"},
        422,
        "needs a number",
    ),
    ("edit", {"operation": "teleport"}, 422, "not one of the choices"),
    (
        "edit",
        {"operation": "connect", "from": "main-1-lobby", "to": "main-1-lobby"},
        422,
        "two different nodes",
    ),
    ("edit", {"operation": "delete-node", "node": "main-1-cafeteria"}, 422, "stands on this node"),
    ("edit", {"operation": "move-node", "node": "nowhere", "x": "1", "y": "1"}, 422, "no element"),
    (
        "edit",
        {
            "operation": "save-kiosk",
            "id": "k",
            "node": "main-1-lobby",
            "name": "K",
            "heading": "north",
        },
        422,
        "Heading",
    ),
    (
        "edit",
        {"operation": "add-node", "revision": "", "floor": "main-1", "x": "1", "y": "1"},
        400,
        "incomplete",
    ),
    ("undo", {"revision": "x"}, 400, "incomplete"),
    ("publish", {"expected_live": "v1"}, 400, "incomplete"),
]


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(app: Flask) -> None:
    browser = editor_browser(app)
    before = draft_document(app)
    for path, fields, status, words in BAD_FORMS:
        response = browser.post(path, **fields)
        assert response.status_code == status, (path, fields)
        assert words in response.get_data(as_text=True), (path, fields)
    assert draft_document(app) == before


def png_bytes(size: tuple[int, int] = (400, 200)) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", size, "white").save(picture, "PNG")
    return picture.getvalue()


def test_a_png_floor_image_is_stored_and_served_and_svg_or_garbage_is_refused(app: Flask) -> None:
    browser = editor_browser(app)
    refusals = {
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>': "Only PNG",
        b"\x00\x01garbage" * 50: "not an image",
        png_bytes((10, 10)): "too small",
    }
    for data, words in refusals.items():
        response = browser.post("floors/main-2/image", image=(io.BytesIO(data), "floor.png"))
        assert response.status_code == 422
        assert words in browser.alert
    # Over the request limit (lowered here, so the test client keeps the body in memory).
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    huge = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(100 * 1024))
    assert browser.post("floors/main-2/image", image=(huge, "floor.png")).status_code == 413
    assert "That file is too large" in browser.page
    browser.open("floor=main-2")
    assert draft_document(app)["floors"][2]["image"]["href"] == "demo-hospital/main-2.svg"

    response = browser.post("floors/main-2/image", image=(io.BytesIO(png_bytes()), "floor.png"))
    assert response.status_code == 200
    image = draft_document(app)["floors"][2]["image"]
    assert image["href"].startswith("floor-images/main-2-")
    served = browser.client.get("/staff/floorplans/editor/floors/main-2/image")
    assert served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (400, 200)

    scale = {"x1": "0", "y1": "0", "x2": "300", "y2": "400", "distance_m": "50"}
    assert browser.edit("scale-floor", floor="main-2", **scale).status_code == 200
    assert (
        browser.edit("align-floor", floor="main-2", origin_x="-2.5", origin_y="40").status_code
        == 200
    )
    image = draft_document(app)["floors"][2]["image"]
    assert image["metres_per_unit"] == pytest.approx(0.1)
    assert image["origin"] == [-2.5, 40]
    data = browser.client.get("/staff/floorplans/editor/floor-data?floor=main-2").get_json()
    assert data["image"]["north_east"] == [40, pytest.approx(37.5)]
    # Main 1 lies faintly under Main 2 to line the new image up with.
    main_1_spine = [[10, 20], [25, 20]]
    assert main_1_spine in data["reference"]


def test_every_other_form_works_without_script(app: Flask) -> None:
    browser = editor_browser(app)
    browser.edit("set-node", node="main-1-north-85", kind="junction", staff_only="on")
    browser.edit("set-edge", edge="main-1-spine-85--main-1-spine-95", kind="door", one_way="on")
    browser.edit(
        "save-kiosk",
        id="cafe-kiosk",
        node="main-1-cafeteria",
        name="Main Entrance Lobby",
        heading="450",
    )
    # A second kiosk with the first's name is saved, with a warning visitors could mix them up.
    assert "same name as &#39;main-lobby&#39;" in browser.page
    browser.edit(
        "save-landmark", id="big-clock", node="main-1-spine-25", name="Big clock", name_es="Reloj"
    )
    browser.edit(
        "link-connector",
        connector="lift-c",
        kind="elevator",
        stops="main-1-stair-1, main-2-stair-1",
    )
    browser.edit("delete-place", section="landmarks", id="fountain")
    browser.edit("disconnect", edge="main-1-spine-10--main-1-stair-1")
    document = draft_document(app)
    node = next(n for n in document["nodes"] if n["id"] == "main-1-north-85")
    assert (node["kind"], node["access"]) == ("junction", "staff")
    edge = next(e for e in document["edges"] if e["id"] == "main-1-spine-85--main-1-spine-95")
    assert (edge["kind"], edge["one_way"]) == ("door", True)
    kiosk = next(k for k in document["kiosks"] if k["id"] == "cafe-kiosk")
    assert kiosk["heading"] == 90
    assert "big-clock" in ids(document, "landmarks")
    assert "fountain" not in ids(document, "landmarks")
    assert "lift-c" in ids(document, "connectors")
    assert "main-1-spine-10--main-1-stair-1" not in ids(document, "edges")

    browser.edit("delete-node", node="main-1-north-85")
    assert "main-1-north-85" not in ids(draft_document(app), "nodes")
    browser.post("restart", floor="main-1")
    assert "main-1-north-85" in ids(draft_document(app), "nodes")


def test_a_system_admin_sees_the_draft_and_its_checks_but_no_forms(app: Flask) -> None:
    browser = editor_browser(app, role=StaffRoleName.SYSTEM_ADMIN)
    browser.open("floor=main-1&select=main-1-lobby")
    assert "Node: main-1-lobby" in browser.page
    assert "facility admins edit and publish it" in browser.page
    assert 'action="/staff/floorplans/editor/edit"' not in browser.page
    assert 'data-can-edit="false"' in browser.page
    review = browser.client.get("/staff/floorplans/editor/review").get_data(as_text=True)
    assert "What changes" in review
    assert 'action="/staff/floorplans/editor/publish"' not in review


def test_names_with_markup_are_shown_as_text(app: Flask) -> None:
    browser = editor_browser(app)
    corridor = add_clinic_north_of_north_70(browser)
    browser.edit(
        "save-destination",
        node=corridor,
        **{**NEW_CLINIC, "name": '<script>alert("x")</script>'},
    )
    assert '<script>alert("x")</script>' not in browser.page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in browser.page


def test_the_draft_is_reviewed_and_published_as_the_next_version(app: Flask) -> None:
    browser = editor_browser(app)
    corridor = add_clinic_north_of_north_70(browser)
    review = browser.client.get("/staff/floorplans/editor/review").get_data(as_text=True)
    assert "2 errors block publishing" in review
    assert 'action="/staff/floorplans/editor/publish"' not in review
    browser.open("floor=main-1")
    assert browser.post("publish", expected_live="").status_code == 422
    assert browser.alert == "The draft has errors that block publishing. Nothing was published."

    browser.open("floor=main-1")
    browser.edit("connect", **{"from": corridor, "to": "main-1-north-70"})
    browser.page = browser.client.get("/staff/floorplans/editor/review").get_data(as_text=True)
    assert "What changes" in browser.page
    assert "skin-clinic" in browser.page
    response = browser.post("publish", expected_live="", note="Skin clinic opens")
    assert response.status_code == 200
    assert "Version 2 is live." in browser.page
    with app.app_context():
        live = live_version()
        assert live is not None and live.number == 2 and live.note == "Skin clinic opens"
        assert "skin-clinic" in live.document
        assert drafts.shared_draft().base_number == 2
        db.session.remove()

    # Someone else's form from before that publish is refused, and nothing more is stored.
    browser.page = browser.client.get("/staff/floorplans/editor/review").get_data(as_text=True)
    stale = browser.post("publish", expected_live="")
    assert stale.status_code == 409
    assert "was published after you opened this page" in browser.alert
    with app.app_context():
        live = live_version()
        assert live is not None and live.number == 2
