"""Deny by default: every staff route, found in the URL map (so a new staff screen is covered
the day it is added), asked by every role, by nobody, and by an enrolled kiosk.

A route either names its roles with `admin.access.require_roles` or is one of the sign-in steps;
no one outside its roles gets a 2xx, every POST without a CSRF token is refused, and no staff
response may be stored by a browser or proxy.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from admin.access import allowed_roles, is_staff_path
from admin.fhir.views import required_scope
from admin.floorplans.publishing import publish_document
from kiosk.models import StaffRoleName
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria
from tests.admin.review_builders import arrival_with_new_card, walk_in_at_kiosk
from tests.builders import enrolled_client
from tests.helpers import csrf_token_from
from tests.staff_signin import post_password, sign_in, staff_account

# Flask-Security's sign-in steps: reachable before sign-in; only the first shows a page to
# a stranger, the others need a password step passed in the same session.
SIGNIN_STEPS = {
    "security.login",
    "security.logout",
    "security.two_factor_token_validation",
    "security.two_factor_setup",
    "security.two_factor_setup_validate",
    "security.two_factor_rescue",
    "security.tf_select",
}
OPEN_TO_STRANGERS = {"security.login"}
# Half-way through signing in: the password passed, the code (or the authenticator setup)
# still to come.
HALF_SIGNED_IN = ["code-pending", "setup-pending"]
IDENTITIES = ["anonymous", "kiosk", *HALF_SIGNED_IN, *[role.value for role in StaffRoleName]]
# What the sign-in steps' forms submit, so each step goes past its form checks.
PLAUSIBLE_FORM = {
    "email": "someone@example.org",
    "password": "a wrong password",
    "code": "123456",
    "setup": "authenticator",
    "help_setup": "help",
    "which": "authenticator",
}
EVERY_ROLE = frozenset(StaffRoleName)
SYSTEM_ADMIN_ONLY = frozenset({StaffRoleName.SYSTEM_ADMIN})
ADMINS = frozenset({StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN})
FACILITY_ADMIN_ONLY = frozenset({StaffRoleName.FACILITY_ADMIN})
# The access policy of each staff screen, written down apart from the code, so that widening a
# decorator by mistake fails here. A route missing from this table is held to the roles its
# decorator names.
STAFF_POLICY: dict[str, frozenset[StaffRoleName]] = {
    "admin_home.home": EVERY_ROLE,
    "admin_users.list_accounts": SYSTEM_ADMIN_ONLY,
    "admin_users.end_sessions": SYSTEM_ADMIN_ONLY,
    "admin_users.disable": SYSTEM_ADMIN_ONLY,
    "admin_users.enable": SYSTEM_ADMIN_ONLY,
    "admin_review.index": EVERY_ROLE,
    "admin_review.card": EVERY_ROLE,
    "admin_review.card_image": EVERY_ROLE,
    "admin_review.accept_card": EVERY_ROLE,
    "admin_review.reject_card": EVERY_ROLE,
    "admin_review.contact_change": EVERY_ROLE,
    "admin_review.decide_contact_change": EVERY_ROLE,
    "admin_review.walk_in": EVERY_ROLE,
    "admin_review.match_walk_in": EVERY_ROLE,
    "admin_review.register_walk_in": EVERY_ROLE,
    "admin_printers.printers": EVERY_ROLE,
    "admin_printers.reprint": EVERY_ROLE,
    "admin_reports.reports": ADMINS,
    "admin_reports.chart": ADMINS,
    "admin_reports.csv_export": ADMINS,
    "admin_closures.closures": FACILITY_ADMIN_ONLY,
    "admin_closures.preview": FACILITY_ADMIN_ONLY,
    "admin_closures.confirm": FACILITY_ADMIN_ONLY,
    "admin_closures.lift": FACILITY_ADMIN_ONLY,
    "admin_interfaces.interfaces": ADMINS,
    "admin_interfaces.resend": ADMINS,
    "admin_hl7.messages": ADMINS,
    "admin_floorplans.versions": ADMINS,
    "admin_floorplans.download": ADMINS,
    "admin_floorplans.diff": ADMINS,
    "admin_floorplans.confirm_rollback": FACILITY_ADMIN_ONLY,
    "admin_floorplans.rollback": FACILITY_ADMIN_ONLY,
    "admin_floorplans.import_form": FACILITY_ADMIN_ONLY,
    "admin_floorplans.check_import": FACILITY_ADMIN_ONLY,
    "admin_floorplans.publish_import": FACILITY_ADMIN_ONLY,
    "admin_audit.log": SYSTEM_ADMIN_ONLY,
    "admin_audit.search": SYSTEM_ADMIN_ONLY,
    "admin_audit.export": SYSTEM_ADMIN_ONLY,
    "admin_floorplan_editor.editor": ADMINS,
    "admin_floorplan_editor.floor_data": ADMINS,
    "admin_floorplan_editor.edit": FACILITY_ADMIN_ONLY,
    "admin_floorplan_editor.upload_floor_image": FACILITY_ADMIN_ONLY,
    "admin_floorplan_editor.floor_image": ADMINS,
    "admin_floorplan_editor.undo": FACILITY_ADMIN_ONLY,
    "admin_floorplan_editor.redo": FACILITY_ADMIN_ONLY,
    "admin_floorplan_editor.restart": FACILITY_ADMIN_ONLY,
    "admin_floorplan_editor.changes": ADMINS,
    "admin_floorplan_editor.review": ADMINS,
    "admin_floorplan_editor.publish": FACILITY_ADMIN_ONLY,
    "admin_schedule.schedule": ADMINS,
    "admin_schedule.upload": ADMINS,
    "admin_schedule.letters": ADMINS,
}


def staff_rules(app: Flask) -> list[Rule]:
    """Every route in the staff area."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if is_staff_path(rule.rule)),
        key=lambda rule: rule.rule,
    )


