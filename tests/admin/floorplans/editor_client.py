"""A facility admin's browser on the floorplan editor, without script: it reads the page it was
given (its CSRF token and the draft revision it shows) and posts the editor's forms as they
are, so a test reads like the clicks a person makes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kiosk.models import StaffRoleName
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

EDITOR = "/staff/floorplans/editor/"
REVISION_FIELD = re.compile(r'name="revision" value="([0-9]+)"')
ALERT = re.compile(r'role="alert"[^>]*>\s*(?:<p>)?([^<]*)')


@dataclass
class EditorBrowser:
    """One signed-in admin and the editor page it last loaded."""

    client: FlaskClient
    page: str = ""

    def open(self, query: str = "") -> TestResponse:
        """Load the editor (for a floor or an element: `floor=main-1&select=x`)."""
        response = self.client.get(EDITOR + ("?" + query if query else ""))
        self.page = response.get_data(as_text=True)
        return response

    @property
    def revision(self) -> str:
        """The draft revision the loaded page shows (what its forms carry)."""
        found = REVISION_FIELD.search(self.page)
        assert found, "the editor page has no revision field"
        return found[1]

    def post(self, path: str, **fields: Any) -> TestResponse:
        """Submit a form of the loaded page; a redirect is followed, as a browser does, and
        the page it lands on (or the refusal) becomes the loaded page."""
        data = {"csrf_token": csrf_token_from(self.page), "revision": self.revision, **fields}
        response = self.client.post(EDITOR + path, data=data, follow_redirects=True)
        self.page = response.get_data(as_text=True)
        return response

    def edit(self, operation: str, **fields: Any) -> TestResponse:
        """Submit one of the editor's operation forms."""
        return self.post("edit", operation=operation, **fields)

    @property
    def alert(self) -> str:
        """The refusal shown at the top of the page, if any."""
        found = ALERT.search(self.page)
        return found[1].strip() if found else ""


def editor_browser(
    app: Flask,
    email: str = "",
    full_name: str = "",
    role: StaffRoleName = StaffRoleName.FACILITY_ADMIN,
) -> EditorBrowser:
    """An admin (a facility admin unless `role` says otherwise) signed in through the real
    pages, with the editor open."""
    account = staff_account(
        app, role, email=email or f"{role.value}@example.org", full_name=full_name
    )
    browser = EditorBrowser(app.test_client())
    sign_in(browser.client, app, account)
    browser.open("floor=main-1")
    return browser
