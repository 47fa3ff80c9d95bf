"""`flask user ...`: hospital IT manage staff accounts from the server's command line.

There are no default passwords: the first system admin comes from
`flask user create --role system-admin EMAIL`, which prompts for the password (twice, never
echoed, never an argument that would land in the shell's history).
"""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import AppGroup

from admin.auth import accounts
from kiosk.extensions import db
from kiosk.models import StaffRoleName, StaffUser

user_group = AppGroup("user", help="Manage staff accounts.")

ROLE_CHOICE = click.Choice([role.value for role in StaffRoleName])


def account_named(email: str) -> StaffUser:
    """The account, or a usage error naming the email."""
    user = accounts.find_account(email)
    if user is None:
        raise click.UsageError(f"no staff account for {email}")
    return user


def prompt_password() -> str:
    """Ask for a new password twice, hidden."""
    password: str = click.prompt(
        "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
    )
    return password


@user_group.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE, help="Repeatable.")
@click.option("--name", "full_name", default="", help="The person's name, shown to staff.")
def create_command(email: str, roles: tuple[str, ...], full_name: str) -> None:
    """Create a staff account; prompts for its password. Admin roles set up two-step sign-in
    at their first sign-in."""
    password = prompt_password()
    new = accounts.NewAccount(email, password, tuple(StaffRoleName(r) for r in roles), full_name)
    try:
        user = accounts.create_account(new)
    except accounts.AccountError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.role_names()))}).")
    if user.needs_two_factor():
        click.echo("At the first sign-in they set up an authenticator app before anything else.")


@user_group.command("list")
def list_command() -> None:
    """Show every staff account: roles, state, two-step sign-in and last sign-in."""
    for user in accounts.all_accounts():
        state = "active" if user.active else "disabled"
        two_step = "two-step" if user.tf_primary_method else "password only"
        seen = (
            user.current_login_at.isoformat(timespec="seconds")
            if user.current_login_at
            else "never"
        )
        demo = "  (demo)" if user.is_demo else ""
        click.echo(
            f"{user.email}\t{','.join(sorted(user.role_names()))}\t{state}\t{two_step}"
            f"\tlast sign-in {seen}{demo}"
        )


def change_account(email: str, change: Callable[[StaffUser], object], done: str) -> None:
    """Apply `change` to the account, commit, and say `done` (`{email}`, `{result}`)."""
    user = account_named(email)
    try:
        result = change(user)
    except accounts.AccountError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(done.format(email=user.email, result=result))


@user_group.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account and sign it out everywhere."""
    change_account(email, accounts.disable, "{email} is disabled and signed out everywhere.")


@user_group.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Let a disabled account sign in again."""
    change_account(email, accounts.enable, "{email} can sign in again.")


@user_group.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Set a new password (prompted) and sign the account out everywhere."""
    change_account(
        email,
        lambda user: accounts.set_password(user, prompt_password()),
        "New password set for {email}; every session of the account ended.",
    )


@user_group.command("reset-two-step")
@click.argument("email")
def reset_two_step_command(email: str) -> None:
    """Forget the account's authenticator (a lost phone) and sign it out everywhere."""
    change_account(
        email, accounts.reset_two_factor, "{email} sets up a new authenticator at the next sign-in."
    )


@user_group.command("end-sessions")
@click.argument("email")
def end_sessions_command(email: str) -> None:
    """Sign the account out on every computer now."""
    change_account(email, accounts.end_sessions, "{result} session(s) of {email} ended.")
