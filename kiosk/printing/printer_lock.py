"""One writer per printer on a print host: an exclusive lock file per printer device.

Two processes writing to one USB printer get "Resource busy", and two writers interleaving on a
serial line garble both receipts. The dispatcher already runs one thread per printer; this lock
also keeps a second dispatcher (or a worker started by hand) on the same host off a printer that
is served, until the first one stops or dies — the kernel drops a dead process's lock.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from kiosk.printing.connections import parse_printer_uri

logger = logging.getLogger(__name__)


class PrinterLock:
    """The lock of one printer device, in `folder` (created for the service user only)."""

    def __init__(self, folder: Path, printer_uri: str) -> None:
        self.printer_uri = printer_uri
        device = parse_printer_uri(printer_uri).device
        self.path = folder / f"{quote(device, safe='')}.lock"
        self.handle: TextIO | None = None

    def try_acquire(self) -> bool:
        """Take the lock if no one holds it; True when this object now holds it."""
        if self.handle is not None:
            return True
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def acquire(self, stop: threading.Event, retry_seconds: float) -> bool:
        """Wait for the lock, trying every `retry_seconds`; False if `stop` came first."""
        if self.try_acquire():
            return True
        logger.warning("another print worker serves %s; waiting for it", self.printer_uri)
        while not stop.wait(retry_seconds):
            if self.try_acquire():
                logger.info("now serving %s", self.printer_uri)
                return True
        return False

    def release(self) -> None:
        """Let the next writer have the printer."""
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
