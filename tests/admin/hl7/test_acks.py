"""ACKs are HL7 v2.5 messages the engine can read: sender and receiver swapped, MSA with the
code and the message's control id, ERR and MSA-3 with the reason of a refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import hl7
from hypothesis import given
from hypothesis import strategies as st

from admin.hl7.acks import Receiver, build_ack
from admin.hl7.header import STANDARD_SEPARATORS, parse_message, read_header
from admin.hl7.refusals import AckCode, ErrorCondition, Refusal, application_error, rejected
from tests.admin.hl7.samples import siu

RECEIVER = Receiver(application="LOBBY", facility="SYNTH-CLINIC", processing_id="P")
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def ack_for(message: str | None, refusal: Refusal | None) -> hl7.Message:
    header = read_header(parse_message(message)) if message else None
    text = build_ack(header, refusal, ack_control_id="ACK7", receiver=RECEIVER, now=NOW)
    assert text.endswith("\r")
    return hl7.parse(text)


def test_an_accepted_message_is_answered_aa_with_sender_and_receiver_swapped() -> None:
    ack = ack_for(siu("S12", "CTRL-1"), None)
    assert str(ack["MSH.F3"]) == "LOBBY" and str(ack["MSH.F4"]) == "SYNTH-CLINIC"
    assert str(ack["MSH.F5"]) == "SYNTHETIC-EHR" and str(ack["MSH.F6"]) == "SYNTH-HOSP"
    assert str(ack.segment("MSH")[9]) == "ACK^S12^ACK"
    assert str(ack["MSH.F10"]) == "ACK7" and str(ack["MSH.F12"]) == "2.5"
    assert str(ack["MSA.F1"]) == "AA" and str(ack["MSA.F2"]) == "CTRL-1"
    assert not any(segment[0][0] == "ERR" for segment in ack)


def test_a_refusal_carries_its_code_reason_and_error_segment() -> None:
    refusal = application_error(
        ErrorCondition.DATA_TYPE, "SCH-11", "the date and time is not valid"
    )
    ack = ack_for(siu("S13", "CTRL-2"), refusal)
    assert str(ack["MSA.F1"]) == "AE" and str(ack["MSA.F2"]) == "CTRL-2"
    assert str(ack["MSA.F3"]) == "SCH-11: the date and time is not valid"
    assert str(ack.segment("ERR")[2]) == "SCH^1^11"
    assert str(ack["ERR.F3.R1.C1"]) == "102" and str(ack["ERR.F3.R1.C3"]) == "HL70357"
    assert str(ack["ERR.F4"]) == "E"


def test_bytes_that_never_parsed_still_get_an_ar() -> None:
    refusal = rejected(ErrorCondition.SEGMENT_SEQUENCE, "MSH", "the message could not be read")
    ack = ack_for(None, refusal)
    assert str(ack["MSA.F1"]) == AckCode.REJECT.value and str(ack["MSA.F2"]) == ""
    assert str(ack["MSH.F11"]) == "P"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60))
def test_any_reason_text_survives_the_separators(text: str) -> None:
    refusal = application_error(ErrorCondition.DATA_TYPE, "", text)
    ack = ack_for(None, refusal)
    assert str(ack["MSA.F3"]) == text
    assert len(ack.segment("MSA")) == 4  # the text stayed one field


def test_the_ack_answers_in_the_senders_own_separators() -> None:
    message = siu("S12", "CTRL-3").replace("^~\\&", "#~\\&", 1).replace("^", "#")
    ack_text = build_ack(
        read_header(parse_message(message)),
        None,
        ack_control_id="ACK8",
        receiver=RECEIVER,
        now=NOW,
    )
    assert ack_text.startswith("MSH|#~\\&|LOBBY|SYNTH-CLINIC|SYNTHETIC-EHR|SYNTH-HOSP|")
    assert "|ACK#S12#ACK|" in ack_text
    assert STANDARD_SEPARATORS not in ack_text
