"""Patient check-in through the kiosk screens, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path

import pytest
import qrcode
from flask import Flask
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    CheckIn,
    Consent,
    ContactChange,
    InsuranceCoverage,
    Patient,
    PrinterState,
    PrinterStatus,
    PrintJob,
)
from kiosk.printing.preview import receipt_text
from kiosk.uploads.secure_store import store_for
from tests.builders import add_department, book_patient
from tests.flows import KioskVisit, ticket_labels


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def jpeg_card() -> bytes:
    image = Image.new("RGB", (1600, 1000), (40, 90, 160))
    ImageDraw.Draw(image).text((100, 100), "EXAMPLE HEALTH  XKZ 99", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def signature_data_url() -> str:
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    stroke = (50, 200, 300, 80, 600, 220, 850, 90)
    ImageDraw.Draw(image).line(stroke, fill=(17, 24, 39, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_check_in_by_code_gives_a_ticket_and_queues_its_receipt(app: Flask) -> None:
    booked = book_patient(app)
    done = KioskVisit(app).check_in_by_code(booked.code)
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert ticket_labels(html) == ["R-001"]
    assert "Please bring your referral." in html
    assert booked.last_name not in html and booked.mrn not in html
    with app.app_context():
        appointment = db.session.get(Appointment, booked.appointment_ids[0])
        assert appointment is not None and appointment.status is AppointmentStatus.ARRIVED
        (job,) = db.session.scalars(select(PrintJob)).all()
        assert job.purpose == "ticket"
        assert "R-001" in receipt_text(job.payload, job.printer_profile)
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"lookup_success", "check_in"} <= actions


def test_check_in_by_last_name_and_birth_date_ignores_case_and_accents(app: Flask) -> None:
    booked = book_patient(app, last_name="Núñez")
    visit = KioskVisit(app)
    response = visit.identify_by_name("NUNEZ", booked.date_of_birth)
    assert response.headers["Location"] == "/check-in/confirm"
    confirm = visit.client.get("/check-in/confirm").get_data(as_text=True)
    assert "Is this you, Ana N.?" in confirm
    assert "1984" not in confirm and "Núñez" not in confirm  # minimum necessary


def test_several_appointments_can_all_be_checked_in_at_once(app: Flask) -> None:
    booked = book_patient(app, starts_in_minutes=(5, 25))
    visit = KioskVisit(app)
    assert visit.identify_by_code(booked.code).headers["Location"] == "/check-in/choose"
    assert visit.post("/check-in/choose", appointment="all").status_code == 303
    visit.answer_through_to_consent()
    visit.post("/check-in/consent", method="tap")
    labels = ticket_labels(visit.client.get("/check-in/done").get_data(as_text=True))
    assert labels == ["R-001", "R-002"]
    assert count(app, CheckIn) == 2 and count(app, PrintJob) == 2


def without_tokens(html: str) -> str:
    return re.sub(r'(csrf_token" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def test_every_failed_lookup_gets_the_same_answer(app: Flask) -> None:
    booked = book_patient(app)
    answers = []
    kiosk = KioskVisit(app)
    for attempt in ("wrong name", "wrong birth date", "unknown code", "malformed code"):
        visit = kiosk.next_person(app)
        if attempt == "wrong name":
            response = visit.identify_by_name("Smith", booked.date_of_birth)
        elif attempt == "wrong birth date":
            response = visit.identify_by_name(booked.last_name, date(1984, 3, 13))
        elif attempt == "unknown code":
            response = visit.identify_by_code("ZZZZ-ZZZZ")
        else:
            response = visit.identify_by_code("hello")
        answers.append((response.status_code, without_tokens(response.get_data(as_text=True))))
    assert len(set(answers)) == 1
    status, body = answers[0]
    assert status == 422 and "We could not check you in here" in body


def test_repeated_failures_are_throttled_even_for_correct_details(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    statuses = [visit.identify_by_code("ZZZZ-ZZZ0").status_code for _ in range(13)]
    assert statuses == [422] * 12 + [429]
    blocked = visit.identify_by_code(booked.code)
    assert blocked.status_code == 429
    assert "Please wait 10 minutes and try again" in blocked.get_data(as_text=True)
    visit.post("/language", lang="es", next="/check-in/code")
    spanish = visit.identify_by_code(booked.code).get_data(as_text=True)
    assert "Espere 10 minutos e inténtelo de nuevo" in spanish


def test_a_browser_that_is_not_a_kiosk_is_sent_to_the_desk(app: Flask) -> None:
    response = app.test_client().get("/check-in/")
    assert response.status_code == 403
    assert "front desk" in response.get_data(as_text=True)


def test_impossible_and_future_birth_dates_are_explained(app: Flask) -> None:
    visit = KioskVisit(app)
    visit.post("/check-in/name", last_name="Núñez")
    cases = {
        ("31", "2", "1984"): "That date does not exist",
        ("1", "1", "2999"): "Please check the year",
        ("x", "1", "1984"): "as numbers",
        ("1", "13", "1984"): "That date does not exist",
    }
    for (day, month, year), message in cases.items():
        response = visit.post("/check-in/birth-date", day=day, month=month, year=year)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    # The last name typed earlier is still there for the next try.
    assert visit.client.get("/check-in/birth-date").status_code == 200


def test_new_card_photos_are_stored_encrypted_and_flagged_for_review(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.answer_through_to_consent(insurance="new")
    fake = visit.post("/check-in/insurance/card/front", photo=(io.BytesIO(b"%PDF-1.4"), "c.jpg"))
    assert fake.status_code == 422 and "JPEG, PNG or WebP" in fake.get_data(as_text=True)
    for side in ("front", "back"):
        photo = (io.BytesIO(jpeg_card()), "card.jpg")
        assert visit.post(f"/check-in/insurance/card/{side}", photo=photo).status_code == 303
    assert visit.post("/check-in/insurance/details", member_id="NEW 555 1234").status_code == 303
    masked = visit.client.get("/check-in/insurance/details").get_data(as_text=True)
    assert "ending 1234" in masked and "NEW5551234" not in masked
    visit.post("/check-in/consent", method="tap")
    with app.app_context():
        coverage = db.session.scalar(
            select(InsuranceCoverage).where(InsuranceCoverage.source == "kiosk")
        )
        assert coverage is not None and coverage.needs_review
        assert coverage.member_id == "NEW5551234"
        assert coverage.front_image and coverage.back_image
        store = store_for(app)
        for name, side in ((coverage.front_image, "front"), (coverage.back_image, "back")):
            sealed = (store.root / name).read_bytes()
            photo = store.get(name, purpose=f"card_{side}")
            # The photo decrypts to a JPEG, and no stretch of it is readable on disk. (Random
            # ciphertext contains a 3-byte marker such as the JPEG magic by chance now and
            # then, so the check is on long runs of the photo itself, which cannot.)
            assert photo.startswith(b"\xff\xd8\xff") and not sealed.startswith(b"\xff\xd8")
            runs = [photo[start : start + 64] for start in range(0, len(photo) - 64, 997)]
            assert runs and not any(run in sealed for run in runs)


def test_changed_phone_is_held_for_review_not_written(app: Flask) -> None:
    booked = book_patient(app, phone="5550100101")
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.post("/check-in/confirm", answer="yes")
    assert "ending in 0101" in visit.client.get("/check-in/contact").get_data(as_text=True)
    visit.post("/check-in/contact", answer="change")
    assert visit.post("/check-in/contact/phone", phone="12").status_code == 422
    assert visit.post("/check-in/contact/phone", phone="(555) 010-9999").status_code == 303
    visit.post("/check-in/insurance", choice="self_pay")
    visit.post("/check-in/consent", method="tap")
    with app.app_context():
        patient = db.session.get(Patient, booked.patient_id)
        assert patient is not None and patient.phone == "5550100101"
        change = db.session.scalar(select(ContactChange))
        assert change is not None and (change.new_value, change.status) == ("5550109999", "pending")


def test_signature_is_stored_encrypted_and_a_blank_one_is_refused(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.answer_through_to_consent()
    blank = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, "PNG")
    empty = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    refused = visit.post("/check-in/consent", method="signature", signature=empty)
    assert refused.status_code == 422 and "sign with your finger" in refused.get_data(as_text=True)
    signed = visit.post("/check-in/consent", method="signature", signature=signature_data_url())
    assert signed.status_code == 303
    with app.app_context():
        consent = db.session.scalar(select(Consent))
        assert consent is not None and consent.method == "signature" and consent.signature_file


def test_double_tap_on_check_in_makes_one_check_in(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.answer_through_to_consent()
    first = visit.post("/check-in/consent", method="tap")
    second = visit.post("/check-in/consent", method="tap")
    assert first.headers["Location"] == second.headers["Location"] == "/check-in/done"
    assert count(app, CheckIn) == 1 and count(app, PrintJob) == 1


def test_same_appointment_from_two_kiosks_checks_in_once(app: Flask) -> None:
    booked = book_patient(app, last_name="Okafor", mrn="TEST-0002")
    here = KioskVisit(app, place="main-lobby")
    there = KioskVisit(app, place="east-lobby")
    for visit in (here, there):
        visit.identify_by_name("Okafor", booked.date_of_birth)
        visit.answer_through_to_consent()
    assert here.post("/check-in/consent", method="tap").status_code == 303
    late = there.post("/check-in/consent", method="tap")
    assert late.status_code == 409
    assert "already checked in" in late.get_data(as_text=True)
    assert count(app, CheckIn) == 1


def test_nothing_is_readable_after_the_screen_resets(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.post("/check-in/confirm", answer="yes")
    old_cookie = visit.client.get_cookie("lobby_session")
    assert old_cookie is not None
    visit.post("/reset")
    for path in ("/check-in/confirm", "/check-in/contact", "/check-in/done"):
        response = visit.client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/check-in/"
    replay = visit.client
    replay.set_cookie("lobby_session", old_cookie.value)
    assert replay.get("/check-in/contact").headers["Location"] == "/check-in/"
    assert "0101" not in replay.get("/check-in/contact", follow_redirects=True).get_data(
        as_text=True
    )


def test_walk_in_gets_a_ticket_and_is_flagged_unverified(app: Flask) -> None:
    with app.app_context():
        add_department("laboratory", "L")
    visit = KioskVisit(app)
    visit.post("/find/step-free", step_free="off", next="/find/")  # stairs are fine: no question
    assert visit.post("/check-in/walk-in", first_name="Sam", last_name="1234").status_code == 422
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    assert visit.post("/check-in/walk-in/department", department="laboratory").status_code == 303
    assert ticket_labels(visit.client.get("/check-in/done").get_data(as_text=True)) == ["L-001"]
    with app.app_context():
        patient = db.session.scalar(select(Patient))
        assert patient is not None and patient.verified is False


def test_ticket_status_page_on_the_phone_shows_the_queue_not_the_patient(app: Flask) -> None:
    first = book_patient(app)
    second = book_patient(
        app,
        first_name="Liam",
        last_name="Brennan",
        mrn="TEST-0003",
        date_of_birth=date(1979, 11, 2),
    )
    KioskVisit(app).check_in_by_code(first.code)
    done = KioskVisit(app, place="east-lobby").check_in_by_code(second.code)
    qr = re.search(r'src="(/t/[^"/]+)/qr\.svg"', done.get_data(as_text=True))
    assert qr is not None
    page = app.test_client().get(qr.group(1))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "R-002" in body
    assert "1 person is waiting before you" in body
    assert "Brennan" not in body and "Liam" not in body and "1979" not in body
    status_only = app.test_client().get(qr.group(1), headers={"HX-Request": "true"})
    assert "<html" not in status_only.get_data(as_text=True)
    assert "1 person is waiting before you" in status_only.get_data(as_text=True)
    assert app.test_client().get("/t/not-a-ticket").status_code == 404


def test_photos_of_an_abandoned_check_in_are_deleted_at_once(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.answer_through_to_consent(insurance="new")
    protected = Path(app.instance_path) / "protected"
    before = {p for p in protected.rglob("*") if p.is_file()} if protected.exists() else set()
    visit.post("/check-in/insurance/card/front", photo=(io.BytesIO(jpeg_card()), "card.jpg"))
    assert len({p for p in protected.rglob("*") if p.is_file()} - before) == 1
    visit.post("/reset")
    assert {p for p in protected.rglob("*") if p.is_file()} - before == set()


def test_every_screen_showing_patient_data_is_audited(app: Flask) -> None:
    booked = book_patient(app, starts_in_minutes=(5, 25))
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.client.get("/check-in/choose")
    visit.post("/check-in/choose", appointment="all")
    visit.client.get("/check-in/confirm")
    visit.post("/check-in/confirm", answer="yes")
    visit.client.get("/check-in/contact")
    visit.post("/check-in/contact", answer="yes")
    visit.client.get("/check-in/insurance")
    visit.post("/check-in/insurance", choice="same")
    visit.post("/check-in/consent", method="tap")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [event.action for event in events]
    for action in (
        "lookup_success",
        "appointments_viewed",
        "patient_confirm_viewed",
        "contact_viewed",
        "insurance_viewed",
        "consent_signed",
        "check_in",
    ):
        assert action in actions
    assert all(event.kiosk_id is not None for event in events)
    assert all(event.patient_id == booked.patient_id for event in events)


def test_appointment_letter_qr_code_read_by_the_kiosk_camera(app: Flask) -> None:
    booked = book_patient(app)
    letter = qrcode.make(booked.code, box_size=12, border=4).get_image().convert("RGB")
    photo = Image.new("RGB", (1400, 1000), (235, 235, 230))
    photo.paste(letter, (300, 150))
    frame = io.BytesIO()
    photo.save(frame, "JPEG", quality=92)
    visit = KioskVisit(app)
    response = visit.post("/check-in/code/photo", frame=(io.BytesIO(frame.getvalue()), "f.jpg"))
    assert response.status_code == 303 and response.headers["Location"] == "/check-in/confirm"
    blank = io.BytesIO()
    Image.new("RGB", (1400, 1000), (235, 235, 230)).save(blank, "JPEG")
    unreadable = visit.post("/check-in/code/photo", frame=(io.BytesIO(blank.getvalue()), "f.jpg"))
    assert unreadable.status_code == 422
    assert "could not read a code" in unreadable.get_data(as_text=True)


def test_offline_printer_still_checks_in_and_shows_the_ticket(app: Flask) -> None:
    booked = book_patient(app)
    with app.app_context():
        db.session.add(
            PrinterStatus(printer_uri="dummy://", state=PrinterState.OFFLINE, last_error="offline")
        )
        db.session.commit()
    done = KioskVisit(app).check_in_by_code(booked.code).get_data(as_text=True)
    assert ticket_labels(done) == ["R-001"]
    assert "The printer is not working" in done and "front desk can print your ticket" in done
    with app.app_context():
        (job,) = db.session.scalars(select(PrintJob)).all()
        assert job.purpose == "ticket"  # queued: the desk can reprint it with print-jobs


BACK_LINK = re.compile(r'<a class="button button-secondary" href="([^"]+)">Back</a>')


def back_link(html: str) -> str:
    """Where a check-in screen's Back button goes."""
    match = BACK_LINK.search(html)
    assert match, "screen has no Back button"
    return match.group(1)


