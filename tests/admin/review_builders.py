"""Items in the review queue made the way patients make them: a check-in at an enrolled kiosk
with a new card photographed (and, if asked, a new phone number), a walk-in registered at a
kiosk, and a signed-in reviewer."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from admin.review.decisions import AlreadyDecided
from kiosk.extensions import db
from kiosk.models import ContactChange, InsuranceCoverage, Patient, StaffRoleName
from tests.builders import add_department, book_patient
from tests.flows import KioskVisit
from tests.staff_signin import StaffAccount, sign_in, staff_account
from tests.uploads.photo_samples import card_scene, encoded


@dataclass(frozen=True)
class KioskArrival:
    """A patient who checked in at a kiosk, and what they left for review."""

    patient_id: int
    coverage_id: int
    contact_change_id: int | None
    kiosk_place: str
    first_name: str
    last_name: str
    member_id: str


def card_photo() -> bytes:
    """A small card photo as a kiosk camera takes it."""
    return encoded(card_scene((800, 500)), "JPEG", quality=85)


def arrival_with_new_card(
    app: Flask,
    number: int = 1,
    *,
    place: str = "",
    new_phone: str = "",
    first_name: str = "",
) -> KioskArrival:
    """Patient `number` checks in at the kiosk at `place` (its own kiosk by default),
    photographs a new card (member ID typed as 'NEW 000 <number>') and, given `new_phone`,
    changes their phone number."""
    first = first_name or f"Card{number}"
    place = place or f"lobby-{number}"
    booked = book_patient(
        app,
        first_name=first,
        last_name=f"Holder{number}",
        mrn=f"TEST-{number:04d}",
        member_id=f"OLD{number:06d}",
    )
    visit = KioskVisit(app, place)
    assert visit.identify_by_code(booked.code).status_code == 303
    assert visit.post("/check-in/confirm", answer="yes").status_code == 303
    if new_phone:
        assert visit.post("/check-in/contact", answer="change").status_code == 303
        assert visit.post("/check-in/contact/phone", phone=new_phone).status_code == 303
    else:
        assert visit.post("/check-in/contact", answer="yes").status_code == 303
    assert visit.post("/check-in/insurance", choice="new").status_code == 303
    for side in ("front", "back"):
        photo = (io.BytesIO(card_photo()), "card.jpg")
        assert visit.post(f"/check-in/insurance/card/{side}", photo=photo).status_code == 303
    member_id = f"NEW 000 {number}"
    assert visit.post("/check-in/insurance/details", member_id=member_id).status_code == 303
    assert visit.post("/check-in/consent", method="tap").status_code == 303
    with app.app_context():
        coverage_id = db.session.scalar(
            select(InsuranceCoverage.id).where(
                InsuranceCoverage.patient_id == booked.patient_id,
                InsuranceCoverage.source == "kiosk",
            )
        )
        change_id = db.session.scalar(
            select(ContactChange.id).where(ContactChange.patient_id == booked.patient_id)
        )
    assert coverage_id is not None
    return KioskArrival(
        booked.patient_id,
        coverage_id,
        change_id,
        place,
        first,
        f"Holder{number}",
        member_id.replace(" ", ""),
    )


def card_waiting_for_review(app: Flask, *, mrn: str = "TEST-0001") -> int:
    """The id of a card photographed at a kiosk (member ID typed, insurance company left for the
    coordinator to read), waiting for review: the row alone, without the kiosk visit."""
    booked = book_patient(app, mrn=mrn)
    with app.app_context():
        card = InsuranceCoverage(
            patient_id=booked.patient_id,
            payer="",
            member_id="NEW0001",
            source="kiosk",
            needs_review=True,
        )
        db.session.add(card)
        db.session.commit()
        return card.id


def signed_in_reviewer(
    app: Flask, role: StaffRoleName = StaffRoleName.COORDINATOR, *, email: str = "", name: str = ""
) -> tuple[FlaskClient, StaffAccount]:
    """A browser signed in as a new staff account with `role`."""
    account = staff_account(
        app, role, email=email or f"{role.value}-review@example.org", full_name=name
    )
    client = app.test_client()
    sign_in(client, app, account)
    return client, account


def walk_in_at_kiosk(
    app: Flask, first_name: str, last_name: str, born: date, *, place: str = "walk-in-lobby"
) -> int:
    """Someone without an appointment registers at the kiosk at `place` as a walk-in to
    Imaging; returns the unverified patient's id."""
    with app.app_context():
        add_department("imaging")
    visit = KioskVisit(app, place)
    assert (
        visit.post("/check-in/walk-in", first_name=first_name, last_name=last_name).status_code
        == 303
    )
    birth = {"day": str(born.day), "month": str(born.month), "year": str(born.year)}
    assert visit.post("/check-in/walk-in/birth-date", **birth).status_code == 303
    registered = visit.post("/check-in/walk-in/department", department="imaging")
    if registered.headers["Location"].endswith("/route"):
        registered = visit.post("/check-in/walk-in/route", answer="no")
    assert registered.headers["Location"].endswith("/check-in/done")
    with app.app_context():
        patient_id = db.session.scalar(
            select(Patient.id).where(Patient.verified.is_(False)).order_by(Patient.id.desc())
        )
    assert patient_id is not None
    return patient_id


def race(app: Flask, decisions: list[Callable[[], object]]) -> list[str]:
    """Run each decision in its own thread, all released at once; each one's outcome is
    "decided" or "refused" (a colleague was first)."""
    barrier = threading.Barrier(len(decisions))
    outcomes = [""] * len(decisions)

    def attempt(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                decisions[index]()
                outcomes[index] = "decided"
            except AlreadyDecided:
                outcomes[index] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(decisions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
