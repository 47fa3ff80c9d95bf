"""The hospital's systems read arrivals and insurance from Lobby: the FHIR R4 read API at
`/fhir`, its integration clients (`flask api-client ...`) and `flask arrivals export`."""

from __future__ import annotations

from flask import Flask

from admin.fhir import cli, views


def init_app(app: Flask) -> None:
    """Register the API and its commands."""
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.api_client_group)
    app.cli.add_command(cli.arrivals_group)
