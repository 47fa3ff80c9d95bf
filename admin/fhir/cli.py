"""`flask api-client ...` (hospital IT create, list and revoke the API's integration clients)
and `flask arrivals export` (a day's arrivals as the same FHIR Bundle the API serves)."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from admin.fhir.clients import SCOPES, ApiClientError, all_clients, create_client, revoke_client
from admin.fhir.disclosures import record_disclosures
from admin.fhir.searches import BadSearch, parse_export_search
from admin.fhir.searchsets import appointment_searchset
from kiosk.extensions import db

api_client_group = AppGroup("api-client", help="Manage the FHIR API's integration clients.")
arrivals_group = AppGroup("arrivals", help="Arrivals for the hospital's systems.")


def moment(value: datetime | None) -> str:
    """A stored time for a listing, or "never"."""
    return value.isoformat(timespec="seconds") if value is not None else "never"


@api_client_group.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="Repeatable: what the client may read.",
)
@click.option("--by", "created_by", default="", help="Who creates it (default: your account).")
def create_command(name: str, scopes: tuple[str, ...], created_by: str) -> None:
    """Create client NAME and print its token, once: it is stored only as a digest."""
    try:
        issued = create_client(name, scopes, created_by=created_by or getpass.getuser())
    except ApiClientError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"Created API client {issued.client.name} ({issued.client.scopes}).")
    click.echo("Its token, shown only now (send it as 'Authorization: Bearer <token>'):")
    click.echo(issued.token)


@api_client_group.command("list")
def list_command() -> None:
    """List clients: name, scopes, created (when, by whom), last used, revoked."""
    for client in all_clients():
        state = f"revoked {moment(client.revoked_at)}" if client.revoked_at else "active"
        click.echo(
            f"{client.name}\t{client.scopes}\tcreated {moment(client.created_at)} by"
            f" {client.created_by}\tlast used {moment(client.last_used_at)}\t{state}"
        )


@api_client_group.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke client NAME: its token stops working at once; the client stays listed."""
    try:
        revoke_client(name)
    except ApiClientError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"Revoked API client {name}.")


@arrivals_group.command("export")
@click.option("--date", "day", required=True, help="The facility's day, YYYY-MM-DD.")
@click.option("--status", "statuses", default=None, help="FHIR codes, e.g. arrived,fulfilled.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
def export_command(day: str, statuses: str | None, out: Path | None) -> None:
    """Write the day's appointments as a FHIR R4 searchset Bundle (audited as an export)."""
    parameters = {"date": day, **({"status": statuses} if statuses is not None else {})}
    try:
        search = parse_export_search(MultiDict(parameters))
    except BadSearch as error:
        with force_locale("en"):
            raise click.UsageError(str(error.message)) from None
    found = appointment_searchset(search)
    text = found.bundle.model_dump_json(indent=2)
    if out is None:
        click.echo(text)
    else:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            # Nothing was handed out, so nothing is audited.
            raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    record_disclosures("Appointment", found.disclosed, api_client_id=None)
    if out is not None:
        click.echo(f"Wrote {len(found.disclosed)} appointments to {out}.", err=True)
