"""The tamper-evident audit log: every row sealed onto a keyed hash chain as its transaction
commits (`chain`), `flask audit verify` to check it (`verify`, `cli`) and `flask audit seal`
for rows written before the chain existed (`legacy`). Writing events stays
`kiosk.checkin.audit.record_audit`."""

from __future__ import annotations

from flask import Flask

from kiosk.audit import chain, cli


def init_app(app: Flask) -> None:
    """Seal audit rows as their transactions commit, and add `flask audit ...`."""
    chain.seal_every_commit()
    app.cli.add_command(cli.audit_group)
