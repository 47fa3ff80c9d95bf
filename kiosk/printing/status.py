"""Per-printer status: written by that printer's worker, read by kiosks.

A kiosk asks `printer_is_offline()` before promising paper; when the answer is yes it says the
printer is not working and offers the QR code instead. Only a printer known to be failing counts
as offline — a printer that never answers status queries is "unknown" and still used.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.database import dialect_insert
from kiosk.extensions import db
from kiosk.models import PrinterState, PrinterStatus
from kiosk.models.types import utcnow
from kiosk.printing.connections import PrinterUriError, canonical_printer_uri


def record_printer_state(
    printer_uri: str, state: PrinterState, *, error: str = "", now: datetime | None = None
) -> None:
    """Store what the worker just learnt (the caller commits, with the job's outcome).

    A success (any state but OFFLINE) clears the error and stamps `last_success_at`. Written as
    an upsert, so two workers meeting a new printer at once cannot fail each other's commit.
    """
    now = now or utcnow()
    printer_uri = canonical_printer_uri(printer_uri)
    values: dict[str, object] = {
        "state": state,
        "checked_at": now,
        "last_error": error if state is PrinterState.OFFLINE else "",
    }
    if state is not PrinterState.OFFLINE:
        values["last_success_at"] = now
    statement = dialect_insert(PrinterStatus).values(printer_uri=printer_uri, **values)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[PrinterStatus.printer_uri], set_=values)
    )


def printer_status(printer_uri: str) -> PrinterStatus | None:
    """The stored status of a printer, or None before its worker first tried it.

    Raises `PrinterUriError` for an ill-formed URI.
    """
    return db.session.get(PrinterStatus, canonical_printer_uri(printer_uri))


def printer_is_offline(printer_uri: str) -> bool:
    """True when the printer's worker last found it failing (unreachable, offline, no paper),
    or when the URI is so wrong that no worker can ever print to it."""
    try:
        status = printer_status(printer_uri)
    except PrinterUriError:
        return True
    return status is not None and status.state is PrinterState.OFFLINE
