"""Database models. Importing this package registers every table on `db.metadata`, which
Alembic's autogenerate and the schema tests compare against the migrations."""

from kiosk.models.devices import Kiosk
from kiosk.models.printing import PrinterState, PrinterStatus, PrintJob, PrintJobStatus
from kiosk.models.sessions import KioskSession

__all__ = [
    "Kiosk",
    "KioskSession",
    "PrintJob",
    "PrintJobStatus",
    "PrinterState",
    "PrinterStatus",
]
