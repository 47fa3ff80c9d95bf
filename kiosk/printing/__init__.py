"""Receipt printing: a printer-independent receipt model, ESC/POS rendering with python-escpos,
a preview that reads the bytes back, printer connections with timeouts, and a durable print
queue with one worker per printer.

Screens build a `Receipt` and call `enqueue_receipt(kiosk, receipt)` in the transaction of what
it prints; `flask print-worker --printer URI` prints; `printer_is_offline(uri)` tells a kiosk to
offer the QR code instead. See `settings.DEFAULTS` for the configuration keys.
"""

from __future__ import annotations

from flask import Flask

from kiosk.printing import cli


def init_app(app: Flask) -> None:
    """Register `flask print-worker` and `flask print-jobs`."""
    app.cli.add_command(cli.print_worker_command)
    app.cli.add_command(cli.print_jobs_command)
