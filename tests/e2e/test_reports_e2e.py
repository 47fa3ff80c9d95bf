"""A facility admin opens Reports from the staff bar, picks a date range, sees each chart drawn
(an SVG image that loads) with its data table, is told clearly about a wrong range, and reads it
all in Spanish. axe-core finds no WCAG 2.2 A/AA violation in either language, and a department
label carrying markup runs no script."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import AppointmentStatus, StaffRoleName
from tests.builders import add_department, add_patient, book
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_LABEL = '<img src=x onerror="alert(1)">Suite 2B'
DAY = date(2026, 3, 3)


def test_an_admin_reads_reports_in_english_and_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
    with server.app.app_context():
        clinic = add_department("oncology", prefix="O")
        clinic.location_label = HOSTILE_LABEL
        patient = add_patient("Synthetic", "Reportpatient", date(1980, 1, 1))
        noon = datetime.combine(DAY, time(12), tzinfo=facility_timezone(server.app))
        book(patient, clinic, noon, status=AppointmentStatus.NO_SHOW, code_issued_at=noon)
        db.session.commit()
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="Reports").click()

    page.get_by_label("From", exact=True).fill((DAY - timedelta(days=1)).isoformat())
    page.get_by_label("To (included)", exact=True).fill((DAY + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show").click()
    no_shows = page.get_by_role("region", name="No-shows")
    expect(no_shows.get_by_role("row", name=HOSTILE_LABEL)).to_contain_text("1")
    chart = no_shows.get_by_role(
        "img", name="Chart of No-shows; the table below has the same figures."
    )
    expect(chart).to_be_visible()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=chart.element_handle()
    )
    assert accessibility_violations(page) == []

    page.get_by_label("From", exact=True).fill(DAY.isoformat())
    page.get_by_label("To (included)", exact=True).fill((DAY - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_have_text("The end date is before the start date.")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Informes")
    page.get_by_label("Desde", exact=True).fill(DAY.isoformat())
    page.get_by_label("Hasta (incluido)", exact=True).fill((DAY - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Mostrar").click()
    expect(page.get_by_role("alert")).to_have_text("La fecha final es anterior a la fecha inicial.")
    assert accessibility_violations(page) == []
    page.get_by_label("Hasta (incluido)", exact=True).fill((DAY + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Mostrar").click()
    expect(page.get_by_role("heading", name="Llegadas por hora")).to_be_visible()
    assert accessibility_violations(page) == []
    assert dialogs == []
