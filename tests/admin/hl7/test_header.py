"""Whatever bytes arrive, reading them ends in a header or in one AR — never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin.hl7.header import MessageHeader, decode_message, parse_message, read_header
from admin.hl7.refusals import AckCode, Refusal
from tests.admin.hl7.samples import siu


def header_or_refusal(raw: bytes) -> object:
    try:
        return read_header(parse_message(decode_message(raw)))
    except Refusal as refusal:
        assert refusal.ack_code is AckCode.REJECT
        return refusal


def test_the_header_names_sender_type_and_control_id() -> None:
    header = read_header(parse_message(siu("S14", "CTRL-9")))
    assert (header.sending_application, header.sending_facility) == ("SYNTHETIC-EHR", "SYNTH-HOSP")
    assert (header.type_and_trigger, header.control_id) == ("SIU^S14", "CTRL-9")
    assert (header.processing_id, header.version) == ("P", "2.5")


def test_newline_endings_and_latin_1_bytes_are_read() -> None:
    raw = siu("S12", "CTRL-1").replace("\r", "\r\n").encode("latin-1")
    text = decode_message(raw)
    assert "\n" not in text and "NÚÑEZ" in text
    assert read_header(parse_message(text)).control_id == "CTRL-1"


@pytest.mark.parametrize("raw", [b"", b"garbage", b"MSH", b"MSH|", b"PID|1||x", b"\x00\xffMSH|"])
def test_broken_messages_are_rejected(raw: bytes) -> None:
    assert isinstance(header_or_refusal(raw), Refusal)


@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_rejected(raw: bytes) -> None:
    assert isinstance(header_or_refusal(raw), MessageHeader | Refusal)


@given(st.text(max_size=200))
def test_any_text_after_an_msh_is_read_or_rejected(tail: str) -> None:
    raw = ("MSH|^~\\&|" + tail).encode("utf-8", "surrogatepass")
    assert isinstance(header_or_refusal(raw), MessageHeader | Refusal)
