"""Hostile card uploads through the kiosk's own endpoint: never a 500, a clear message in the
patient's language, nothing stored unsanitised, no metadata kept, the flow still usable."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import InsuranceCoverage
from kiosk.uploads.secure_store import store_for
from tests.builders import book_patient
from tests.flows import KioskVisit
from tests.uploads.test_card_images import CORPUS


def protected_files(app: Flask) -> set[Path]:
    return {p for p in (Path(app.instance_path) / "protected").rglob("*") if p.is_file()}


@pytest.fixture
def at_card_screen(app: Flask) -> KioskVisit:
    booked = book_patient(app)
    visit = KioskVisit(app)
    visit.identify_by_code(booked.code)
    visit.answer_through_to_consent(insurance="new")
    return visit


def upload(visit: KioskVisit, data: bytes, side: str = "front") -> tuple[int, str]:
    response = visit.post(f"/check-in/insurance/card/{side}", photo=(io.BytesIO(data), "card.jpg"))
    return response.status_code, response.get_data(as_text=True)


def test_every_hostile_upload_is_cleaned_or_refused_without_a_server_error(
    app: Flask, at_card_screen: KioskVisit
) -> None:
    files_before = protected_files(app)
    for name, sample in CORPUS.items():
        status, body = upload(at_card_screen, sample.make())
        if sample.refused_as is None:
            assert status == 303, name
        else:
            assert status in (413, 422), name
            assert "Traceback" not in body
    # After all that the patient can still finish with a good photo.
    good = CORPUS["phone jpeg with gps"].make()
    assert upload(at_card_screen, good, "front")[0] == 303
    assert upload(at_card_screen, good, "back")[0] == 303
    at_card_screen.post("/check-in/insurance/details", member_id="XKZ123")
    assert at_card_screen.post("/check-in/consent", method="tap").status_code == 303
    with app.app_context():
        coverage = db.session.scalar(
            select(InsuranceCoverage).where(InsuranceCoverage.source == "kiosk")
        )
        assert coverage is not None and coverage.front_image and coverage.back_image
        store = store_for(app)
        sides = ((coverage.front_image, "card_front"), (coverage.back_image, "card_back"))
        for name, purpose in sides:
            stored = store.get(name, purpose=purpose)
            with Image.open(io.BytesIO(stored)) as image:
                assert image.format == "JPEG"
                assert not image.getexif() and "icc_profile" not in image.info
    assert len(protected_files(app) - files_before) == 2  # each retake replaced the earlier one


def test_refusals_are_explained_in_spanish_too(app: Flask, at_card_screen: KioskVisit) -> None:
    at_card_screen.post("/language", lang="es", next="/check-in/insurance/card/front")
    status, body = upload(at_card_screen, CORPUS["gif named .jpg"].make())
    assert status == 422 and "Solo podemos usar fotos JPEG, PNG o WebP" in body
