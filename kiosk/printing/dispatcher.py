"""One print dispatcher process for many printers: a thread per printer, each running that
printer's `PrintWorker` with its own timeouts, retries and backoff.

A worker process per printer cost ~100 MB each, which capped a small box at a few dozen
printers; threads share one interpreter, one set of imports and one connection pool. A slow or
dead printer still delays only its own thread. Idle threads do not poll: the dispatcher asks
the queue once per `PRINT_POLL_SECONDS` which printers have a job due and wakes only those.

One writer per printer is kept because the dispatcher runs exactly one thread per canonical
printer URI (two spellings of a printer are one thread), each thread holds its printer's
`PrinterLock` on the host while it serves it, and the queue's atomic claim keeps any process on
another host from printing a job twice.

With `discover=True` (`flask print-worker --all`) the dispatcher serves every printer a kiosk
names, and looks again every `PRINT_DISCOVERY_SECONDS`, so a newly enrolled kiosk's printer is
served without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from kiosk.extensions import db
from kiosk.printing.connections import canonical_printer_uri
from kiosk.printing.jobs import known_printer_uris
from kiosk.printing.printer_lock import PrinterLock
from kiosk.printing.queue import printers_with_due_jobs
from kiosk.printing.settings import PrintSettings
from kiosk.printing.worker import PrintWorker

logger = logging.getLogger(__name__)


class PrintDispatcher:
    """Runs the workers of several printers in one process. Create it in an app context."""

    def __init__(
        self,
        app: Flask,
        settings: PrintSettings,
        printer_uris: Iterable[str] = (),
        *,
        discover: bool = False,
    ) -> None:
        """Raises `PrinterUriError` for an ill-formed URI among `printer_uris`."""
        self.app = app
        self.settings = settings
        self.discover = discover
        self.workers: dict[str, PrintWorker] = {}
        self.threads: dict[str, threading.Thread] = {}
        self.wakes: dict[str, threading.Event] = {}
        for uri in printer_uris:
            self.add_printer(uri)
        if discover:
            self.discover_printers()

    @property
    def printer_uris(self) -> list[str]:
        """The printers served, in canonical spelling."""
        return sorted(self.workers)

    def add_printer(self, uri: str) -> bool:
        """Serve `uri` (once, whatever its spelling); True if it was new."""
        canonical = canonical_printer_uri(uri)
        if canonical in self.workers:
            return False
        self.workers[canonical] = PrintWorker(canonical, self.settings)
        return True

    def discover_printers(self) -> list[str]:
        """Add every printer a kiosk names; return the ones that were new."""
        return [uri for uri in known_printer_uris() if self.add_printer(uri)]

    def in_app_context(self, work: Callable[[], None]) -> Callable[[], None]:
        """`work` wrapped to run in this thread's own application context and session."""

        def run() -> None:
            with self.app.app_context():
                try:
                    work()
                finally:
                    db.session.remove()

        return run

    def start_missing_threads(self, stop: threading.Event) -> None:
        """Start a worker thread for each printer that has none yet."""
        for uri, worker in self.workers.items():
            if uri in self.threads:
                continue
            wake = self.wakes.setdefault(uri, threading.Event())
            thread = threading.Thread(
                target=self.in_app_context(partial(self.serve, worker, stop, wake)),
                name=f"print-worker {uri}",
                daemon=True,
            )
            self.threads[uri] = thread
            thread.start()

    def serve(self, worker: PrintWorker, stop: threading.Event, wake: threading.Event) -> None:
        """One printer's thread: hold its lock, then run its worker until `stop`."""
        lock = PrinterLock(self.settings.lock_folder, worker.printer_uri)
        retry_seconds = max(self.settings.poll_seconds, self.settings.probe_seconds)
        if not lock.acquire(stop, retry_seconds):
            return
        try:
            worker.run(stop, wake)
        finally:
            lock.release()

    def run(self, stop: threading.Event) -> None:
        """Serve every printer until `stop` is set, then wait for each thread's job in hand."""
        self.start_missing_threads(stop)
        next_discovery = time.monotonic() + self.settings.discovery_seconds
        with self.app.app_context():
            while not stop.wait(self.settings.poll_seconds):
                self.wake_printers_with_due_jobs()
                if self.discover and time.monotonic() >= next_discovery:
                    self.look_for_new_printers(stop)
                    next_discovery = time.monotonic() + self.settings.discovery_seconds
            db.session.remove()
        for wake in self.wakes.values():
            wake.set()
        for thread in self.threads.values():
            thread.join()

    def wake_printers_with_due_jobs(self) -> None:
        """Wake the threads of printers that have a job due (one query for all printers)."""
        try:
            due = printers_with_due_jobs()
        except SQLAlchemyError:
            logger.exception("database error in the print dispatcher; retrying")
            due = set()
        db.session.rollback()  # hold no connection between polls
        for uri in due & self.wakes.keys():
            self.wakes[uri].set()

    def look_for_new_printers(self, stop: threading.Event) -> None:
        """Discover printers of newly enrolled kiosks and start their threads."""
        try:
            new = self.discover_printers()
        except SQLAlchemyError:
            logger.exception("database error while looking for new printers; retrying later")
            new = []
        db.session.rollback()
        if new:
            logger.info("serving new printer(s): %s", ", ".join(new))
            self.start_missing_threads(stop)

    def process_due_jobs(self) -> dict[str, int]:
        """Print what is due now on every printer, in parallel; jobs tried per printer."""
        processed: dict[str, int] = {}

        def process(uri: str, worker: PrintWorker) -> None:
            processed[uri] = worker.process_due_jobs()

        with ThreadPoolExecutor(max_workers=max(1, len(self.workers))) as pool:
            futures = [
                pool.submit(self.in_app_context(partial(process, uri, worker)))
                for uri, worker in self.workers.items()
            ]
            for future in futures:
                future.result()
        return dict(sorted(processed.items()))
