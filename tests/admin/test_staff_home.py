"""The staff home and accounts pages: who is signed in, in the staff member's language, with
whatever they typed shown as text, never as markup."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kiosk.models import StaffRoleName
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_home_names_the_person_their_role_and_the_way_out_in_spanish(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN, full_name="Ana Ruiz"))
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/staff/", "csrf_token": token})
    page = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Ana Ruiz" in page and "Administrador de instalaciones" in page
    assert "Cerrar sesión" in page


def test_names_with_markup_are_shown_as_text(app: Flask, client: FlaskClient) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN, full_name=HOSTILE_NAME)
    sign_in(client, app, admin)
    for path in ("/staff/", "/staff/users/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
