"""Open a printer from its URI for one job, with explicit timeouts, and ask how it is.

Printers are opened per job and closed after it: a printer that was power-cycled or re-plugged
is found again on the next job, and a USB printer is never held between jobs. Every operation
has a timeout, so a dead printer costs the worker seconds, not forever; a serial printer's
write timeout grows with the job, because at 9,600 baud a directions receipt takes over a
minute on the wire. Driver exceptions never leave this module: they become
`PrinterUnavailable` with a short, data-free message.

`can_confirm` says whether a connection can prove the printer read a job (see
`printer_can_confirm`); the worker only calls a job printed on such proof.

Supported URIs::

    network://host:9100          raw TCP (python-escpos Network)
    usb://04b8:0202              vendor:product in hex (python-escpos Usb)
    serial:///dev/ttyS0?baudrate=19200
    file:///dev/usb/lp0          a device file (printer class driver)
    dummy://                     writes <receipts>/<job>.bin and .png (development, tests)
"""

from __future__ import annotations

import os
import select
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from escpos.exceptions import Error as EscposError  # type: ignore[import-untyped]
from escpos.printer import Network, Serial, Usb  # type: ignore[import-untyped]

from kiosk.models import PrinterState
from kiosk.printing.preview import render_preview
from kiosk.printing.profiles import DEFAULT_PROFILE, printer_profile
from kiosk.printing.settings import PrintSettings

DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUDRATE = 9600
# A small send buffer makes a printer that stops reading show up as a send timeout. With the
# kernel's default (up to megabytes) a whole receipt vanishes into the buffer of a hung printer
# and would be reported as sent.
NETWORK_SEND_BUFFER_BYTES = 8192
# Real-time status queries (DLE EOT n) and the bits that matter in their one-byte answers.
QUERY_PRINTER_STATUS = b"\x10\x04\x01"
QUERY_PAPER_STATUS = b"\x10\x04\x04"
STATUS_FIXED_BITS_MASK = 0x93  # bits 0, 1, 4, 7 have fixed values in every status byte
STATUS_FIXED_BITS = 0x12
PRINTER_OFFLINE_BIT = 0x08
PAPER_END_BITS = 0x60
ERROR_MESSAGE_LIMIT = 200
# A serial line sends a start bit, 8 data bits and a stop bit per byte (8N1).
SERIAL_BITS_PER_BYTE = 10
# Room on top of the time on the wire: flow control pauses while the printer prints.
SERIAL_WIRE_TIME_FACTOR = 1.25


class PrinterUriError(ValueError):
    """A printer URI that is ill-formed or names an unsupported kind of connection."""


class PrinterUnavailable(Exception):
    """This attempt to print failed; the message is short and never contains receipt data."""


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer URI."""

    scheme: str
    host: str = ""
    port: int = DEFAULT_NETWORK_PORT
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    baudrate: int = DEFAULT_BAUDRATE

    @property
    def uri(self) -> str:
        """The canonical spelling, so a kiosk's jobs and its worker name the printer alike."""
        match self.scheme:
            case "network":
                return f"network://{self.host}:{self.port}"
            case "usb":
                return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"
            case "serial":
                return f"serial://{self.path}?baudrate={self.baudrate}"
            case "file":
                return f"file://{self.path}"
        return "dummy://"

    @property
    def device(self) -> str:
        """What one writer at a time may hold: the same serial port at two baud rates, or a
        device path reached as serial and as file, is one device."""
        match self.scheme:
            case "network":
                return f"network {self.host}:{self.port}"
            case "usb":
                return f"usb {self.vendor_id:04x}:{self.product_id:04x}"
            case "serial" | "file":
                return f"device {self.path}"
        return "dummy"


@dataclass(frozen=True)
class StatusReport:
    """What the printer said after a job (or a probe); `problem` explains OFFLINE."""

    state: PrinterState
    problem: str = ""


