"""The waiting-room board on SQLite and PostgreSQL: only an enrolled board shows calls; a call
made through the queue appears with its desk; undone calls vanish; polls are answered 304 until
something changes; both languages at once; the phone ticket page says where to go."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from admin.queue.actions import apply_action, undo_last_action
from kiosk.extensions import db
from kiosk.models import KioskSession, QueueAction
from tests.admin.board.board_builders import enrol_board, poll
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.builders import add_department

NOW_CALLING = re.compile(
    r'class="call call-now"><span class="ticket">([^<]+)</span> — '
    r'<span class="destination">([^<]*)<'
)


def now_calling(html: str) -> tuple[str, str] | None:
    match = NOW_CALLING.search(html)
    return (match.group(1), match.group(2)) if match else None


def test_an_unenrolled_browser_gets_a_clear_refusal(app: Flask) -> None:
    queue_patient(app)
    page = app.test_client().get("/board/imaging")
    assert page.status_code == 403
    body = page.get_data(as_text=True)
    assert "This screen is not a waiting-room board." in body
    assert "Esta pantalla no es un tablero de la sala de espera." in body
    assert app.test_client().get("/board/").status_code == 403


def test_a_board_enrolled_once_shows_its_area_and_only_its_area(app: Flask) -> None:
    queue_patient(app, 1, department_code="imaging")
    queue_patient(app, 2, department_code="laboratory")
    board = enrol_board(app, "imaging")
    assert board.get_cookie("lobby_board") is not None
    assert board.get_cookie("lobby_kiosk") is None
    assert board.get("/board/").headers["Location"].endswith("/board/imaging")
    page = board.get("/board/imaging")
    assert page.status_code == 200
    assert board.get("/board/laboratory").status_code == 403
    assert board.get("/board/nowhere").status_code == 403
    # A board is no kiosk: it cannot check anyone in.
    assert board.get("/check-in/").status_code == 403
    listed = app.test_cli_runner().invoke(args=["board", "list"]).output
    assert listed.startswith("board-imaging\tarea=imaging\tenrolled\tlast seen 20")


def test_an_unknown_area_cannot_be_enrolled(app: Flask) -> None:
    with app.app_context():
        add_department("imaging")
    result = app.test_cli_runner().invoke(args=["board", "enroll", "nowhere"])
    assert result.exit_code == 2 and "areas are: imaging" in result.output


def test_a_call_appears_with_its_desk_and_an_undone_call_vanishes(app: Flask) -> None:
    first = queue_patient(app, 1)
    second = queue_patient(app, 2)
    board = enrol_board(app, "imaging")
    html = board.get("/board/imaging").get_data(as_text=True)
    assert now_calling(html) is None and "2 people waiting" in html
    with app.app_context():
        apply_action(
            first.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 3"
        )
        apply_action(
            second.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Room 7"
        )
    html = poll(board, "/board/imaging").get_data(as_text=True)
    assert now_calling(html) == (second.label, "Room 7")
    assert (
        f'<span class="ticket">{first.label}</span> — <span class="destination">Desk 3</span>'
        in html
    )
    assert "0 people waiting" in html and "0 personas esperando" in html
    with app.app_context():
        undo_last_action(second.ticket_id, staff_id=coordinator())
    html = poll(board, "/board/imaging").get_data(as_text=True)
    assert now_calling(html) == (first.label, "Desk 3")
    assert "Room 7" not in html and "1 person waiting" in html


def test_polls_are_answered_304_until_the_queue_changes(app: Flask) -> None:
    queued = queue_patient(app)
    board = enrol_board(app, "imaging")
    with app.app_context():
        sessions_after_enrolment = db.session.scalar(select(func.count(KioskSession.id_hash)))
    first = poll(board, "/board/imaging")
    etag = first.headers["ETag"].strip('"')
    assert first.status_code == 200
    unchanged = poll(board, "/board/imaging", etag)
    assert (unchanged.status_code, unchanged.data) == (304, b"")
    with app.app_context():  # polling all day adds no session rows
        sessions = db.session.scalar(select(func.count(KioskSession.id_hash)))
        assert sessions == sessions_after_enrolment
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 1"
        )
    changed = poll(board, "/board/imaging", etag)
    assert changed.status_code == 200 and changed.headers["ETag"].strip('"') != etag
    queue_patient(app, 2)
    assert poll(board, "/board/imaging", changed.headers["ETag"].strip('"')).status_code == 200
    # The full page hands its script the part's current ETag, so the first poll is a 304.
    page = board.get("/board/imaging").get_data(as_text=True)
    current = re.search(r'data-etag="([0-9a-f]+)"', page)
    assert current and poll(board, "/board/imaging", current.group(1)).status_code == 304


def test_the_board_speaks_english_and_spanish_at_once(app: Flask) -> None:
    queue_patient(app)
    html = enrol_board(app, "imaging").get("/board/imaging").get_data(as_text=True)
    assert '<span class="said" lang="en">Now calling</span>' in html
    assert '<span class="said" lang="es">Llamando ahora</span>' in html
    assert '<html lang="en">' in html


def test_a_named_area_groups_departments(app: Flask) -> None:
    app.config["BOARD_AREAS"] = {
        "east-wing": {
            "departments": ["imaging", "laboratory"],
            "title": {"en": "East wing", "es": "Ala este"},
        }
    }
    imaging = queue_patient(app, 1, department_code="imaging")
    lab = queue_patient(app, 2, department_code="laboratory")
    with app.app_context():
        apply_action(
            imaging.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 1"
        )
        apply_action(lab.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 2")
    html = enrol_board(app, "east-wing").get("/board/east-wing").get_data(as_text=True)
    assert imaging.label in html and lab.label in html
    assert "East wing" in html and "Ala este" in html


def test_the_phone_ticket_page_says_which_desk_to_go_to(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 3"
        )
    path = f"/t/{queued.token}"
    english = app.test_client().get(path + "?lang=en").get_data(as_text=True)
    assert "Your number has been called. Please go to Desk 3 now." in english
    spanish = app.test_client().get(path + "?lang=es").get_data(as_text=True)
    assert "Han llamado a su número. Vaya ahora a Desk 3, por favor." in spanish
