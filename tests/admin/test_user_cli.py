"""`flask user ...`: accounts from the command line, with prompted passwords only."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import StaffRoleName, StaffUser
from tests.staff_signin import StaffAccount, post_password, sign_in, staff_account

PASSPHRASE = "first light over the harbor"


def test_the_first_system_admin_is_created_with_a_prompted_password(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["user", "create", "--role", "system-admin", "it@example.org"],
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created it@example.org (system-admin)" in result.output
    assert "authenticator" in result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "it@example.org"))
        assert user is not None and user.password is not None
        assert user.password.startswith("$argon2id$") and PASSPHRASE not in user.password
    # An admin role goes straight to setting up the authenticator after the password.
    client = app.test_client()
    account = StaffAccount(user.id, "it@example.org", PASSPHRASE, None)
    assert post_password(client, account.email, account.password).startswith(
        "/staff/two-step/setup"
    )


def test_a_short_password_or_a_second_account_for_one_email_is_refused(
    app: Flask, runner: FlaskCliRunner
) -> None:
    short = runner.invoke(
        args=["user", "create", "--role", "coordinator", "desk@example.org"],
        input="short\nshort\n",
    )
    assert short.exit_code == 2 and "12" in short.output
    runner.invoke(
        args=["user", "create", "--role", "coordinator", "desk@example.org"],
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    again = runner.invoke(
        args=["user", "create", "--role", "coordinator", "DESK@example.org"],
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert again.exit_code == 2 and "exists already" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(StaffUser)).all()) == 1


def test_list_disable_and_enable(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(
        args=["user", "create", "--role", "coordinator", "desk@example.org"],
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert "desk@example.org\tcoordinator\tactive" in runner.invoke(args=["user", "list"]).output
    assert runner.invoke(args=["user", "disable", "desk@example.org"]).exit_code == 0
    assert "\tdisabled\t" in runner.invoke(args=["user", "list"]).output
    assert runner.invoke(args=["user", "enable", "desk@example.org"]).exit_code == 0
    assert "\tactive\t" in runner.invoke(args=["user", "list"]).output
    unknown = runner.invoke(args=["user", "disable", "nobody@example.org"])
    assert unknown.exit_code == 2 and "no staff account" in unknown.output


def test_end_sessions_and_reset_two_step_sign_the_account_out(
    app: Flask, runner: FlaskCliRunner
) -> None:
    admin = staff_account(app, StaffRoleName.SYSTEM_ADMIN)
    desk = app.test_client()
    sign_in(desk, app, admin)
    ended = runner.invoke(args=["user", "end-sessions", admin.email])
    assert ended.exit_code == 0 and "1 session(s) of" in ended.output
    assert desk.get("/staff/").status_code == 302
    sign_in(desk, app, admin)
    reset = runner.invoke(args=["user", "reset-two-step", admin.email])
    assert reset.exit_code == 0, reset.output
    assert desk.get("/staff/").status_code == 302
    # The old authenticator is forgotten: the password leads to setting up a new one.
    assert post_password(app.test_client(), admin.email, admin.password).startswith(
        "/staff/two-step/setup"
    )
