"""`flask audit verify [--from-sequence N]`: check the audit log's hash chain from the shell
(IT staff, a nightly timer). Exit status 0 when it holds, 1 naming the first broken row."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk.audit.chain import ChainKeys
from kiosk.audit.verify import ChainReport, verify_chain
from kiosk.extensions import db

audit_group = AppGroup("audit", help="Check the tamper-evident audit log.")


def describe(report: ChainReport, seconds: float) -> str:
    """What a verification found, in one or two lines for IT staff."""
    found = report.first_break
    if found is not None:
        row = f"row id {found.row_id}" if found.row_id is not None else "no row"
        return (
            f"Audit log broken at sequence {found.sequence} ({row}): {found.kind.value}, "
            f"{found.explanation}. {report.verified:,} rows before it verified."
        )
    rate = report.verified / seconds if seconds > 0 else float(report.verified)
    lines = [
        f"Audit log verified: {report.verified:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)."
    ]
    if report.before_chain:
        lines.append(
            f"{report.before_chain:,} rows written before the chain existed are not sealed."
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
