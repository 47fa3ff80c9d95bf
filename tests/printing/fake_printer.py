"""A fake ESC/POS network printer on 127.0.0.1 for tests: it prints, hangs, resets or refuses.

It behaves like the printers the worker meets in a hospital: a healthy one reads the job and
answers status queries; a hung one accepts the connection and stops reading (with a small
receive buffer, like a printer's); a crashing one resets the connection mid-job; one that is
switched off refuses connections. Its mode can change while the worker runs, and it can be
switched off and on again on the same port.
"""

from __future__ import annotations

import enum
import socket
import struct
import threading

QUERY_PRINTER_STATUS = b"\x10\x04\x01"
QUERY_PAPER_STATUS = b"\x10\x04\x04"
STATUS_ONLINE = b"\x12"
PAPER_PRESENT = b"\x12"
PAPER_END = b"\x72"
RECEIVE_BUFFER_BYTES = 4096
RESET_AFTER_BYTES = 2048


class Mode(enum.Enum):
    PRINT = "print"  # read everything, answer status: online, paper present
    SILENT = "silent"  # read everything, never answer status (many cheap printers)
    PAPER_OUT = "paper-out"  # read everything, report the paper end
    HANG = "hang"  # accept, then never read
    RESET = "reset"  # read a little, then reset the connection


class FakePrinter:
    """A threaded TCP server speaking just enough ESC/POS; `receipts` holds completed jobs."""

    def __init__(self, mode: Mode = Mode.PRINT) -> None:
        self.mode = mode
        self.port = 0
        self.connections = 0
        self.receipts: list[bytes] = []
        self.lock = threading.Condition()
        self.server: socket.socket | None = None
        self.open_clients: list[socket.socket] = []

    @property
    def uri(self) -> str:
        return f"network://127.0.0.1:{self.port}"

    def switch_on(self) -> FakePrinter:
        """Listen (again, on the same port once it had one)."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self.port = server.getsockname()[1]
        self.server = server
        threading.Thread(target=self.accept_loop, args=(server,), daemon=True).start()
        return self

    def switch_off(self) -> None:
        """Stop listening and drop every connection: the port now refuses."""
        if self.server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave the
            # kernel listening on the port.
            self.server.shutdown(socket.SHUT_RDWR)
            self.server.close()
            self.server = None
        with self.lock:
            for client in self.open_clients:
                client.close()
            self.open_clients.clear()

    def accept_loop(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.open_clients.append(client)
            threading.Thread(target=self.serve, args=(client, self.mode), daemon=True).start()

    def serve(self, client: socket.socket, mode: Mode) -> None:
        if mode is Mode.HANG:
            return  # keep the socket open and never read; switch_off closes it
        received = bytearray()
        try:
            while chunk := client.recv(65536):
                received += chunk
                if mode is Mode.RESET and len(received) >= RESET_AFTER_BYTES:
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.close()
                    return
                self.answer_status(client, received, mode)
        except OSError:
            return
        client.close()
        job = bytes(received).replace(QUERY_PRINTER_STATUS, b"").replace(QUERY_PAPER_STATUS, b"")
        with self.lock:
            self.receipts.append(job)
            self.lock.notify_all()

    def wait_for_receipts(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """The completed jobs once there are `count` (the server records them asynchronously)."""
        with self.lock:
            self.lock.wait_for(lambda: len(self.receipts) >= count, timeout)
            return list(self.receipts)

    @staticmethod
    def answer_status(client: socket.socket, received: bytearray, mode: Mode) -> None:
        if mode is Mode.SILENT:
            return
        if received.endswith(QUERY_PRINTER_STATUS):
            client.sendall(STATUS_ONLINE)
        elif received.endswith(QUERY_PAPER_STATUS):
            client.sendall(PAPER_END if mode is Mode.PAPER_OUT else PAPER_PRESENT)


def refused_uri() -> str:
    """A network printer URI on a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"network://127.0.0.1:{port}"
