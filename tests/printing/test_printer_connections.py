"""Printer URIs, the dummy and device-file printers, and status from a network printer."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kiosk.models import PrinterState
from kiosk.printing.connections import (
    PrinterUnavailable,
    PrinterUriError,
    canonical_printer_uri,
    interpret_status,
    open_printer,
    parse_printer_uri,
)
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.settings import PrintSettings
from tests.printing.fake_printer import FakePrinter, Mode, refused_uri
from tests.printing.printing_helpers import spanish_directions_receipt


def settings(tmp_path: Path, timeout: float = 0.5) -> PrintSettings:
    return PrintSettings.from_config(
        {"PRINTER_TIMEOUT_SECONDS": timeout, "PRINT_RECEIPTS_FOLDER": str(tmp_path)}, "/unused"
    )


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        ("network://10.0.0.5", "network://10.0.0.5:9100"),
        ("network://printer.example.org:9101/", "network://printer.example.org:9101"),
        ("usb://04B8:0202", "usb://04b8:0202"),
        ("serial:///dev/ttyS0?baudrate=19200", "serial:///dev/ttyS0?baudrate=19200"),
        ("serial:///dev/ttyUSB0", "serial:///dev/ttyUSB0?baudrate=9600"),
        ("file:///dev/usb/lp0", "file:///dev/usb/lp0"),
        (" dummy:// ", "dummy://"),
    ],
)
def test_printer_uris_have_one_spelling(uri: str, canonical: str) -> None:
    assert canonical_printer_uri(uri) == canonical


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "10.0.0.5:9100",
        "http://10.0.0.5",
        "network://",
        "network://10.0.0.5:99999",
        "network://10.0.0.5:9100/path",
        "usb://epson",
        "usb://04b8",
        "serial:///dev/ttyS0?baudrate=fast",
        "serial:///dev/ttyS0?parity=E",
        "file://relative/lp0",
        "dummy://somewhere",
    ],
)
def test_ill_formed_printer_uris_are_refused_with_a_clear_error(uri: str) -> None:
    with pytest.raises(PrinterUriError):
        parse_printer_uri(uri)


def test_receipts_folder_defaults_to_the_instance_folder(app: Flask) -> None:
    folder = PrintSettings.from_config(app.config, app.instance_path).receipts_folder
    assert folder == Path(app.instance_path) / "receipts"


def test_dummy_printer_writes_the_bytes_and_a_preview(tmp_path: Path) -> None:
    payload = render_escpos(spanish_directions_receipt(), "Sunmi-V2")
    with open_printer(
        "dummy://", settings(tmp_path), profile_name="Sunmi-V2", job_name="job-000007"
    ) as printer:
        printer.send(payload)
        assert printer.query_status().state is PrinterState.ONLINE
    assert (tmp_path / "job-000007.bin").read_bytes() == payload
    with (tmp_path / "job-000007.png").open("rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_device_file_printer_appends_bytes_and_never_creates_a_missing_device(
    tmp_path: Path,
) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    for payload in (b"\x1b@first", b"\x1b@second"):
        with open_printer(f"file://{device}", settings(tmp_path)) as printer:
            printer.send(payload)
            assert printer.query_status().state is PrinterState.UNKNOWN
    assert device.read_bytes() == b"\x1b@first\x1b@second"
    with pytest.raises(PrinterUnavailable, match="device not found"):
        open_printer(f"file://{tmp_path / 'unplugged'}", settings(tmp_path))
    assert not (tmp_path / "unplugged").exists()


def test_network_printer_receives_the_job_and_reports_online(
    tmp_path: Path, fake_printer: FakePrinter
) -> None:
    with open_printer(fake_printer.uri, settings(tmp_path)) as printer:
        printer.send(b"\x1b@hola")
        assert printer.query_status().state is PrinterState.ONLINE
    assert fake_printer.wait_for_receipts(1) == [b"\x1b@hola"]


@pytest.mark.parametrize(
    ("mode", "state", "problem"),
    [
        (Mode.PAPER_OUT, PrinterState.OFFLINE, "printer reports paper out"),
        (Mode.SILENT, PrinterState.UNKNOWN, ""),
    ],
)
def test_network_printer_status_is_paper_out_or_honestly_unknown(
    tmp_path: Path, fake_printer: FakePrinter, mode: Mode, state: PrinterState, problem: str
) -> None:
    fake_printer.mode = mode
    # The silent printer costs the whole timeout; an answering one must never lose its answer
    # to a short timeout on a busy machine.
    with open_printer(fake_printer.uri, settings(tmp_path, timeout=2)) as printer:
        printer.send(b"\x1b@hola")
        report = printer.query_status()
    assert (report.state, report.problem) == (state, problem)


def test_refused_connection_is_a_short_error(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="^connection refused$"):
        open_printer(refused_uri(), settings(tmp_path))


@pytest.mark.parametrize(
    ("printer_byte", "paper_byte", "state"),
    [
        (b"\x12", b"\x12", PrinterState.ONLINE),
        (b"\x1a", b"\x12", PrinterState.OFFLINE),  # offline bit: cover open
        (b"\x12", b"\x7e", PrinterState.OFFLINE),  # paper end
        (b"\x12", b"\x1e", PrinterState.ONLINE),  # paper near end still prints
        (b"", b"", PrinterState.UNKNOWN),  # silence is not a fault
        (b"\xff", b"\x12", PrinterState.UNKNOWN),  # not a status byte
    ],
)
def test_status_bytes_are_read_without_mistaking_silence_for_offline(
    printer_byte: bytes, paper_byte: bytes, state: PrinterState
) -> None:
    assert interpret_status(printer_byte, paper_byte).state is state
