"""Staff sign-in: one failure message, the throttle, two-step sign-in, session expiry and
revocation — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import argon2
import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from kiosk.extensions import db
from kiosk.models import (
    KioskSession,
    StaffAccountEvent,
    StaffRoleName,
    StaffSigninFailure,
    StaffUser,
)
from kiosk.models.types import utcnow
from kiosk.shell.sessions import STAFF_AUDIENCE
from tests.helpers import csrf_token_from
from tests.staff_signin import (
    CODE_PATH,
    SETUP_PATH,
    SIGNIN_PATH,
    STAFF_PASSWORD,
    StaffAccount,
    next_code,
    post_code,
    post_password,
    sign_in,
    staff_account,
)

GENERIC_FAILURE = "The email or password is not right, or the account cannot sign in."
THROTTLED = "Too many sign-in attempts."
SETUP_KEY = re.compile(r'class="setup-key">([A-Z2-7 -]+)<')


def signed_in(client: FlaskClient) -> bool:
    """Whether the browser gets the staff home page (not a redirect to sign in)."""
    return client.get("/staff/").status_code == 200


def try_password(client: FlaskClient, email: str, password: str) -> tuple[int, str]:
    """Status and page text of one sign-in attempt."""
    token = csrf_token_from(client.get(SIGNIN_PATH).get_data(as_text=True))
    response = client.post(
        SIGNIN_PATH, data={"email": email, "password": password, "csrf_token": token}
    )
    return response.status_code, response.get_data(as_text=True)


def staff_sessions(app: Flask, user_id: int) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(KioskSession)
                .where(KioskSession.user_id == user_id)
            )
            or 0
        )


def test_unknown_email_wrong_password_and_disabled_account_fail_alike(
    app: Flask, client: FlaskClient
) -> None:
    known = staff_account(app, StaffRoleName.COORDINATOR)
    disabled = staff_account(app, StaffRoleName.COORDINATOR, email="gone@example.org")
    with app.app_context():
        user = db.session.get(StaffUser, disabled.id)
        assert user is not None
        user.active = False
        db.session.commit()
    outcomes = [
        try_password(client, "nobody@example.org", STAFF_PASSWORD),
        try_password(client, known.email, "not the password at all"),
        try_password(client, disabled.email, STAFF_PASSWORD),
        try_password(client, "not an email", STAFF_PASSWORD),
    ]
    assert {status for status, _ in outcomes} == {200}
    for _, page in outcomes:
        assert GENERIC_FAILURE in page
        assert "does not exist" not in page and "Invalid password" not in page
        assert "disabled" not in page.lower()
    assert not signed_in(client)


def test_sign_in_starts_a_staff_session_under_a_new_id(app: Flask, client: FlaskClient) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    client.get(SIGNIN_PATH)
    before = client.get_cookie("lobby_session")
    assert before is not None
    sign_in(client, app, account)
    after = client.get_cookie("lobby_session")
    assert after is not None and after.value != before.value
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        assert row.audience == STAFF_AUDIENCE and row.user_id == account.id
        assert row.absolute_expires_at is not None
        assert row.absolute_expires_at - row.created_at == timedelta(hours=12)
        user = db.session.get(StaffUser, account.id)
        assert user is not None and user.login_count == 1 and user.current_login_at is not None
    page = client.get("/staff/").get_data(as_text=True)
    assert account.email in page and "Patient service coordinator" in page


def test_a_replayed_session_cookie_from_before_sign_in_is_worth_nothing(
    app: Flask, client: FlaskClient
) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    client.get(SIGNIN_PATH)
    planted = client.get_cookie("lobby_session")
    assert planted is not None
    sign_in(client, app, account)
    attacker = app.test_client()
    attacker.set_cookie("lobby_session", planted.value)
    assert not signed_in(attacker)


def test_an_account_is_throttled_from_any_address_and_the_right_password_waits_too(
    app: Flask,
) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    limit = app.config["STAFF_SIGNIN_ACCOUNT_LIMIT"]
    for attempt in range(limit):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.0.{attempt + 1}"
        assert try_password(guesser, account.email, f"guess number {attempt}")[0] == 200
    person = app.test_client()
    person.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    status, page = try_password(person, account.email, STAFF_PASSWORD)
    assert status == 429 and THROTTLED in page
    assert not signed_in(person)
    # An account that does not exist is throttled exactly the same way.
    for attempt in range(limit):
        try_password(app.test_client(), "nobody@example.org", f"guess {attempt}")
    assert try_password(person, "nobody@example.org", "x" * 12)[0] == 429
    # Once the failures leave the window, the person gets in.
    with app.app_context():
        db.session.execute(
            update(StaffSigninFailure).values(occurred_at=utcnow() - timedelta(minutes=16))
        )
        db.session.commit()
    sign_in(person, app, account)
    assert signed_in(person)


def test_one_address_trying_many_accounts_is_throttled(app: Flask) -> None:
    app.config["STAFF_SIGNIN_ADDRESS_LIMIT"] = 3
    account = staff_account(app, StaffRoleName.COORDINATOR)
    sprayer = app.test_client()
    for number in range(3):
        try_password(sprayer, f"person{number}@example.org", "Winter2026!!")
    status, _ = try_password(sprayer, account.email, STAFF_PASSWORD)
    assert status == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    sign_in(elsewhere, app, account)
    assert signed_in(elsewhere)


def test_an_admin_without_an_authenticator_must_set_one_up_before_anything(
    app: Flask, client: FlaskClient
) -> None:
    admin = staff_account(app, StaffRoleName.FACILITY_ADMIN, with_totp=False)
    assert post_password(client, admin.email, admin.password).startswith(SETUP_PATH)
    assert not signed_in(client)
    setup_page = client.get(SETUP_PATH).get_data(as_text=True)
    assert "Set it up now to continue" in setup_page
    token = csrf_token_from(setup_page)
    shown = client.post(SETUP_PATH, data={"setup": "authenticator", "csrf_token": token})
    html = shown.get_data(as_text=True)
    assert "<svg" in html and "<img" not in html
    match = SETUP_KEY.search(html)
    assert match, "setup page shows no key"
    key = re.sub(r"[ -]", "", match.group(1))
    assert post_code(client, "000000") == ""
    assert not signed_in(client)
    assert post_code(client, pyotp.TOTP(key).now()).rstrip("/").endswith("/staff")
    assert signed_in(client)
    with app.app_context():
        user = db.session.get(StaffUser, admin.id)
        assert user is not None and user.tf_primary_method == "authenticator"
        assert user.tf_totp_secret is not None and key not in user.tf_totp_secret
    # From now on the password alone is not enough.
    other = app.test_client()
    assert post_password(other, admin.email, admin.password).startswith(CODE_PATH)
    assert not signed_in(other)


def test_a_coordinator_signs_in_with_a_password_and_may_add_an_authenticator(
    app: Flask, client: FlaskClient
) -> None:
    coordinator = staff_account(app, StaffRoleName.COORDINATOR)
    sign_in(client, app, coordinator)
    home = client.get("/staff/").get_data(as_text=True)
    assert "Set up two-step sign-in" in home
    token = csrf_token_from(client.get(SETUP_PATH).get_data(as_text=True))
    html = client.post(SETUP_PATH, data={"setup": "authenticator", "csrf_token": token})
    page = html.get_data(as_text=True)
    match = SETUP_KEY.search(page)
    assert match
    key = re.sub(r"[ -]", "", match.group(1))
    action = re.search(r'action="(/staff/two-step/setup/[^"]+)"', page)
    assert action
    finish = client.post(
        action.group(1).replace("&amp;", "&"),
        data={"code": pyotp.TOTP(key).now(), "csrf_token": csrf_token_from(page)},
    )
    assert finish.status_code in (302, 303)
    assert "On (authenticator app)" in client.get("/staff/").get_data(as_text=True)
    later = app.test_client()
    assert post_password(later, coordinator.email, coordinator.password).startswith(CODE_PATH)


def test_a_code_is_accepted_once(app: Flask) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    assert admin.totp_key is not None
    first, second = app.test_client(), app.test_client()
    code = next_code(app, admin.email, admin.totp_key)
    post_password(first, admin.email, admin.password)
    post_password(second, admin.email, admin.password)
    assert post_code(first, code).rstrip("/").endswith("/staff")
    assert post_code(second, code) == ""
    assert signed_in(first) and not signed_in(second)


def test_wrong_codes_are_throttled_per_account(app: Flask, client: FlaskClient) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    assert admin.totp_key is not None
    post_password(client, admin.email, admin.password)
    for _ in range(app.config["STAFF_SIGNIN_ACCOUNT_LIMIT"]):
        assert post_code(client, "123456") == ""
    token = csrf_token_from(client.get(CODE_PATH).get_data(as_text=True))
    right = next_code(app, admin.email, admin.totp_key)
    response = client.post(CODE_PATH, data={"code": right, "csrf_token": token})
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_idle_staff_session_ends_after_fifteen_minutes(app: Flask, client: FlaskClient) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    sign_in(client, app, account)
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        assert timedelta(minutes=14) < row.expires_at - utcnow() <= timedelta(minutes=15)
        db.session.execute(update(KioskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and SIGNIN_PATH in response.headers["Location"]


def test_activity_never_stretches_a_staff_session_past_twelve_hours(
    app: Flask, client: FlaskClient
) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    sign_in(client, app, account)
    with app.app_context():
        db.session.execute(
            update(KioskSession).values(absolute_expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    # Idle expiry is still minutes away, and a request would move it: the absolute end wins.
    assert not signed_in(client)


def test_a_system_admin_ends_another_persons_sessions_everywhere(app: Flask) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    coordinator = staff_account(app, StaffRoleName.COORDINATOR)
    desk, laptop, admin_browser = app.test_client(), app.test_client(), app.test_client()
    sign_in(desk, app, coordinator)
    sign_in(laptop, app, coordinator)
    sign_in(admin_browser, app, admin)
    page = admin_browser.get("/staff/users/").get_data(as_text=True)
    response = admin_browser.post(
        f"/staff/users/{coordinator.id}/end-sessions", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 303
    assert "signed out everywhere (2 sessions ended)" in admin_browser.get(
        "/staff/users/"
    ).get_data(as_text=True)
    assert not signed_in(desk) and not signed_in(laptop)
    assert signed_in(admin_browser)
    with app.app_context():
        actions = db.session.scalars(
            select(StaffAccountEvent.action).where(StaffAccountEvent.subject_id == coordinator.id)
        ).all()
    assert "sessions_ended" in actions


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(app: Flask) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    coordinator = staff_account(app, StaffRoleName.COORDINATOR)
    desk, admin_browser = app.test_client(), app.test_client()
    sign_in(desk, app, coordinator)
    sign_in(admin_browser, app, admin)
    token = csrf_token_from(admin_browser.get("/staff/users/").get_data(as_text=True))
    admin_browser.post(f"/staff/users/{coordinator.id}/disable", data={"csrf_token": token})
    assert not signed_in(desk)
    status, page = try_password(app.test_client(), coordinator.email, coordinator.password)
    assert status == 200 and GENERIC_FAILURE in page
    # Nor can an admin lock themselves out.
    refused = admin_browser.post(f"/staff/users/{admin.id}/disable", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "You cannot disable your own account." in refused.get_data(as_text=True)


def test_a_password_reset_ends_every_session_of_the_account(
    app: Flask, runner: FlaskCliRunner
) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    desk = app.test_client()
    sign_in(desk, app, account)
    new_password = "a brand new passphrase"
    result = runner.invoke(
        args=["user", "reset-password", account.email], input=f"{new_password}\n{new_password}\n"
    )
    assert result.exit_code == 0, result.output
    assert new_password not in result.output
    assert not signed_in(desk)
    assert staff_sessions(app, account.id) == 0
    assert try_password(app.test_client(), account.email, STAFF_PASSWORD)[0] == 200
    sign_in(app.test_client(), app, StaffAccount(account.id, account.email, new_password, None))


def test_signing_out_ends_the_session_on_the_server(app: Flask, client: FlaskClient) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    sign_in(client, app, account)
    cookie = client.get_cookie("lobby_session")
    assert cookie is not None
    token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    response = client.post("/staff/sign-out", data={"csrf_token": token})
    assert response.status_code in (302, 303)
    assert staff_sessions(app, account.id) == 0
    replay = app.test_client()
    replay.set_cookie("lobby_session", cookie.value)
    assert not signed_in(replay)


def test_a_browser_in_a_kiosk_session_cannot_open_staff_pages(app: Flask) -> None:
    visitor = app.test_client()
    visitor.get("/")  # the kiosk home screen starts a kiosk session
    for path in ("/staff/", SIGNIN_PATH):
        response = visitor.get(path)
        assert response.status_code == 403
        assert "cannot be opened on a kiosk" in response.get_data(as_text=True)
    assert app.test_client().get(SIGNIN_PATH).status_code == 200


def test_a_form_left_open_past_the_session_gets_the_expiry_page_and_sign_in_still_works(
    app: Flask, client: FlaskClient
) -> None:
    account = staff_account(app, StaffRoleName.COORDINATOR)
    sign_in(client, app, account)
    stale_token = csrf_token_from(client.get("/staff/").get_data(as_text=True))
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    stale = client.post("/staff/sign-out", data={"csrf_token": stale_token})
    assert stale.status_code == 400
    assert "This page has expired" in stale.get_data(as_text=True)
    assert client.get(SIGNIN_PATH).status_code == 200
    sign_in(client, app, account)
    assert signed_in(client)


def test_a_polling_staff_screen_whose_session_ended_is_sent_to_sign_in_whole(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith(SIGNIN_PATH)
    assert response.get_data(as_text=True) == ""


ARGON2_PARAMETERS = re.compile(rb"\$m=(\d+),t=(\d+),p=(\d+)\$")


def test_every_failure_costs_the_same_argon2_work_so_timing_tells_nothing(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: each failure runs one Argon2 computation with the stored hashes'
    parameters, whether the account exists or not."""
    known = staff_account(app, StaffRoleName.COORDINATOR)
    runs: list[tuple[int, int, int]] = []
    real_hash, real_verify = argon2.low_level.hash_secret, argon2.low_level.verify_secret

    def counted_hash(**kwargs: Any) -> bytes:
        runs.append((kwargs["memory_cost"], kwargs["time_cost"], kwargs["parallelism"]))
        return real_hash(**kwargs)

    def counted_verify(stored: bytes, secret: bytes, kind: Any) -> bool:
        match = ARGON2_PARAMETERS.search(stored)
        assert match
        runs.append((int(match[1]), int(match[2]), int(match[3])))
        return real_verify(stored, secret, kind)

    monkeypatch.setattr(argon2.low_level, "hash_secret", counted_hash)
    monkeypatch.setattr(argon2.low_level, "verify_secret", counted_verify)
    work = []
    for email, password in (
        ("nobody@example.org", STAFF_PASSWORD),
        (known.email, "not the password at all"),
    ):
        runs.clear()
        try_password(client, email, password)
        work.append(list(runs))
    assert len(work[0]) == 1 and work[0] == work[1]