def test_back_goes_to_the_previous_question_not_the_start(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    screen = visit.client.get
    assert back_link(screen("/check-in/confirm").get_data(as_text=True)) == "/check-in/code"
    visit.post("/check-in/confirm", answer="yes")
    assert back_link(screen("/check-in/contact").get_data(as_text=True)) == "/check-in/confirm"
    visit.post("/check-in/contact", answer="yes")
    assert back_link(screen("/check-in/insurance").get_data(as_text=True)) == "/check-in/contact"
    visit.post("/check-in/insurance", choice="same")
    assert back_link(screen("/check-in/consent").get_data(as_text=True)) == "/check-in/insurance"
    # Back really shows the earlier question again, still answered.
    assert "ending in 0101" in screen("/check-in/contact").get_data(as_text=True)


def test_back_after_a_name_lookup_with_several_appointments_returns_to_the_choice(
    app: Flask,
) -> None:
    booked = book_patient(app, starts_in_minutes=(5, 30))
    visit = KioskVisit(app)
    assert visit.client.get("/check-in/name").status_code == 200
    visit.post("/check-in/name", last_name=booked.last_name)
    dob = visit.client.get("/check-in/birth-date").get_data(as_text=True)
    assert back_link(dob) == "/check-in/name"
    visit.post(
        "/check-in/birth-date",
        day=str(booked.date_of_birth.day),
        month=str(booked.date_of_birth.month),
        year=str(booked.date_of_birth.year),
    )
    assert back_link(visit.client.get("/check-in/choose").get_data(as_text=True)) == (
        "/check-in/name"
    )
    visit.post("/check-in/choose", appointment="all")
    assert back_link(visit.client.get("/check-in/confirm").get_data(as_text=True)) == (
        "/check-in/choose"
    )


def test_a_patient_without_a_phone_on_file_goes_back_from_insurance_to_confirm(
    app: Flask,
) -> None:
    booked = book_patient(app, phone="")
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.post("/check-in/confirm", answer="yes")
    assert visit.client.get("/check-in/contact").headers["Location"] == "/check-in/insurance"
    insurance = visit.client.get("/check-in/insurance").get_data(as_text=True)
    assert back_link(insurance) == "/check-in/confirm"


def test_a_phone_number_with_a_mistake_is_shown_again_to_correct(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.post("/check-in/confirm", answer="yes")
    refused = visit.post("/check-in/contact/phone", phone="555 01")
    assert refused.status_code == 422
    assert 'value="555 01"' in refused.get_data(as_text=True)
    escaped = visit.post("/check-in/contact/phone", phone='"><script>')
    assert escaped.status_code == 422 and "<script>" not in escaped.get_data(as_text=True)


def test_an_early_patient_is_sent_to_the_desk_not_told_to_retype(app: Flask) -> None:
    booked = book_patient(app, starts_in_minutes=(90,))
    visit = KioskVisit(app)
    for response in (
        visit.identify_by_code(booked.code),
        visit.identify_by_name(booked.last_name, booked.date_of_birth),
    ):
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Please see the front desk" in page and "check what you typed" not in page


def test_a_patient_already_checked_in_is_told_so_when_they_try_again(app: Flask) -> None:
    booked = book_patient(app)
    first = KioskVisit(app)
    first.check_in_by_code(booked.code)
    again = first.next_person(app).identify_by_name(booked.last_name, booked.date_of_birth)
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "You have already checked in" in page and "check what you typed" not in page


DATE_BOX = re.compile(r'<input name="(day|month|year)" id="dob-')


@pytest.mark.parametrize(
    ("order", "boxes"),
    [
        (None, ["month", "day", "year"]),  # the default: a US facility
        ("DMY", ["day", "month", "year"]),
        ("ymd", ["year", "month", "day"]),
        ("MMY", ["month", "day", "year"]),  # not an order: the default, never a missing box
    ],
)
def test_date_of_birth_boxes_follow_the_facilitys_order(
    app: Flask, order: str | None, boxes: list[str]
) -> None:
    if order is not None:
        app.config["BIRTH_DATE_ORDER"] = order
    visit = KioskVisit(app)
    visit.post("/check-in/name", last_name="Okafor")
    lookup = visit.client.get("/check-in/birth-date").get_data(as_text=True)
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    walk_in = visit.client.get("/check-in/walk-in/birth-date").get_data(as_text=True)
    assert DATE_BOX.findall(lookup) == DATE_BOX.findall(walk_in) == boxes
