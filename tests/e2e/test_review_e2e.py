"""A coordinator at the front desk works through the review queue in Chromium: the list, a new
card with both photos shown, a wrong member ID refused next to its field, the card accepted with
a correction, a contact change accepted, a walk-in's record searched for — then the walk-in
matched and the other screens in Spanish. Every screen passes
axe-core's WCAG 2.2 A/AA checks, and a patient name carrying markup stays text (no script runs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import StaffRoleName
from tests.admin.review_builders import arrival_with_new_card, walk_in_at_kiosk
from tests.builders import add_patient
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.staff_signin import next_code, staff_account

pytestmark = pytest.mark.e2e

BORN = date(1971, 5, 6)
HOSTILE_NAME = '<img src=x onerror="alert(1)">Ana'
PHOTOS_SHOWN = (
    "() => [...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)"
)


def test_a_coordinator_reviews_a_card_and_a_contact_change_in_english_and_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    first = arrival_with_new_card(
        server.app, 1, first_name=HOSTILE_NAME, new_phone="(555) 010-9999"
    )
    second = arrival_with_new_card(server.app, 2)
    with server.app.app_context():
        add_patient("Sam", "Walker", BORN, mrn="TEST-0777")
    walk_in_at_kiosk(server.app, "Sam", "Walker", BORN)
    coordinator = staff_account(server.app, StaffRoleName.COORDINATOR, with_totp=True)
    assert coordinator.totp_key is not None
    page = desk_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(coordinator.password)
    page.get_by_role("button", name="Sign in").click()
    code = next_code(server.app, coordinator.email, coordinator.totp_key)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("row", name=re.compile("Ana H.")).first).to_contain_text(HOSTILE_NAME)
    assert accessibility_violations(page) == []

    page.get_by_role("link", name=f"Review card · {HOSTILE_NAME} H.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New insurance card")
    expect(page.get_by_role("img", name="Front of the card")).to_be_visible()
    page.wait_for_function(PHOTOS_SHOWN)
    assert accessibility_violations(page) == []

    page.get_by_label("Insurance company").fill("Example Health")
    page.get_by_label("Member ID").fill("NEW/0001")
    page.get_by_role("button", name="Accept card").click()
    member_id = page.get_by_label("Member ID")
    expect(member_id).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#member_id-problem")).to_contain_text("letters, digits and hyphens")
    assert accessibility_violations(page) == []
    member_id.fill(first.member_id + "9")
    page.get_by_role("button", name="Accept card").click()
    expect(page.get_by_role("status")).to_contain_text("accepted with your corrections")

    page.get_by_role("link", name=f"Review change · {HOSTILE_NAME} H.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact change")
    expect(page.get_by_role("table")).to_contain_text("5550100101")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Accept the new details").click()
    expect(page.get_by_role("status")).to_contain_text("now on record")

    page.get_by_role("link", name="Verify walk-in · Sam W.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walk-in")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Search records").click()
    expect(page.get_by_role("table")).to_contain_text("TEST-0777")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paciente sin cita")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Buscar expedientes").click()
    expect(page.get_by_role("table")).to_contain_text("TEST-0777")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("^Es el paciente sin cita")).click()
    expect(page.get_by_role("status")).to_contain_text("se vinculó a su expediente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lista de revisión")
    assert accessibility_violations(page) == []
    waiting_card = page.get_by_role("link", name=re.compile("^Revisar tarjeta"))
    expect(waiting_card).to_have_attribute("href", f"/staff/review/cards/{second.coverage_id}")
    waiting_card.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarjeta de seguro nueva")
    expect(page.get_by_text("La tarjeta está vencida")).to_be_visible()
    page.wait_for_function(PHOTOS_SHOWN)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Rechazar tarjeta").click()
    expect(page.get_by_role("alert").first).to_contain_text("Corrija los campos marcados")
    assert accessibility_violations(page) == []
    page.goto(f"{server.url}/staff/review/contact-changes/{first.contact_change_id}")
    expect(page.get_by_role("status")).to_contain_text("Aceptada por")
    assert accessibility_violations(page) == []
    assert dialogs == []