ARGUMENT = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")
# Arguments that name something that exists, so an allowed role's GET finds a page.
EXISTING_ARGUMENTS = {"key": "waits", "floor_id": "main-1"}


def concrete_path(rule: Rule, user_id: int, known: dict[str, object] | None = None) -> str:
    """The rule's path with its arguments filled in: an existing account id for `user_id`, the
    value in `known` (or `EXISTING_ARGUMENTS`) for arguments naming something real, a number for
    any other whole-number argument (so the route matches and its guards run), "x" for the rest.
    """
    values: dict[str, object] = {"user_id": user_id, **EXISTING_ARGUMENTS, **(known or {})}

    def argument(match: re.Match[str]) -> str:
        converter, name = match[1], match[2]
        if name in values:
            return str(values[name])
        return str(user_id) if converter == "int" else "x"

    return ARGUMENT.sub(argument, rule.rule)


def review_items(app: Flask) -> dict[str, object]:
    """A card, a contact change and a walk-in waiting for review, so the review screens open
    for real; and a published floorplan version, so the floorplan screens do too."""
    arrival = arrival_with_new_card(app, new_phone="(555) 010-9999")
    with app.app_context():
        first = publish_document(
            renamed_cafeteria(), staff_id=None, note="", origin="editor", expected_live=None
        )
    return {
        "number": first.number - 1,
        "patient_id": walk_in_at_kiosk(app, "Sam", "Walker", date(1971, 5, 6)),
        "coverage_id": arrival.coverage_id,
        "change_id": arrival.contact_change_id,
        "side": "front",
        "decision": "accept",
    }


def signin_steps_last(rule: Rule) -> tuple[bool, bool, bool, str]:
    """Sort key: the screens first, then the two-step pages (a signed-in person who opens one
    out of turn is signed out), then the sign-in page, signing out last of all."""
    return (
        rule.endpoint in SIGNIN_STEPS,
        rule.endpoint == "security.login",
        rule.endpoint == "security.logout",
        rule.rule,
    )


def browser_as(app: Flask, identity: str) -> tuple[FlaskClient, str]:
    """A browser and a valid CSRF token of its session: signed in with a role, anonymous, or
    an enrolled kiosk in the middle of a patient's session."""
    if identity == "kiosk":
        client = enrolled_client(app, "main-lobby")
        return client, csrf_token_from(client.get("/").get_data(as_text=True))
    client = app.test_client()
    if identity == "anonymous":
        return client, csrf_token_from(client.get("/staff/sign-in").get_data(as_text=True))
    if identity in HALF_SIGNED_IN:
        with_totp = identity == "code-pending"
        admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN, with_totp=with_totp)
        post_password(client, admin.email, admin.password)
        return client, csrf_token_from(client.get("/staff/sign-in").get_data(as_text=True))
    role = StaffRoleName(identity)
    sign_in(client, app, staff_account(app, role, email=f"{role.value}-matrix@example.org"))
    return client, csrf_token_from(client.get("/staff/").get_data(as_text=True))


def test_every_staff_route_is_guarded_or_a_signin_step(app: Flask) -> None:
    unguarded = [
        rule.endpoint
        for rule in staff_rules(app)
        if allowed_roles(app.view_functions[rule.endpoint]) is None
        and rule.endpoint not in SIGNIN_STEPS
    ]
    assert staff_rules(app), "no staff routes found"
    assert unguarded == []


