"""A facility admin at a front-desk computer signs in for the first time: password, setting up
the authenticator app, the code, the staff home, signing out — then again in Spanish, over HTTP
and HTTPS. Every page passes axe-core's WCAG 2.2 A/AA checks, and a name carrying markup stays
text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
import pytest
from playwright.sync_api import Dialog, Page, expect

from kiosk.models import StaffRoleName
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.staff_signin import next_code, staff_account

pytestmark = pytest.mark.e2e

HOSTILE_NAME = '<img src=x onerror="alert(1)">Ana'


def type_password(page: Page, email: str, password: str, button: str) -> None:
    page.get_by_label(re.compile("^(Email|Correo electrónico)$")).fill(email)
    page.get_by_label(re.compile("^(Password|Contraseña)$")).fill(password)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_first_sign_in_with_two_step_setup_then_again_in_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = staff_account(
        server.app, StaffRoleName.FACILITY_ADMIN, full_name=HOSTILE_NAME, with_totp=False
    )
    page = desk_page
    dialogs: list[str] = []

    def note_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", note_dialog)

    page.goto(server.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    assert accessibility_violations(page) == []

    type_password(page, admin.email, "not the password", "Sign in")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    assert accessibility_violations(page) == []

    type_password(page, admin.email, admin.password, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Set up an authenticator app").click()
    key = page.locator(".setup-key").inner_text()
    assert accessibility_violations(page) == []
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(re.sub(r"[ -]", "", key)).now())
    page.get_by_role("button", name="Finish setup").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Staff home")
    expect(page.locator(".account")).to_contain_text("Facility admin")
    expect(page.locator(".account")).to_contain_text(HOSTILE_NAME)
    expect(page.locator(".account")).to_contain_text("On (authenticator app)")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    page.goto(server.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inicio de sesión del personal")
    assert accessibility_violations(page) == []
    type_password(page, admin.email, admin.password, "Iniciar sesión")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inicio de sesión en dos pasos")
    assert accessibility_violations(page) == []
    page.get_by_label("Código", exact=True).fill("000000")
    page.get_by_role("button", name="Continuar").click()
    expect(page.get_by_role("alert")).to_contain_text("Ese código no funcionó")
    assert accessibility_violations(page) == []
    secret = re.sub(r"[ -]", "", key)
    page.get_by_label("Código", exact=True).fill(next_code(server.app, admin.email, secret))
    page.get_by_role("button", name="Continuar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Página principal del personal")
    expect(page.locator(".account")).to_contain_text("Administrador de instalaciones")
    assert accessibility_violations(page) == []
    assert dialogs == []


def test_a_system_admin_signs_a_colleague_out_everywhere_from_the_accounts_page(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.SYSTEM_ADMIN)
    colleague = staff_account(
        server.app, StaffRoleName.COORDINATOR, email="desk@example.org", full_name=HOSTILE_NAME
    )
    assert admin.totp_key is not None
    page = desk_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(server.url + "/staff/sign-in")
    type_password(page, admin.email, admin.password, "Sign in")
    page.get_by_label("Code", exact=True).fill(next_code(server.app, admin.email, admin.totp_key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    row = page.get_by_role("row", name=re.compile(colleague.email))
    expect(row).to_contain_text(HOSTILE_NAME)
    assert accessibility_violations(page) == []

    row.get_by_role("button", name=re.compile("End sessions")).click()
    expect(page.get_by_role("status")).to_contain_text(f"{colleague.email} was signed out")
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cuentas del personal")
    assert accessibility_violations(page) == []
    assert dialogs == []
