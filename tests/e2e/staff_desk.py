"""Staff screens in Chromium: sign in through the real pages (with the code where the account
has an authenticator), and note any script dialog, which would mean stored markup ran."""

from __future__ import annotations

from playwright.sync_api import Dialog, Page

from tests.e2e.conftest import LiveServer
from tests.staff_signin import StaffAccount, next_code


def note_dialogs(page: Page) -> list[str]:
    """The messages of every dialog the page opens from now on (each one dismissed)."""
    dialogs: list[str] = []

    def note(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", note)
    return dialogs


def sign_in_at_desk(page: Page, server: LiveServer, account: StaffAccount) -> None:
    """Sign in on the English pages; lands on the staff home."""
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    if account.totp_key is not None:
        code = next_code(server.app, account.email, account.totp_key)
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue").click()