def parse_printer_uri(uri: str) -> PrinterAddress:
    """Parse and validate a printer URI; raise `PrinterUriError` saying what is wrong."""
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError as error:
        raise PrinterUriError(f"ill-formed printer URI {uri!r}: {error}") from None
    options = parse_qs(parts.query)
    match parts.scheme:
        case "network":
            if not parts.hostname or parts.path not in ("", "/") or options:
                raise PrinterUriError("network printers are written network://host:9100")
            return PrinterAddress("network", host=parts.hostname, port=port or DEFAULT_NETWORK_PORT)
        case "usb":
            return parse_usb_address(parts.netloc, uri)
        case "serial":
            return parse_serial_address(parts.path, options)
        case "file":
            if parts.netloc or not parts.path.startswith("/") or options:
                raise PrinterUriError("device files are written file:///dev/usb/lp0")
            return PrinterAddress("file", path=parts.path)
        case "dummy":
            if parts.netloc or parts.path or options:
                raise PrinterUriError("the dummy printer is written dummy://")
            return PrinterAddress("dummy")
    raise PrinterUriError(
        f"unsupported printer URI {uri!r}: use network://, usb://, serial://, file:// or dummy://"
    )


def canonical_printer_uri(uri: str) -> str:
    """`network://10.0.0.5` and `network://10.0.0.5:9100/` are one printer: one spelling."""
    return parse_printer_uri(uri).uri


def printer_can_confirm(uri: str, profile_name: str) -> bool:
    """Whether this printer can prove it read a job: it is reachable both ways (network, USB,
    serial) and its model answers status queries, or it is the dummy printer. A device file is
    write-only, so its jobs can only ever be "sent"."""
    scheme = parse_printer_uri(uri).scheme
    if scheme == "dummy":
        return True
    return scheme != "file" and printer_profile(profile_name).answers_status


def serial_write_timeout(payload_bytes: int, baudrate: int, margin_seconds: float) -> float:
    """Seconds a serial printer may take to accept `payload_bytes`: the time on the wire at
    `baudrate` (bytes ÷ (baud ÷ 10)), with room for flow-control pauses, plus the margin.

    A fixed 5 s timeout failed every map receipt: ~78 kB take ~82 s at 9,600 baud.
    """
    wire_seconds = payload_bytes / (baudrate / SERIAL_BITS_PER_BYTE)
    return wire_seconds * SERIAL_WIRE_TIME_FACTOR + margin_seconds


def parse_usb_address(netloc: str, uri: str) -> PrinterAddress:
    """`usb://VID:PID` with both ids in hex, as lsusb prints them."""
    vendor, _, product = netloc.partition(":")
    try:
        vendor_id, product_id = int(vendor, 16), int(product, 16)
    except ValueError:
        raise PrinterUriError(
            f"USB printers are written usb://VID:PID in hex (e.g. usb://04b8:0202), not {uri!r}"
        ) from None
    return PrinterAddress("usb", vendor_id=vendor_id, product_id=product_id)


def parse_serial_address(path: str, options: dict[str, list[str]]) -> PrinterAddress:
    """`serial:///dev/ttyS0?baudrate=19200`; the baud rate is the only option."""
    if not path.startswith("/") or set(options) - {"baudrate"}:
        raise PrinterUriError("serial printers are written serial:///dev/ttyS0?baudrate=19200")
    try:
        baudrate = int(options.get("baudrate", [str(DEFAULT_BAUDRATE)])[-1])
    except ValueError:
        raise PrinterUriError("the serial baudrate must be a number") from None
    if baudrate <= 0:
        raise PrinterUriError("the serial baudrate must be a positive number")
    return PrinterAddress("serial", path=path, baudrate=baudrate)


def describe_error(error: BaseException) -> str:
    """A short description for job lists and logs: the kind of failure, never any data."""
    cause = error.__cause__ or error.__context__
    if isinstance(error, EscposError) and isinstance(cause, OSError):
        error = cause  # python-escpos wraps the socket or USB error in DeviceNotFoundError
    match error:
        case TimeoutError():
            message = "no answer in time (timeout)"
        case ConnectionRefusedError():
            message = "connection refused"
        case ConnectionResetError() | BrokenPipeError() | ConnectionAbortedError():
            message = "connection dropped by the printer"
        case FileNotFoundError():
            message = "device not found"
        case OSError(strerror=str(reason)):
            message = reason
        case _:
            message = type(error).__name__
    return message[:ERROR_MESSAGE_LIMIT]


