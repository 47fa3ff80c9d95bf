"""The MLLP listener: one asyncio process that takes HL7 messages from the interface engine
over TCP and answers each with its ACK once it is stored.

Framing is python-hl7's (`hl7.mllp`: 0x0B, message, 0x1C 0x0D). The event loop only reads and
writes sockets; every message's database work runs on one worker thread inside an application
context. One thread, not a pool, on purpose: messages are applied in the order they arrived
across all connections (an S15 never overtakes the S12 it cancels), and the schedule store's
upserts never race each other.

Per connection: messages are read one at a time (the engine waits for each ACK), a message
over `max_message_bytes` is refused with an AR and the connection closed (its tail cannot be
told from a next message), an idle connection is closed after `idle_timeout_seconds`, and a
database failure (or any error storing it) closes the connection without an ACK, so the engine
sends the message again.

On SIGTERM or SIGINT the listener stops accepting, closes connections that wait for a message,
lets each message in hand be stored and acknowledged, then returns. Logs name the control id,
type and outcome of each message, never its content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask
from hl7.mllp import InvalidBlockError, start_hl7_server

from admin.hl7.inbox import Inbox, InboxSettings, Reply
from kiosk.models.types import utcnow

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
ACK_ENCODING = "utf-8"


@dataclass(frozen=True)
class ListenerSettings:
    """Where to listen and the limits per connection."""

    host: str
    port: int
    max_message_bytes: int
    idle_timeout_seconds: float


class Connection:
    """One engine's connection. `reading` while it waits for the next message: a stop may
    close it then; otherwise the message in hand is stored and acknowledged first."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self.reader = reader
        self.writer = writer
        self.reading = True
        self.task: asyncio.Task[None] | None = None

    async def next_block(self, idle_timeout: float) -> bytes | None:
        """The next framed message; None when it is over the size limit. Raises TimeoutError
        when idle too long, IncompleteReadError at end of stream, InvalidBlockError for bytes
        outside a frame."""
        self.reading = True
        try:
            return cast(bytes, await asyncio.wait_for(self.reader.readblock(), idle_timeout))
        except ValueError:  # python-hl7's reader: the frame is longer than its limit
            return None
        finally:
            self.reading = False

    async def send(self, ack: str) -> None:
        """Write one framed ACK and wait until it is handed to the socket."""
        self.writer.writeblock(ack.encode(ACK_ENCODING))
        await self.writer.drain()

    async def close(self) -> None:
        """Close the connection, ignoring a peer that is already gone."""
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


class Hl7Listener:
    """Serves MLLP for one application until SIGTERM or SIGINT."""

    def __init__(
        self,
        app: Flask,
        settings: ListenerSettings,
        on_started: Callable[[str, int], None],
    ) -> None:
        self.app = app
        self.settings = settings
        self.on_started = on_started
        self.connections: set[Connection] = set()
        self.stopping = False
        with app.app_context():
            self.inbox = Inbox(InboxSettings.from_app(app))
        self.database_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-db")

    def receive(self, block: bytes | None) -> Reply:
        """Store one message (None: one over the size limit) and return its ACK; runs on the
        database thread."""
        with self.app.app_context():
            if block is None:
                return self.inbox.receive_oversized(self.settings.max_message_bytes, now=utcnow())
            return self.inbox.receive_message(block, now=utcnow())

    async def serve(self) -> None:
        """Listen until SIGTERM or SIGINT, then stop as the module docstring says; calls
        `on_started` with the bound address (port 0 asks the system for a free one)."""
        server = await start_hl7_server(
            self.accept,
            self.settings.host,
            self.settings.port,
            limit=self.settings.max_message_bytes,
        )
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        try:
            for stop_signal in STOP_SIGNALS:
                loop.add_signal_handler(stop_signal, stop.set)
            host, port = server.sockets[0].getsockname()[:2]
            self.on_started(host, port)
            await stop.wait()
        finally:
            for stop_signal in STOP_SIGNALS:
                loop.remove_signal_handler(stop_signal)
            await self.shut_down(server)

    async def shut_down(self, server: asyncio.Server) -> None:
        """Stop accepting, close idle connections, finish the messages in hand."""
        self.stopping = True
        server.close()
        tasks = [connection.task for connection in self.connections if connection.task]
        for connection in self.connections:
            if connection.reading and connection.task:
                connection.task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        self.database_thread.shutdown(wait=True)

    def accept(self, reader: Any, writer: Any) -> None:
        """A new connection: converse with it in its own task."""
        connection = Connection(reader, writer)
        connection.task = asyncio.get_running_loop().create_task(self.converse(connection))
        self.connections.add(connection)
        connection.task.add_done_callback(lambda _: self.connections.discard(connection))

    async def converse(self, connection: Connection) -> None:
        """Read, store and acknowledge messages until the engine hangs up, goes idle, breaks
        the framing, sends too much, the database fails, or the listener stops."""
        loop = asyncio.get_running_loop()
        try:
            while not self.stopping:
                try:
                    block = await connection.next_block(self.settings.idle_timeout_seconds)
                except (TimeoutError, asyncio.IncompleteReadError, InvalidBlockError) as ended:
                    logger.info("HL7 connection closed: %s", CLOSE_REASONS[type(ended)])
                    return
                try:
                    reply = await loop.run_in_executor(self.database_thread, self.receive, block)
                except Exception as error:  # the database is down, or a bug: nothing was
                    # stored, so nothing may be acknowledged; the engine sends it again.
                    logger.error(
                        "HL7 message not stored (%s): connection closed without an ACK",
                        type(error).__name__,
                    )
                    return
                log_reply(reply)
                await connection.send(reply.ack)
                if block is None:
                    return
        except ConnectionError:
            logger.info("HL7 connection closed: the engine went away")
        finally:
            await connection.close()


CLOSE_REASONS: dict[type[BaseException], str] = {
    TimeoutError: "idle for too long",
    asyncio.IncompleteReadError: "the engine hung up",
    InvalidBlockError: "bytes outside an MLLP frame",
}


def log_reply(reply: Reply) -> None:
    """One line per message: control id, type and outcome, nothing from its content."""
    logger.info(
        "HL7 message %s (%s) %s: %s%s",
        reply.control_id or "(no control id)",
        reply.message_type or "unreadable",
        reply.status.value,
        reply.ack_code.value,
        f" {reply.error_condition}" if reply.error_condition else "",
    )
