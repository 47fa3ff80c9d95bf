"""`flask audit verify [--from-sequence N]`: check the audit log's hash chain from the shell
(IT staff, a nightly timer). Exit status 0 when it holds, 1 naming the first broken row.
`flask audit seal`: seal the rows written before the chain existed, once after the upgrade."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk.audit.chain import KEY_PURPOSE, ChainKeys
from kiosk.audit.legacy import seal_rows_before_chain
from kiosk.audit.verify import ChainReport, verify_chain
from kiosk.extensions import db
from kiosk.keys import key_version, purpose_key

audit_group = AppGroup("audit", help="Check the tamper-evident audit log.")


def describe(report: ChainReport, seconds: float) -> str:
    """What a verification found, in one or two lines for IT staff."""
    found = report.first_break
    if found is not None:
        row = f"row id {found.row_id}" if found.row_id is not None else "no row"
        place = f"sequence {found.sequence}" if found.sequence is not None else "a row"
        return (
            f"Audit log broken at {place} ({row}): {found.kind.value}, "
            f"{found.explanation}. {report.verified:,} rows before it verified."
        )
    rate = report.verified / seconds if seconds > 0 else float(report.verified)
    lines = [
        f"Audit log verified: {report.verified:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)."
    ]
    if report.before_chain:
        lines.append(
            f"{report.before_chain:,} rows written before the chain existed are not sealed"
            " (flask audit seal)."
        )
    return "\n".join(lines)


@audit_group.command("verify")
@click.option(
    "--from-sequence",
    type=click.IntRange(min=1, max=2**63 - 1),
    default=1,
    show_default=True,
    help="Start at this sequence number (the rows before it are trusted).",
)
def verify_command(from_sequence: int) -> None:
    """Recompute the hash chain and report the first edited, deleted, inserted or reordered
    row; exit status 1 if there is one."""
    started = time.perf_counter()
    with db.engine.connect() as connection:
        report = verify_chain(connection, ChainKeys(current_app), from_sequence)
    click.echo(describe(report, time.perf_counter() - started))
    if report.first_break is not None:
        raise SystemExit(1)


@audit_group.command("seal")
def seal_command() -> None:
    """Seal the rows written before the chain existed (once, after upgrading to 0014), so that
    verification covers them too."""
    version = key_version(current_app, KEY_PURPOSE)
    key = purpose_key(current_app, KEY_PURPOSE, version)
    with db.engine.begin() as connection:
        sealed = seal_rows_before_chain(connection, key, version)
    if sealed:
        click.echo(f"Sealed {sealed:,} rows written before the chain existed.")
    else:
        click.echo("Nothing to seal: every row written before the chain is sealed.")
