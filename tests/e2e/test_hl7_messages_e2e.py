"""A system admin opens HL7 messages from the staff bar, reads which message was refused and
why, narrows the list to the refused ones and reads it all in Spanish. axe-core finds no WCAG
2.2 A/AA violation in either language, and a sender name carrying markup runs no script."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from admin.hl7.inbox import Inbox, InboxSettings
from kiosk.models import StaffRoleName
from tests.admin.hl7.samples import siu, with_field
from tests.builders import NOW, add_department
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_SENDER = '<img src=x onerror="alert(1)">'


def test_an_admin_reads_the_hl7_messages_in_english_and_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.SYSTEM_ADMIN)
    with server.app.app_context():
        add_department("imaging", "R")
        inbox = Inbox(InboxSettings.from_app(server.app))
        for message in (
            siu("S12", "E2E-1"),
            siu("S12", "E2E-2", location="nowhere"),
            with_field(siu("S13", "E2E-3"), "MSH", 4, HOSTILE_SENDER),
        ):
            inbox.receive_message(message.encode("utf-8"), now=NOW)
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="HL7 messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HL7 messages")
    refused = page.get_by_role("row", name="E2E-2")
    expect(refused).to_contain_text("Refused (AE)")
    expect(refused).to_contain_text("The location is not a Lobby department · field AIL-3")
    expect(page.get_by_role("row", name="E2E-3")).to_contain_text(HOSTILE_SENDER)
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Refused", exact=True).click()
    expect(page.get_by_role("row", name="E2E-1")).to_have_count(0)
    expect(page.get_by_role("link", name="Refused", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mensajes HL7")
    expect(page.get_by_role("row", name="E2E-2")).to_contain_text(
        "El lugar no es un departamento de Lobby · campo AIL-3"
    )
    assert accessibility_violations(page) == []
    assert dialogs == []