def test_each_screen_allows_exactly_the_roles_of_the_policy(app: Flask) -> None:
    declared = {
        rule.endpoint: allowed_roles(app.view_functions[rule.endpoint])
        for rule in staff_rules(app)
        if rule.endpoint in STAFF_POLICY
    }
    assert declared == STAFF_POLICY


def policy_roles(app: Flask, endpoint: str) -> frozenset[StaffRoleName] | None:
    """The roles a staff route is for: the written policy, else its decorator's."""
    return STAFF_POLICY.get(endpoint, allowed_roles(app.view_functions[endpoint]))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_one_outside_a_routes_roles_gets_a_2xx(app: Flask, identity: str) -> None:
    target = staff_account(app, StaffRoleName.COORDINATOR, email="target@example.org")
    known = review_items(app)
    client, token = browser_as(app, identity)
    checked = 0
    for rule in sorted(staff_rules(app), key=signin_steps_last):
        roles = policy_roles(app, rule.endpoint)
        if identity == "kiosk":
            allowed = False
        elif rule.endpoint in SIGNIN_STEPS:
            # Every step but the sign-in page itself needs a pending sign-in; signed-in staff
            # may open the two-step setup and sign out.
            allowed = rule.endpoint in OPEN_TO_STRANGERS or identity != "anonymous"
        else:
            allowed = roles is not None and identity in {role.value for role in roles}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path = concrete_path(rule, target.id, known)
            response = client.open(
                path, method=method, data={**PLAUSIBLE_FORM, "csrf_token": token}
            )
            status = response.status_code
            assert status < 500, (identity, method, path, status)
            assert response.headers["Cache-Control"] == "no-store", (method, path)
            if not allowed:
                assert not 200 <= status < 300, (identity, method, path, status)
            elif method == "GET" and roles is not None:
                assert status == 200, (identity, method, path, status)
            checked += 1
    assert checked >= len(staff_rules(app))


def test_every_staff_post_without_a_csrf_token_is_refused(app: Flask) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    target = staff_account(app, StaffRoleName.COORDINATOR, email="target@example.org")
    known = review_items(app)
    client = app.test_client()
    sign_in(client, app, admin)
    posts = [rule for rule in staff_rules(app) if "POST" in (rule.methods or set())]
    assert len(posts) >= 5
    for rule in posts:
        response = client.post(concrete_path(rule, target.id, known), data={"email": admin.email})
        assert response.status_code == 400, rule.rule
        assert "This page has expired" in response.get_data(as_text=True)
    # Nothing happened: both accounts still work and the admin is still signed in.
    assert client.get("/staff/users/").status_code == 200
    page = client.get("/staff/users/").get_data(as_text=True)
    assert page.count("Disable") == 1


# The FHIR API is no staff screen: its data routes need an integration client's bearer token
# with the route's scope, whoever's browser asks; what it serves openly lists no data.
FHIR_SCOPES = {
    "fhir.search_appointments": "Appointment.read",
    "fhir.read_appointment": "Appointment.read",
    "fhir.search_coverage": "Coverage.read",
    "fhir.read_coverage": "Coverage.read",
}
OPEN_FHIR_ENDPOINTS = {"fhir.metadata", "fhir.unknown_interaction"}


def fhir_rules(app: Flask) -> list[Rule]:
    """Every route of the FHIR API."""
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/fhir")]


def test_every_fhir_route_needs_its_scope_or_serves_no_data(app: Flask) -> None:
    scopes = {
        rule.endpoint: required_scope(app.view_functions[rule.endpoint]) for rule in fhir_rules(app)
    }
    assert {endpoint for endpoint, scope in scopes.items() if scope is None} == OPEN_FHIR_ENDPOINTS
    assert {endpoint: scope for endpoint, scope in scopes.items() if scope} == FHIR_SCOPES


def test_no_browser_session_reads_the_fhir_api(app: Flask) -> None:
    # Half-way through signing in is no more than signed in: every complete identity is asked.
    for identity in ["anonymous", "kiosk", *[role.value for role in StaffRoleName]]:
        client, _token = browser_as(app, identity)
        for rule in fhir_rules(app):
            if rule.endpoint in OPEN_FHIR_ENDPOINTS:
                continue
            path = concrete_path(rule, 1)
            response = client.get(path)
            assert response.status_code == 401, (identity, path)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), path
            assert "Set-Cookie" not in response.headers, (identity, path)
