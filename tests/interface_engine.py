"""A fake hospital interface engine on 127.0.0.1 for tests: it reads HL7 messages framed by
MLLP and answers each with an ACK, as a real engine does once it has stored the message.

It answers AA, AE or AR, or stays silent (the sender's read timeout fires), by a script of
answers consumed one per message and a default for the rest. Every message it read is kept,
parsed, in arrival order.
"""

from __future__ import annotations

import enum
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import hl7
import pytest
from flask import Flask

from admin.interfaces.settings import current_settings
from admin.interfaces.worker import InterfaceWorker

# Retries are due at once (no backoff) so tests run passes back to back without waiting; a
# healthy engine has seconds to answer on a busy machine. Tests of silence shorten the timeout.
FAST_INTERFACE_CONFIG = {
    "HL7_TIMEOUT_SECONDS": 5.0,
    "HL7_MAX_ATTEMPTS": 3,
    "HL7_BACKOFF_BASE_SECONDS": 0.0,
    "HL7_BACKOFF_CAP_SECONDS": 0.0,
    "HL7_POLL_SECONDS": 0.01,
}
SILENCE_TIMEOUT_SECONDS = 0.2
START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\x0d"


class Answer(enum.Enum):
    """What the engine answers to one message."""

    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"
    SILENCE = ""


class FakeInterfaceEngine:
    """A threaded MLLP server; `messages` holds every message read, parsed."""

    def __init__(self, default: Answer = Answer.ACCEPT) -> None:
        self.default = default
        self.script: list[Answer] = []
        self.messages: list[hl7.Message] = []
        self.lock = threading.Condition()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.clients: list[socket.socket] = []
        threading.Thread(target=self.accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        """What `HL7_OUTBOUND_URL` is set to, to send here."""
        return f"mllp://127.0.0.1:{self.port}"

    def answer_next(self, *answers: Answer) -> None:
        """The answers to the next messages, in order (then the default again)."""
        with self.lock:
            self.script.extend(answers)

    def accept_loop(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.clients.append(client)
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client: socket.socket) -> None:
        received = bytearray()
        try:
            while END_BLOCK not in received:
                chunk = client.recv(65536)
                if not chunk:
                    return
                received += chunk
        except OSError:
            return
        text = bytes(received[received.index(START_BLOCK) + 1 : received.index(END_BLOCK)])
        message = hl7.parse(text.decode("utf-8"))
        with self.lock:
            answer = self.script.pop(0) if self.script else self.default
            self.messages.append(message)
            self.lock.notify_all()
        if answer is Answer.SILENCE:
            return  # keep the connection open and say nothing; `stop` closes it
        ack = str(message.create_ack(answer.value)).encode("utf-8")
        try:
            client.sendall(START_BLOCK + ack + END_BLOCK)
        except OSError:
            return

    def stop(self) -> None:
        """Stop listening and drop every connection."""
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        with self.lock:
            for client in self.clients:
                client.close()

    def control_ids(self) -> list[str]:
        """MSH-10 of every message read, in order."""
        with self.lock:
            return [str(message["MSH.F10"]) for message in self.messages]


@contextmanager
def interface_engine(default: Answer = Answer.ACCEPT) -> Iterator[FakeInterfaceEngine]:
    """A running fake engine, stopped afterwards."""
    engine = FakeInterfaceEngine(default)
    try:
        yield engine
    finally:
        engine.stop()


def closed_port_url() -> str:
    """An MLLP URL on a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"mllp://127.0.0.1:{port}"


@pytest.fixture
def engine() -> Iterator[FakeInterfaceEngine]:
    """A fake interface engine that accepts every message unless told otherwise."""
    with interface_engine() as running:
        yield running


@pytest.fixture
def outbound_app(app: Flask, engine: FakeInterfaceEngine) -> Flask:
    """The application sending to the fake engine, with fast retries."""
    app.config.update(FAST_INTERFACE_CONFIG, HL7_OUTBOUND_URL=engine.url)
    return app


def deliver_due(app: Flask) -> int:
    """One pass of the delivery worker over what is due now; how many messages it tried."""
    with app.app_context():
        return InterfaceWorker(current_settings()).process_due_messages()
