"""Sending one HL7 message over MLLP and reading the interface engine's acknowledgement.

MLLP frames a message as 0x0B, the message, 0x1C 0x0D; the engine answers with an ACK in the
same framing once it has stored the message. One connection per message, with a connect
timeout and one deadline for the whole answer (an engine that trickles bytes cannot hold the
worker longer than the timeout). The outcome is an `Acknowledgement` or a `DeliveryProblem`
whose reason is a short technical phrase: nothing from the message or from the engine's free
text, which may echo patient data.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

import hl7
from hl7.exceptions import HL7Exception

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\x0d"
# An ACK is a few hundred bytes; anything this large is not one.
MAX_ANSWER_BYTES = 64 * 1024
ENCODING = "utf-8"
ACCEPTED_CODES = frozenset({"AA", "CA"})
REJECTED_CODES = frozenset({"AR", "CR"})
KNOWN_CODES = ACCEPTED_CODES | REJECTED_CODES | {"AE", "CE"}


class DeliveryProblem(Exception):
    """The message did not reach the engine, or the engine did not accept it."""

    def __init__(self, reason: str, *, rejected: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # The engine refused the message itself (AR): sending it again would not help.
        self.rejected = rejected


@dataclass(frozen=True)
class Acknowledgement:
    """MSA-1 and MSA-2 of the engine's answer."""

    code: str
    control_id: str


def frame(message: str) -> bytes:
    """The message in MLLP framing, UTF-8 (MSH-18 says so)."""
    return START_BLOCK + message.encode(ENCODING) + END_BLOCK


def read_frame(connection: socket.socket, timeout: float) -> bytes:
    """The content of the first MLLP frame the engine sends, within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    received = bytearray()
    while END_BLOCK not in received:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeliveryProblem(f"no acknowledgement within {timeout:g} s")
        connection.settimeout(remaining)
        try:
            chunk = connection.recv(4096)
        except TimeoutError:
            raise DeliveryProblem(f"no acknowledgement within {timeout:g} s") from None
        if not chunk:
            raise DeliveryProblem("the interface engine closed the connection without an answer")
        received += chunk
        if len(received) > MAX_ANSWER_BYTES:
            raise DeliveryProblem("the answer was too large to be an acknowledgement")
    start = received.find(START_BLOCK)
    end = received.find(END_BLOCK)
    if start < 0 or start > end:
        raise DeliveryProblem("the answer was not framed as MLLP")
    return bytes(received[start + 1 : end])


def acknowledgement(answer: bytes) -> Acknowledgement:
    """MSA-1 and MSA-2 of an ACK; DeliveryProblem when the answer is not one."""
    try:
        parsed = hl7.parse(answer.decode(ENCODING, errors="replace"))
        code = str(parsed["MSA.F1"]).strip().upper()
        control_id = str(parsed["MSA.F2"]).strip()
    except (HL7Exception, KeyError, IndexError, ValueError):
        raise DeliveryProblem("the answer was not an HL7 acknowledgement") from None
    if code not in KNOWN_CODES:
        raise DeliveryProblem("the answer was not an HL7 acknowledgement")
    return Acknowledgement(code, control_id)


def send_message(host: str, port: int, message: str, control_id: str, timeout: float) -> None:
    """Send `message` and return once the engine accepted it (AA); raise DeliveryProblem for
    anything else: no connection, no or garbled answer, an ACK for another message, AE (try
    again later) or AR (`rejected`: the engine will not take it)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(frame(message))
            answer = acknowledgement(read_frame(connection, timeout))
    except TimeoutError:
        raise DeliveryProblem(f"no connection within {timeout:g} s") from None
    except ConnectionRefusedError:
        raise DeliveryProblem("connection refused") from None
    except OSError as error:
        raise DeliveryProblem(f"connection failed ({error.__class__.__name__})") from None
    if answer.control_id != control_id:
        raise DeliveryProblem("the acknowledgement was for another message")
    if answer.code in REJECTED_CODES:
        raise DeliveryProblem(f"rejected by the interface engine ({answer.code})", rejected=True)
    if answer.code not in ACCEPTED_CODES:
        raise DeliveryProblem(f"negative acknowledgement ({answer.code})")
