"""A minimal MLLP client: send HL7 messages to a listener and read each ACK.

For `flask hl7 send` (IT staff check a listener end to end with a sample message before the
interface engine is pointed at it), the tests and the benchmark. Blocking sockets with a
timeout: one message, then its ACK, as an interface engine in original mode does.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\r"
READ_SIZE = 65536


class MllpClient:
    """One connection to an MLLP listener."""

    def __init__(self, host: str, port: int, *, timeout: float = 10.0) -> None:
        self.socket = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def close(self) -> None:
        """Hang up."""
        self.socket.close()

    def send_frame(self, payload: bytes) -> None:
        """Send one message's bytes, framed."""
        self.socket.sendall(START_BLOCK + payload + END_BLOCK)

    def read_frame(self) -> bytes:
        """The next framed reply's bytes. Raises ConnectionError when the listener hangs up
        first, TimeoutError when it stays silent past the timeout."""
        while END_BLOCK not in self.buffer:
            chunk = self.socket.recv(READ_SIZE)
            if not chunk:
                raise ConnectionError("the listener closed the connection without a reply")
            self.buffer += chunk
        frame, _, self.buffer = self.buffer.partition(END_BLOCK)
        return frame.removeprefix(START_BLOCK)

    def send(self, message: str) -> str:
        """Send one message (segments separated by carriage returns) and return its ACK."""
        self.send_frame(message.encode("utf-8"))
        return self.read_frame().decode("utf-8")


@contextmanager
def mllp_connection(host: str, port: int, *, timeout: float = 10.0) -> Iterator[MllpClient]:
    """A connection to the listener at host:port, closed when the block ends."""
    client = MllpClient(host, port, timeout=timeout)
    try:
        yield client
    finally:
        client.close()