@contextmanager
def printer_errors() -> Iterator[None]:
    """Turn driver and OS errors into `PrinterUnavailable`."""
    try:
        yield
    except (OSError, EscposError) as error:
        raise PrinterUnavailable(describe_error(error)) from error


def interpret_status(printer_byte: bytes, paper_byte: bytes) -> StatusReport:
    """Read DLE EOT 1 and DLE EOT 4 answers; silence or noise means UNKNOWN, not offline.

    python-escpos's `is_online()` reports an unanswered query as offline; a printer that simply
    does not implement status would then look broken forever.
    """
    if len(printer_byte) != 1 or printer_byte[0] & STATUS_FIXED_BITS_MASK != STATUS_FIXED_BITS:
        return StatusReport(PrinterState.UNKNOWN)
    if printer_byte[0] & PRINTER_OFFLINE_BIT:
        return StatusReport(PrinterState.OFFLINE, "printer reports offline (cover open or error)")
    if len(paper_byte) == 1 and paper_byte[0] & STATUS_FIXED_BITS_MASK == STATUS_FIXED_BITS:
        if paper_byte[0] & PAPER_END_BITS:
            return StatusReport(PrinterState.OFFLINE, "printer reports paper out")
    return StatusReport(PrinterState.ONLINE)


class PrinterConnection(ABC):
    """An open printer for one job: send the bytes, ask for status, close."""

    # Whether an answer to `query_status` after the data proves the printer read it.
    can_confirm: bool = False

    @abstractmethod
    def send(self, payload: bytes) -> None:
        """Send every byte or raise `PrinterUnavailable`."""

    @abstractmethod
    def query_status(self) -> StatusReport:
        """Ask the printer how it is; UNKNOWN when it cannot or does not answer."""

    @abstractmethod
    def close(self) -> None:
        """Release the printer (socket, USB interface, device file)."""

    def __enter__(self) -> PrinterConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class BoundedSendNetwork(Network):  # type: ignore[misc]
    """python-escpos Network with a small send buffer (see NETWORK_SEND_BUFFER_BYTES).

    Also closes the socket when connecting fails: python-escpos 3.1 drops it unclosed, which
    would leak a file descriptor per attempt in a worker retrying an unplugged printer.
    """

    def open(self, raise_not_found: bool = True) -> None:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, NETWORK_SEND_BUFFER_BYTES)
        try:
            connection.connect((self.host, self.port))
        except OSError:
            connection.close()
            raise
        self.device = connection


class TimedSerial(Serial):  # type: ignore[misc]
    """python-escpos Serial whose writes time out too (it only sets a read timeout); the
    short timeout covers status queries, `SerialConnection.send` sizes it for each job."""

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        self.device.write_timeout = self.timeout


class EscposConnection(PrinterConnection):
    """A network, USB or serial printer driven through a python-escpos printer object."""

    def __init__(self, printer: Any, *, can_confirm: bool) -> None:
        self.printer = printer
        self.can_confirm = can_confirm
        with printer_errors():
            printer.open()

    def send(self, payload: bytes) -> None:
        with printer_errors():
            self.printer._raw(payload)

    def read_status_byte(self, query: bytes) -> bytes:
        """One status byte, or b"" when the printer stays silent within the timeout."""
        with printer_errors():
            self.printer._raw(query)
            try:
                return bytes(self.printer._read())[:1]
            except (TimeoutError, NotImplementedError):
                return b""
            except OSError as error:
                if "timeout" in type(error).__name__.lower():  # pyusb's USBTimeoutError
                    return b""
                raise

    def query_status(self) -> StatusReport:
        printer_byte = self.read_status_byte(QUERY_PRINTER_STATUS)
        if not printer_byte:
            return StatusReport(PrinterState.UNKNOWN)
        return interpret_status(printer_byte, self.read_status_byte(QUERY_PAPER_STATUS))

    def close(self) -> None:
        # Closing a connection that failed must not hide the original error.
        try:
            self.printer.close()
        except (OSError, EscposError):
            pass


