"""A coordinator at the desk opens Printers from the staff bar, sees a kiosk printer out of paper
with its last ticket, reprints the ticket once, and reads the same screen in Spanish. axe-core
finds no WCAG 2.2 A/AA violation in either language, and a kiosk name carrying markup stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import PrinterState, PrintJob, StaffRoleName
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.status import record_printer_state
from tests.builders import add_kiosk
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.printing.printing_helpers import queue_ticket
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_KIOSK_NAME = '<img src=x onerror="alert(1)">Lobby kiosk'
OUT_OF_PAPER_PRINTER = "network://10.20.30.40:9100"


def test_a_coordinator_reprints_a_ticket_once_and_reads_printers_in_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    coordinator = staff_account(server.app, StaffRoleName.COORDINATOR)
    with server.app.app_context():
        kiosk = add_kiosk(name=HOSTILE_KIOSK_NAME, printer_uri="dummy://")
        ticket = enqueue_receipt(kiosk, queue_ticket())
        add_kiosk(name="Parking kiosk", printer_uri=OUT_OF_PAPER_PRINTER)
        record_printer_state(OUT_OF_PAPER_PRINTER, PrinterState.OFFLINE, error="paper out")
        db.session.commit()
        job_id = ticket.id
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, coordinator)
    page.get_by_role("link", name="Printers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Printers")
    parking = page.get_by_role("region", name=OUT_OF_PAPER_PRINTER)
    expect(parking).to_contain_text("Offline or out of paper · paper out")
    expect(parking).to_contain_text("Parking kiosk")
    expect(page.get_by_role("region", name="dummy://")).to_contain_text(HOSTILE_KIOSK_NAME)
    assert accessibility_violations(page) == []

    page.get_by_role("button", name=f"Reprint · job {job_id}").click()
    expect(page.get_by_role("status")).to_contain_text("A copy went to dummy://")
    expect(page.get_by_role("row", name=re.compile(f"copy of {job_id}"))).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impresoras")
    expect(page.get_by_role("region", name=OUT_OF_PAPER_PRINTER)).to_contain_text(
        "Sin conexión o sin papel"
    )
    assert accessibility_violations(page) == []
    assert dialogs == []
    with server.app.app_context():
        copies = select(func.count()).where(PrintJob.reprint_of_id == job_id)
        assert db.session.scalar(copies) == 1
