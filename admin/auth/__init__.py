"""Staff accounts and sign-in: Flask-Security-Too on Lobby's server-side sessions (see
`admin.auth.signin` for why), the sign-in throttle, the `flask user` commands and the system
admin's accounts page."""

from __future__ import annotations

from flask import Flask

from admin.auth import cli, signin, users_page


def init_app(app: Flask) -> None:
    """Set up sign-in, the accounts page and the commands."""
    signin.init_app(app)
    app.register_blueprint(users_page.bp)
    app.cli.add_command(cli.user_group)
