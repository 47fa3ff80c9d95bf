"""Print queue settings: defaults in code, overridable through the application config.

Printer timeouts are explicit because python-escpos's defaults are not safe for a kiosk: a
network printer waits 60 s and a USB printer forever, which would stall a worker on a dead
printer while other receipts wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from kiosk.config import DEFAULTS

PRINTER_TIMEOUT_SECONDS = "PRINTER_TIMEOUT_SECONDS"
PRINT_MAX_ATTEMPTS = "PRINT_MAX_ATTEMPTS"
PRINT_BACKOFF_BASE_SECONDS = "PRINT_BACKOFF_BASE_SECONDS"
PRINT_BACKOFF_CAP_SECONDS = "PRINT_BACKOFF_CAP_SECONDS"
PRINT_LEASE_SECONDS = "PRINT_LEASE_SECONDS"
PRINT_POLL_SECONDS = "PRINT_POLL_SECONDS"
PRINTER_PROBE_SECONDS = "PRINTER_PROBE_SECONDS"
PRINT_RECEIPTS_FOLDER = "PRINT_RECEIPTS_FOLDER"
PRINT_DISCOVERY_SECONDS = "PRINT_DISCOVERY_SECONDS"


@dataclass(frozen=True)
class PrintSettings:
    """The queue and printer settings in effect, read once per worker or command."""

    printer_timeout: float
    max_attempts: int
    backoff_base: float
    backoff_cap: float
    lease_seconds: float
    poll_seconds: float
    probe_seconds: float
    receipts_folder: Path
    discovery_seconds: float
    # Where each served printer's lock file lives (one writer per printer on this host).
    lock_folder: Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str) -> PrintSettings:
        def setting(key: str) -> Any:
            return config.get(key, DEFAULTS[key])  # a bare mapping (tests) falls back

        return cls(
            printer_timeout=float(setting(PRINTER_TIMEOUT_SECONDS)),
            max_attempts=max(1, int(setting(PRINT_MAX_ATTEMPTS))),
            backoff_base=float(setting(PRINT_BACKOFF_BASE_SECONDS)),
            backoff_cap=float(setting(PRINT_BACKOFF_CAP_SECONDS)),
            lease_seconds=float(setting(PRINT_LEASE_SECONDS)),
            poll_seconds=float(setting(PRINT_POLL_SECONDS)),
            probe_seconds=float(setting(PRINTER_PROBE_SECONDS)),
            receipts_folder=Path(setting(PRINT_RECEIPTS_FOLDER) or Path(instance_path, "receipts")),
            discovery_seconds=float(setting(PRINT_DISCOVERY_SECONDS)),
            lock_folder=Path(instance_path, "printer-locks"),
        )


def current_settings() -> PrintSettings:
    """Settings of the current Flask application."""
    return PrintSettings.from_config(current_app.config, current_app.instance_path)