class SerialConnection(EscposConnection):
    """A serial printer: each job's write timeout is sized from its bytes and the baud rate."""

    def __init__(self, printer: TimedSerial, *, baudrate: int, can_confirm: bool) -> None:
        super().__init__(printer, can_confirm=can_confirm)
        self.baudrate = baudrate
        self.margin_seconds = float(printer.timeout)

    def send(self, payload: bytes) -> None:
        write_timeout = serial_write_timeout(len(payload), self.baudrate, self.margin_seconds)
        self.printer.device.write_timeout = write_timeout
        try:
            super().send(payload)
        finally:
            self.printer.device.write_timeout = self.margin_seconds


class DeviceFileConnection(PrinterConnection):
    """A printer device file such as /dev/usb/lp0.

    Written with non-blocking I/O and a deadline because a plain `write()` to a printer that is
    off or out of paper blocks forever (python-escpos's File printer has no timeout). A missing
    device is an error, never created as a regular file.
    """

    def __init__(self, path: str, timeout: float) -> None:
        self.timeout = timeout
        with printer_errors():
            self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK)

    def send(self, payload: bytes) -> None:
        deadline = time.monotonic() + self.timeout
        remaining = memoryview(payload)
        with printer_errors():
            while remaining:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([], [self.fd], [], wait)[1]:
                    raise TimeoutError
                try:
                    remaining = remaining[os.write(self.fd, remaining) :]
                except BlockingIOError:
                    continue

    def query_status(self) -> StatusReport:
        return StatusReport(PrinterState.UNKNOWN)

    def close(self) -> None:
        os.close(self.fd)


class DummyConnection(PrinterConnection):
    """Writes the bytes and a PNG preview of the paper instead of printing (development)."""

    can_confirm = True  # the file is written when `send` returns

    def __init__(self, folder: Path, job_name: str, profile_name: str) -> None:
        self.folder = folder
        self.job_name = job_name
        self.profile_name = profile_name

    def send(self, payload: bytes) -> None:
        with printer_errors():
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{self.job_name}.bin").write_bytes(payload)
            render_preview(payload, self.profile_name).save(self.folder / f"{self.job_name}.png")

    def query_status(self) -> StatusReport:
        return StatusReport(PrinterState.ONLINE)

    def close(self) -> None:
        pass


def open_printer(
    uri: str,
    settings: PrintSettings,
    *,
    profile_name: str = DEFAULT_PROFILE,
    job_name: str = "receipt",
) -> PrinterConnection:
    """Open the printer at `uri` for one job; raise `PrinterUnavailable` if it cannot be opened.

    `job_name` names the dummy printer's files; the profile is passed to python-escpos and
    draws the dummy's preview.
    """
    address = parse_printer_uri(uri)
    timeout = settings.printer_timeout
    can_confirm = printer_can_confirm(uri, profile_name)
    match address.scheme:
        case "network":
            return EscposConnection(
                BoundedSendNetwork(
                    host=address.host, port=address.port, timeout=timeout, profile=profile_name
                ),
                can_confirm=can_confirm,
            )
        case "usb":
            return EscposConnection(
                Usb(
                    idVendor=address.vendor_id,
                    idProduct=address.product_id,
                    timeout=int(timeout * 1000),  # pyusb counts milliseconds
                    profile=profile_name,
                ),
                can_confirm=can_confirm,
            )
        case "serial":
            return SerialConnection(
                TimedSerial(
                    devfile=address.path,
                    baudrate=address.baudrate,
                    timeout=timeout,
                    profile=profile_name,
                ),
                baudrate=address.baudrate,
                can_confirm=can_confirm,
            )
        case "file":
            return DeviceFileConnection(address.path, timeout)
        case _:
            return DummyConnection(settings.receipts_folder, job_name, profile_name)
