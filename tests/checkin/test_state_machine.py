"""A hypothesis state machine drives the check-in screens in any order — identify, confirm,
change the phone, upload card photos, sign, finish, double tap, go back, reset, replay — and
checks after every step what must always hold: at most one check-in per appointment, every
check-in has its ticket print job, and nothing of the patient is readable after a reset."""

from __future__ import annotations

import io
import itertools
from datetime import date

from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from PIL import Image
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import CheckIn, PrintJob
from tests.builders import BookedPatient, book_patient
from tests.flows import KioskVisit

ALLOWED_STATUSES = {200, 303, 409, 422, 429}
SCREENS = (
    "/check-in/choose",
    "/check-in/confirm",
    "/check-in/contact",
    "/check-in/contact/phone",
    "/check-in/insurance",
    "/check-in/insurance/card/front",
    "/check-in/insurance/card/back",
    "/check-in/insurance/details",
    "/check-in/consent",
    "/check-in/done",
)
patient_numbers = itertools.count(1)


def card_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 80, 150)).save(out, "JPEG")
    return out.getvalue()


CARD = card_jpeg()


def make_machine(app: Flask) -> type[RuleBasedStateMachine]:
    """The machine class, bound to one application under test."""

    class CheckInScreens(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            number = next(patient_numbers)
            self.patient: BookedPatient = book_patient(
                app,
                first_name="Quenby",
                last_name=f"Zarkov{number}",
                mrn=f"SM-{number}",
                phone=f"555{number:07d}",
                date_of_birth=date(1970, 1, 1 + number % 28),
                starts_in_minutes=(5, 20),
            )
            self.kiosk = KioskVisit(app, place=f"sm-kiosk-{number}")
            self.other_kiosk = KioskVisit(app, place=f"sm-other-{number}")
            self.reset_since_identify = False

        def check(self, response: object) -> None:
            status = response.status_code  # type: ignore[attr-defined]
            assert status in ALLOWED_STATUSES, status

        @rule(by_code=st.booleans())
        def identify(self, by_code: bool) -> None:
            if by_code:
                self.check(self.kiosk.identify_by_code(self.patient.code))
            else:
                self.check(
                    self.kiosk.identify_by_name(self.patient.last_name, self.patient.date_of_birth)
                )
            self.reset_since_identify = False

        @rule()
        def identify_wrongly(self) -> None:
            self.check(self.kiosk.identify_by_name("Nobody", date(1901, 1, 1)))

        @rule(choice=st.sampled_from(["all", "first", "bogus"]))
        def choose(self, choice: str) -> None:
            picked = {"all": "all", "first": str(self.patient.appointment_ids[0])}.get(choice, "x")
            self.check(self.kiosk.post("/check-in/choose", appointment=picked))

        @rule(answer=st.sampled_from(["yes", "no"]))
        def confirm(self, answer: str) -> None:
            self.check(self.kiosk.post("/check-in/confirm", answer=answer))

        @rule(change=st.booleans())
        def contact(self, change: bool) -> None:
            if change:
                self.check(self.kiosk.post("/check-in/contact/phone", phone="5550001111"))
            else:
                self.check(self.kiosk.post("/check-in/contact", answer="yes"))

        @rule(choice=st.sampled_from(["same", "new", "self_pay"]))
        def insurance(self, choice: str) -> None:
            self.check(self.kiosk.post("/check-in/insurance", choice=choice))

        @rule(side=st.sampled_from(["front", "back"]), good=st.booleans())
        def upload(self, side: str, good: bool) -> None:
            photo = CARD if good else b"GIF89a not really"
            self.check(
                self.kiosk.post(
                    f"/check-in/insurance/card/{side}", photo=(io.BytesIO(photo), "card.jpg")
                )
            )

        @rule()
        def card_details(self) -> None:
            self.check(self.kiosk.post("/check-in/insurance/details", member_id="ABC12345"))

        @rule(taps=st.integers(min_value=1, max_value=3))
        def finish(self, taps: int) -> None:
            for _ in range(taps):
                self.check(self.kiosk.post("/check-in/consent", method="tap"))

        @rule()
        def other_kiosk_finishes_the_same_patient(self) -> None:
            visit = self.other_kiosk
            self.check(visit.identify_by_code(self.patient.code))
            self.check(visit.post("/check-in/choose", appointment="all"))
            for path, data in (
                ("/check-in/confirm", {"answer": "yes"}),
                ("/check-in/contact", {"answer": "yes"}),
                ("/check-in/insurance", {"choice": "self_pay"}),
                ("/check-in/consent", {"method": "tap"}),
            ):
                self.check(visit.post(path, **data))

        @rule(screen=st.sampled_from(SCREENS))
        def go_to(self, screen: str) -> None:
            """Back, or any screen typed in: never an error."""
            self.check(self.kiosk.client.get(screen))

        @rule()
        def idle_reset(self) -> None:
            """The screen resets; the old session cookie is kept to replay it afterwards."""
            old_session = self.kiosk.client.get_cookie("lobby_session")
            self.check(self.kiosk.post("/reset"))
            self.kiosk.reload()
            self.replay = self.kiosk.next_person(app).client
            if old_session is not None:
                self.replay.set_cookie("lobby_session", old_session.value)
            self.reset_since_identify = True

        @invariant()
        def one_check_in_per_appointment_and_each_has_its_ticket_job(self) -> None:
            with app.app_context():
                per_appointment = db.session.execute(
                    select(CheckIn.appointment_id, func.count())
                    .where(CheckIn.appointment_id.in_(self.patient.appointment_ids))
                    .group_by(CheckIn.appointment_id)
                ).all()
                assert all(count == 1 for _, count in per_appointment)
                check_ins = db.session.scalar(select(func.count()).select_from(CheckIn))
                tickets = db.session.scalar(
                    select(func.count()).select_from(PrintJob).where(PrintJob.purpose == "ticket")
                )
                assert check_ins == tickets

        @invariant()
        def nothing_readable_after_reset(self) -> None:
            if not self.reset_since_identify:
                return
            for browser in (self.kiosk.client, self.replay):
                for screen in SCREENS:
                    response = browser.get(screen)
                    body = response.get_data(as_text=True)
                    assert response.status_code == 303, screen
                    assert self.patient.first_name not in body and self.patient.code not in body

    return CheckInScreens


def test_check_in_screens_in_any_order_keep_their_promises(app: Flask) -> None:
    run_state_machine_as_test(
        make_machine(app),
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