def test_housekeeping_forgets_failures_older_than_the_window_only(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    for attempt in range(3):
        try_password(client, "nobody@example.org", f"guess {attempt}")
    with app.app_context():
        oldest = db.session.scalars(select(StaffSigninFailure).limit(2)).all()
        for failure in oldest:
            failure.occurred_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
    result = runner.invoke(args=["housekeeping"])
    assert "2 old staff sign-in failure(s) forgotten." in result.output
    with app.app_context():
        assert len(db.session.scalars(select(StaffSigninFailure)).all()) == 1


def test_the_email_rescue_step_is_not_offered(app: Flask, client: FlaskClient) -> None:
    """A lost phone is for hospital IT (`flask user reset-two-step`): Lobby sends no email, and
    asking for the rescue anyway is a clear 404, never an error."""
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    post_password(client, admin.email, admin.password)
    token = csrf_token_from(client.get(CODE_PATH).get_data(as_text=True))
    assert client.get("/staff/two-step/rescue").status_code == 404
    for choice in ("help", "email", "recovery_code"):
        response = client.post(
            "/staff/two-step/rescue", data={"help_setup": choice, "csrf_token": token}
        )
        assert response.status_code == 404


def test_whatever_is_typed_a_failed_sign_in_gets_the_one_message(
    app: Flask, client: FlaskClient
) -> None:
    known = staff_account(app, StaffRoleName.COORDINATOR)
    app.config.update(STAFF_SIGNIN_ACCOUNT_LIMIT=10_000, STAFF_SIGNIN_ADDRESS_LIMIT=10_000)
    attempts = iter(range(1, 10_000))

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        email=st.one_of(st.text(max_size=300), st.just(known.email), st.just("")),
        password=st.text(max_size=300),
    )
    @example(email=known.email + "\x00", password="\x00" * 12)
    @example(email="a@b" * 200, password=STAFF_PASSWORD)
    def attempt(email: str, password: str) -> None:
        # A new address per try keeps Flask-Limiter's per-address limit out of the way.
        number = next(attempts)
        client.environ_base["REMOTE_ADDR"] = (
            f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"
        )
        status, page = try_password(client, email, password)
        assert status == 200, (email, password)
        assert GENERIC_FAILURE in page

    attempt()
    assert not signed_in(client)


def test_a_visit_that_signs_nobody_in_leaves_no_session_behind(
    app: Flask, client: FlaskClient
) -> None:
    for path in ("/staff/", "/staff/users/"):
        assert client.get(path).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
