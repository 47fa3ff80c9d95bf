"""New insurance cards in the review queue, on SQLite and PostgreSQL: photos decrypted only for
reviewers, never stored by the browser, every view audited; accept, correct, or reject with a
reason; hostile stored files shown as a placeholder; two reviewers at once decide once."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select

from admin.review import cards
from admin.review.card_forms import CardDetails, Rejection, parse_card_details
from admin.review.summary import pending_counts, review_url_for_check_in
from kiosk.extensions import db
from kiosk.models import CheckIn, InsuranceCoverage, StaffRoleName
from kiosk.uploads.secure_store import store_for
from tests.admin.review_builders import arrival_with_new_card, race, signed_in_reviewer
from tests.builders import audit_events, enrolled_client
from tests.helpers import csrf_token_from


def coverage(coverage_id: int) -> InsuranceCoverage:
    db.session.expire_all()
    found = db.session.get(InsuranceCoverage, coverage_id)
    assert found is not None
    return found


def post_form(client: FlaskClient, page: str, action: str, **data: str) -> tuple[int, str]:
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    response = client.post(action, data={"csrf_token": token, **data})
    return response.status_code, response.get_data(as_text=True)


def card_page(arrival_coverage_id: int) -> str:
    return f"/staff/review/cards/{arrival_coverage_id}"


def test_the_queue_lists_the_card_with_who_arrived_when_and_where(app: Flask) -> None:
    arrival = arrival_with_new_card(app, place="east-entrance")
    client, _account = signed_in_reviewer(app)
    listing = client.get("/staff/review/")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Card1 H." in html and "Holder1" not in html
    assert "at kiosk east-entrance (east-entrance)" in html
    assert card_page(arrival.coverage_id) in html
    with app.app_context():
        assert pending_counts().cards == 1


@pytest.mark.parametrize("role", list(StaffRoleName))
def test_every_reviewer_role_sees_the_photo_decrypted_never_stored_and_audited(
    app: Flask, role: StaffRoleName
) -> None:
    arrival = arrival_with_new_card(app)
    client, account = signed_in_reviewer(app, role)
    page = client.get(card_page(arrival.coverage_id))
    assert page.status_code == 200 and "Card1 Holder1" in page.get_data(as_text=True)
    for side in ("front", "back"):
        photo = client.get(f"{card_page(arrival.coverage_id)}/{side}")
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
        assert photo.headers["Cache-Control"] == "no-store"
        with Image.open(io.BytesIO(photo.data)) as shown:
            assert shown.format == "JPEG" and shown.size == (800, 500)
    with app.app_context():
        views = audit_events("insurance_card_viewed")
        assert [event.detail["choice"] for event in views] == ["front", "back"]
        assert {event.patient_id for event in views} == {arrival.patient_id}
        assert {event.detail["staff_id"] for event in views} == {account.id}
        assert all(event.detail["reason"] == "shown" for event in views)
        [opened] = audit_events("review_item_opened")
        assert (opened.patient_id, opened.detail["staff_id"]) == (arrival.patient_id, account.id)


def test_strangers_and_kiosks_never_see_a_card(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    photo_path = f"{card_page(arrival.coverage_id)}/front"
    anonymous = app.test_client().get(photo_path)
    assert anonymous.status_code == 302 and "/staff/sign-in" in anonymous.headers["Location"]
    kiosk = enrolled_client(app, "west-lobby").get(photo_path)
    assert kiosk.status_code == 403 and kiosk.mimetype == "text/html"
    with app.app_context():
        assert audit_events("insurance_card_viewed") == []


def hostile_photo(kind: str) -> bytes:
    if kind == "bomb":
        # A PNG header claiming 60000 × 60000 pixels: decoding it would take 10 GB.
        image = Image.new("1", (60000, 60000))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
    if kind == "html":
        return b"<html><script>alert(1)</script></html>"
    return b"\xff\xd8\xff\xe0" + b"\x00" * 64  # a JPEG that ends after its first bytes


@pytest.mark.parametrize("kind", ["bomb", "html", "truncated", "missing"])
def test_a_stored_photo_that_cannot_be_shown_gives_a_placeholder_not_an_error(
    app: Flask, kind: str
) -> None:
    arrival = arrival_with_new_card(app)
    with app.app_context():
        stored = coverage(arrival.coverage_id)
        if kind == "missing":
            store_for(app).delete(stored.front_image or "")
        else:
            stored.front_image = store_for(app).put(hostile_photo(kind), purpose="card_front")
        db.session.commit()
    client, _account = signed_in_reviewer(app)
    shown = client.get(f"{card_page(arrival.coverage_id)}/front")
    assert shown.status_code == 200 and shown.mimetype == "image/svg+xml"
    assert "This photo cannot be shown." in shown.get_data(as_text=True)
    assert "<script" not in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    assert client.get(f"{card_page(arrival.coverage_id)}/back").mimetype == "image/jpeg"
    with app.app_context():
        reasons = [event.detail["reason"] for event in audit_events("insurance_card_viewed")]
        assert reasons == ["unavailable", "shown"]


def test_accepting_as_read_and_correcting_are_recorded_and_audited(app: Flask) -> None:
    first = arrival_with_new_card(app, 1)
    second = arrival_with_new_card(app, 2)
    client, account = signed_in_reviewer(app)
    page = card_page(first.coverage_id)
    status, _html = post_form(
        client, page, f"{page}/accept", payer="Example Health", member_id=first.member_id
    )
    assert status == 303
    page = card_page(second.coverage_id)
    status, _html = post_form(
        client,
        page,
        f"{page}/accept",
        payer="  Example   Health ",
        member_id="new 000 22",
        group_number="grp-7",
    )
    assert status == 303
    with app.app_context():
        accepted, corrected = coverage(first.coverage_id), coverage(second.coverage_id)
        assert (accepted.review_outcome, accepted.needs_review) == ("corrected", False)
        assert (corrected.payer, corrected.member_id, corrected.group_number) == (
            "Example Health",
            "NEW00022",
            "GRP-7",
        )
        assert corrected.reviewed_by == account.id and corrected.reviewed_at is not None
        assert [e.detail["choice"] for e in audit_events("insurance_reviewed")] == [
            "corrected",
            "corrected",
        ]
        assert pending_counts().cards == 0
        # What the kiosk recorded, confirmed unchanged, is an acceptance, not a correction.
        assert (
            cards.accept_card(
                arrival_with_new_card(app, 3).coverage_id,
                CardDetails("", "NEW0003", ""),
                staff_id=account.id,
            )
            == "accepted"
        )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"payer": "", "member_id": "A1"}, "Enter the insurance company"),
        ({"payer": "X", "member_id": ""}, "Enter the member ID"),
        ({"payer": "X", "member_id": "A1<script>"}, "letters, digits and hyphens only"),
        ({"payer": "X", "member_id": "A1", "group_number": "G/1"}, "A group number has"),
        ({"payer": "X" * 121, "member_id": "A1"}, "too long"),
    ],
)
def test_wrong_details_get_a_clear_message_and_change_nothing(
    app: Flask, form: dict[str, str], message: str
) -> None:
    arrival = arrival_with_new_card(app)
    client, _account = signed_in_reviewer(app)
    page = card_page(arrival.coverage_id)
    status, html = post_form(client, page, f"{page}/accept", **form)
    assert status == 422 and message in html and 'aria-invalid="true"' in html
    with app.app_context():
        assert coverage(arrival.coverage_id).needs_review
        assert audit_events("insurance_reviewed") == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payer=st.text(max_size=150),
    member_id=st.text(max_size=60),
    group_number=st.text(max_size=60),
)
def test_any_typed_details_are_accepted_clean_or_refused_with_a_message(
    payer: str, member_id: str, group_number: str
) -> None:
    details, problems = parse_card_details(
        {"payer": payer, "member_id": member_id, "group_number": group_number}
    )
    assert (details is None) == bool(problems)
    if details is not None:
        assert (
            details.payer and len(details.payer) <= 120 and details.payer == details.payer.strip()
        )
        assert details.member_id.replace("-", "").isalnum() and details.member_id.isascii()
        assert details.member_id == details.member_id.upper()
        assert " " not in details.group_number and len(details.group_number) <= 40


def test_rejecting_needs_a_reason_and_words_for_another_reason(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    client, account = signed_in_reviewer(app)
    page = card_page(arrival.coverage_id)
    status, html = post_form(client, page, f"{page}/reject")
    assert status == 422 and "Choose why the card is rejected." in html
    status, html = post_form(client, page, f"{page}/reject", reason="other", note="  ")
    assert status == 422 and "Write why the card is rejected." in html
    status, html = post_form(client, page, f"{page}/reject", reason="expired", note="Ended 2025")
    assert status == 303
    with app.app_context():
        rejected = coverage(arrival.coverage_id)
        assert (rejected.review_outcome, rejected.rejection_reason) == ("rejected", "expired")
        assert rejected.rejection_note == "Ended 2025" and not rejected.needs_review
        [audit] = audit_events("insurance_reviewed")
        assert audit.detail == {"choice": "rejected", "reason": "expired", "staff_id": account.id}


def test_the_spanish_page_offers_the_reasons_in_spanish(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    client, _account = signed_in_reviewer(app)
    page = card_page(arrival.coverage_id)
    status, _html = post_form(client, page, "/language", lang="es", next=page)
    assert status in (302, 303)
    html = client.get(page).get_data(as_text=True)
    assert "La tarjeta está vencida" in html and "Aceptar tarjeta" in html


def test_a_card_a_colleague_decided_meanwhile_says_who_and_when_and_changes_nothing(
    app: Flask,
) -> None:
    arrival = arrival_with_new_card(app)
    mine, _me = signed_in_reviewer(app, email="me@example.org")
    theirs, colleague = signed_in_reviewer(app, email="ana@example.org", name="Ana Desk")
    page = card_page(arrival.coverage_id)
    my_token = csrf_token_from(mine.get(page).get_data(as_text=True))
    status, _html = post_form(theirs, page, f"{page}/reject", reason="unreadable")
    assert status == 303
    late = mine.post(
        f"{page}/accept",
        data={"csrf_token": my_token, "payer": "Example Health", "member_id": "X1"},
    )
    html = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "This was already decided by Ana Desk at " in html
    with app.app_context():
        decided = coverage(arrival.coverage_id)
        assert (decided.review_outcome, decided.reviewed_by) == ("rejected", colleague.id)
        assert decided.member_id == arrival.member_id
        assert len(audit_events("insurance_reviewed")) == 1


def test_two_reviewers_deciding_at_once_decide_once(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    for _round in range(3):
        with app.app_context():
            reset = coverage(arrival.coverage_id)
            reset.needs_review = True
            db.session.commit()
        outcomes = race(
            app,
            [
                lambda index=index: cards.accept_card(
                    arrival.coverage_id,
                    CardDetails("Payer", f"MEMBER{index}", ""),
                    staff_id=100 + index,
                )
                for index in range(2)
            ],
        )
        assert sorted(outcomes) == ["decided", "refused"], outcomes
        with app.app_context():
            decided = coverage(arrival.coverage_id)
            winner = outcomes.index("decided")
            assert (decided.reviewed_by, decided.member_id) == (100 + winner, f"MEMBER{winner}")
            assert len(audit_events("insurance_reviewed")) == _round + 1


def test_a_today_rows_new_card_flag_leads_to_the_card(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    with app.app_context(), app.test_request_context():
        check_in_id = db.session.scalar(
            select(CheckIn.id).where(CheckIn.patient_id == arrival.patient_id)
        )
        assert check_in_id is not None
        assert review_url_for_check_in(check_in_id) == card_page(arrival.coverage_id)
        cards.reject_card(arrival.coverage_id, Rejection("unreadable", ""), staff_id=1)
        assert review_url_for_check_in(check_in_id) is None


def test_markup_in_a_name_and_a_note_stays_text(app: Flask) -> None:
    arrival = arrival_with_new_card(app, first_name="<script>alert(1)</script>")
    client, _account = signed_in_reviewer(app)
    assert "<script>alert" not in client.get("/staff/review/").get_data(as_text=True)
    page = card_page(arrival.coverage_id)
    status, html = post_form(
        client, page, f"{page}/reject", reason="other", note="<img src=x onerror=alert(1)>"
    )
    assert status == 303
    html = client.get(page).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
