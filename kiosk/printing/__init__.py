"""Receipt printing: a printer-independent receipt model, ESC/POS rendering with python-escpos,
a preview that reads the bytes back, printer connections with timeouts, a durable print queue,
and a dispatcher that serves many printers from one process (a thread per printer).

Screens build a `Receipt` and call `enqueue_receipt(kiosk, receipt)` in the transaction of what
it prints, then poll `delivery.delivery_state(job_id)` to know what to tell the patient;
`printer_is_offline(uri)` tells a kiosk to offer the QR code instead. `flask print-worker --all`
(or `--printer URI`, repeatable) prints; `jobs` holds what the staff "Printers" screen and
`flask print-jobs` show. Old receipts' bytes are dropped by `flask housekeeping`
(`PRINT_JOB_RETENTION_DAYS`). The queue's settings are in `kiosk.config.DEFAULTS`.

What "printed" means
--------------------
ESC/POS has no "job done" message, so Lobby proves what it can and says no more:

- **sent**: every byte of the receipt was written to the printer's connection. That only
  proves the operating system took them: a printer that accepts a TCP connection and never
  reads would swallow a whole ticket into the kernel's buffers.
- **printed**: after the receipt's bytes, on the same connection, the printer answered a
  real-time status query (DLE EOT 1, then DLE EOT 4) saying it is online and has paper. The
  printer answers a query only once it has read every byte sent before it, so the receipt
  reached the printer, which was then able to print. It does not prove that the paper was
  torn off or taken, or that no jam happened after the answer.
- A printer that should answer (network, USB or serial, with a profile whose model answers
  status queries; see `profiles.STATUS_ANSWERING_VENDORS`) but does not within the timeout, or
  answers "offline" / "paper out", gets the job retried with backoff and finally **failed**:
  the kiosk never says "take your ticket" for it.
- A printer that cannot answer (a device file, or a model that does not implement status)
  leaves its jobs **sent** for good: paper is likely but unproven, and the kiosk says so.
"""

from __future__ import annotations

from flask import Flask

from kiosk.printing import cli, retention
from kiosk.shell.housekeeping import housekeeping_task


def init_app(app: Flask) -> None:
    """Register `flask print-worker`, `flask print-jobs` and the receipt retention task of
    `flask housekeeping`."""
    housekeeping_task(retention.forget_old_receipts)
    app.cli.add_command(cli.print_worker_command)
    app.cli.add_command(cli.print_jobs_command)
