"""Queue tickets: statuses the staff queue can move them through, and a phone status page that
opens in the language the patient checked in with."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import (
    ContactChange,
    ContactChangeStatus,
    PrintJob,
    QueueTicket,
    QueueTicketStatus,
)
from kiosk.printing.preview import QRSymbol, read_paper
from kiosk.printing.profiles import printer_profile
from tests.builders import book_patient
from tests.flows import KioskVisit


def printed_qr_path(app: Flask) -> str:
    """The path the QR code on the (only) printed ticket opens."""
    with app.app_context():
        job = db.session.scalars(select(PrintJob).where(PrintJob.purpose == "ticket")).one()
        paper = read_paper(job.payload, printer_profile(job.printer_profile))
    [qr] = [item for item in paper if isinstance(item, QRSymbol)]
    return urlsplit(qr.data).path


def test_a_spanish_check_in_prints_a_qr_code_that_opens_a_spanish_page(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.post("/language", lang="es", next="/check-in/")
    visit.check_in_by_code(booked.code)
    page = app.test_client().get(printed_qr_path(app))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es"' in body and "Usted es el siguiente." in body
    # The page's own language links still switch it.
    english = app.test_client().get(printed_qr_path(app) + "?lang=en").get_data(as_text=True)
    assert "You&#39;re next." in english


def test_an_english_check_in_opens_the_page_in_english(app: Flask) -> None:
    booked = book_patient(app)
    KioskVisit(app).check_in_by_code(booked.code)
    body = app.test_client().get(printed_qr_path(app) + "?lang=xx").get_data(as_text=True)
    assert '<html lang="en"' in body and "You&#39;re next." in body


def test_ticket_and_contact_change_statuses_are_enums_on_both_databases(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    assert visit.identify_by_code(booked.code).status_code == 303
    visit.post("/check-in/confirm", answer="yes")
    visit.post("/check-in/contact", answer="change")
    visit.post("/check-in/contact/phone", phone="5550109999")
    visit.post("/check-in/insurance", choice="self_pay")
    visit.post("/check-in/consent", method="tap")
    with app.app_context():
        ticket = db.session.scalars(select(QueueTicket)).one()
        change = db.session.scalars(select(ContactChange)).one()
        assert ticket.status is QueueTicketStatus.WAITING
        assert change.status is ContactChangeStatus.PENDING
        for status in QueueTicketStatus:
            ticket.status = status
            db.session.commit()
            db.session.expire_all()
            assert db.session.get(QueueTicket, ticket.id).status is status  # type: ignore[union-attr]
        for decision in ContactChangeStatus:
            change.status = decision
            db.session.commit()
            db.session.expire_all()
            stored = db.session.get(ContactChange, change.id)
            assert stored is not None and stored.status is decision
