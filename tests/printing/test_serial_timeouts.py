"""Serial printers get a write timeout sized from the job's bytes and the baud rate, so a map
receipt at 9,600 or 19,200 baud is not cut off by a fixed timeout."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial  # type: ignore[import-untyped]
from flask import Flask

from kiosk.printing.connections import open_printer, serial_write_timeout
from kiosk.printing.settings import PrintSettings
from tests.printing.printing_helpers import STATUS_ANSWERING_PROFILE, real_directions_payload

BAUD_RATES = (9600, 19200)
FIXED_TIMEOUT_SECONDS = 5.0


def wire_seconds(payload: bytes, baudrate: int) -> float:
    """How long the bytes take on an 8N1 line: 10 bits a byte."""
    return len(payload) / (baudrate / 10)


@pytest.fixture
def serial_line() -> Iterator[str]:
    """A pseudo-terminal standing in for the printer's serial port; its other end is drained."""
    controller, device = os.openpty()
    path = os.ttyname(device)

    def drain() -> None:
        while True:
            try:
                if not os.read(controller, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    yield path
    os.close(device)
    os.close(controller)


@pytest.mark.parametrize("baudrate", BAUD_RATES)
def test_write_timeout_covers_a_directions_receipt_on_the_wire(app: Flask, baudrate: int) -> None:
    payload = real_directions_payload(app)
    on_the_wire = wire_seconds(payload, baudrate)
    assert on_the_wire > FIXED_TIMEOUT_SECONDS  # the old fixed timeout cut every map receipt
    timeout = serial_write_timeout(len(payload), baudrate, FIXED_TIMEOUT_SECONDS)
    assert on_the_wire + FIXED_TIMEOUT_SECONDS < timeout < 2 * on_the_wire + FIXED_TIMEOUT_SECONDS


@pytest.mark.parametrize("baudrate", BAUD_RATES)
def test_serial_printer_writes_a_directions_receipt_with_a_timeout_sized_for_it(
    app: Flask, tmp_path: Path, serial_line: str, baudrate: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = real_directions_payload(app)
    timeouts_in_force: list[float] = []
    original_write = serial.Serial.write

    def write_and_note_timeout(port: serial.Serial, data: bytes) -> int:
        timeouts_in_force.append(port.write_timeout)
        return int(original_write(port, data))

    monkeypatch.setattr(serial.Serial, "write", write_and_note_timeout)
    settings = PrintSettings.from_config(
        {"PRINTER_TIMEOUT_SECONDS": FIXED_TIMEOUT_SECONDS, "PRINT_RECEIPTS_FOLDER": str(tmp_path)},
        "/unused",
    )
    uri = f"serial://{serial_line}?baudrate={baudrate}"
    with open_printer(uri, settings, profile_name=STATUS_ANSWERING_PROFILE) as printer:
        printer.send(payload)
    needed = wire_seconds(payload, baudrate)
    assert timeouts_in_force and min(timeouts_in_force) > needed
