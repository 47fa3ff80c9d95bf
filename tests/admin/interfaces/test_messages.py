"""The HL7 v2.5 builders: every message parses with python-hl7 and carries the right
appointment, MRN, status and card, and any value from the database (a name with `|^~\\&`, a
typed line break, an MLLP framing byte) comes back out of the parser exactly as it went in, but
for the spaces around it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import hl7
import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin.interfaces.hl7_text import escape
from admin.interfaces.messages import (
    AppointmentFacts,
    CoverageFacts,
    MessageHeader,
    PatientFacts,
    adt_a08,
    adt_a10,
    siu_s14,
)
from kiosk.models import AppointmentStatus

HEADER = MessageHeader(
    "LOBBY", "Synthetic General", "ENGINE", "HOSPITAL", "LOBBY000000000000042",
    datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
)  # fmt: skip
PATIENT = PatientFacts(7, "MRN-0042", "Núñez", "Ana", date(1984, 3, 12))
APPOINTMENT = AppointmentFacts(
    11, "EHR-APPT-9001", datetime(2026, 3, 10, 15, 10, tzinfo=UTC), "imaging",
    AppointmentStatus.ARRIVED,
)  # fmt: skip
CARD = CoverageFacts("Example Health", "XKZ123456789", "GRP-77", "Ana Núñez")
# Text as the database may hold it: anything, and especially HL7's delimiters, line breaks and
# the bytes that frame an MLLP message.
HOSTILE = "|^~\\&\r\n\x0b\x1c\x7f"
hostile_text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(list(HOSTILE)), min_size=1, max_size=40
)


def value_at(message: hl7.Message, path: str) -> str:
    """The unescaped value at `path` ("PID.F5.R1.C2"); empty where the field left it out."""
    try:
        return str(message[path])
    except IndexError:  # a trailing empty component is not written at all
        return ""


def parsed(message: str) -> hl7.Message:
    """The message as the interface engine's parser reads it."""
    assert message.endswith("\r") and "\n" not in message
    return hl7.parse(message)


@pytest.mark.parametrize(
    ("status", "filler_status"),
    [
        (AppointmentStatus.ARRIVED, "Arrived"),
        (AppointmentStatus.IN_ROOM, "Started"),
        (AppointmentStatus.DONE, "Complete"),
        (AppointmentStatus.NO_SHOW, "Noshow"),
    ],
)
def test_siu_s14_carries_the_appointment_patient_and_filler_status(
    status: AppointmentStatus, filler_status: str
) -> None:
    facts = AppointmentFacts(**{**APPOINTMENT.__dict__, "status": status})
    message = parsed(siu_s14(HEADER, PATIENT, facts))
    assert [str(segment[0]) for segment in message] == ["MSH", "SCH", "PID", "RGS", "AIL"]
    assert str(message.segment("MSH")(9)) == "SIU^S14^SIU_S12"
    assert message["MSH.F10"] == HEADER.control_id and message["MSH.F12"] == "2.5"
    assert message["SCH.F1"] == message["SCH.F2"] == "EHR-APPT-9001"
    assert message["SCH.F25"] == filler_status
    assert message["SCH.F11.R1.C4"] == "20260310151000+0000"
    assert message["PID.F3.R1.C1"] == "MRN-0042" and message["PID.F3.R1.C5"] == "MR"
    assert (message["PID.F5.R1.C1"], message["PID.F5.R1.C2"]) == ("Núñez", "Ana")
    assert message["PID.F7"] == "19840312"
    assert message["AIL.F3.R1.C1"] == "imaging"


def test_an_appointment_booked_in_lobby_and_a_patient_without_mrn_use_lobbys_ids() -> None:
    facts = AppointmentFacts(**{**APPOINTMENT.__dict__, "external_id": None})
    patient = PatientFacts(**{**PATIENT.__dict__, "mrn": None})
    message = parsed(siu_s14(HEADER, patient, facts))
    assert (message["SCH.F2.R1.C1"], message["SCH.F2.R1.C2"]) == ("11", "LOBBY")
    assert (message["PID.F3.R1.C1"], message["PID.F3.R1.C4"]) == ("7", "LOBBY")
    assert message["PID.F3.R1.C5"] == "PI"


def test_adt_a10_says_the_patient_arrived_for_the_appointment() -> None:
    message = parsed(adt_a10(HEADER, PATIENT, APPOINTMENT))
    assert [str(segment[0]) for segment in message] == ["MSH", "EVN", "PID", "PV1"]
    assert str(message.segment("MSH")(9)) == "ADT^A10^ADT_A09"
    assert message["EVN.F1"] == "A10"
    assert message["PV1.F19"] == "EHR-APPT-9001"
    assert message["PV1.F3.R1.C1"] == "imaging"
    assert message["PID.F3.R1.C1"] == "MRN-0042"


def test_adt_a08_carries_the_accepted_card_in_in1() -> None:
    message = parsed(adt_a08(HEADER, PATIENT, CARD))
    assert [str(segment[0]) for segment in message] == ["MSH", "EVN", "PID", "PV1", "IN1"]
    assert str(message.segment("MSH")(9)) == "ADT^A08^ADT_A01"
    assert message["IN1.F4"] == "Example Health"
    assert message["IN1.F8"] == "GRP-77"
    assert message["IN1.F36"] == "XKZ123456789"
    assert message["PID.F3.R1.C1"] == "MRN-0042"


@given(last=hostile_text, first=hostile_text, mrn=hostile_text, appointment_id=hostile_text)
def test_hostile_values_in_an_siu_come_back_exactly_and_break_no_segment(
    last: str, first: str, mrn: str, appointment_id: str
) -> None:
    patient = PatientFacts(7, mrn, last, first, date(1990, 1, 1))
    facts = AppointmentFacts(**{**APPOINTMENT.__dict__, "external_id": appointment_id})
    text = siu_s14(HEADER, patient, facts)
    assert not {"\x0b", "\x1c"} & set(text)
    message = parsed(text)
    assert [str(segment[0]) for segment in message] == ["MSH", "SCH", "PID", "RGS", "AIL"]
    assert value_at(message, "PID.F5.R1.C1") == last.strip()
    assert value_at(message, "PID.F5.R1.C2") == first.strip()
    assert value_at(message, "PID.F3.R1.C1") == mrn.strip()
    assert value_at(message, "SCH.F2.R1.C1") == appointment_id.strip()
    assert message["SCH.F25"] == "Arrived"


@given(payer=hostile_text, member_id=hostile_text, group=hostile_text, facility=hostile_text)
def test_hostile_values_in_an_adt_a08_come_back_exactly(
    payer: str, member_id: str, group: str, facility: str
) -> None:
    header = MessageHeader(**{**HEADER.__dict__, "sending_facility": facility})
    message = parsed(adt_a08(header, PATIENT, CoverageFacts(payer, member_id, group, "")))
    assert [str(segment[0]) for segment in message] == ["MSH", "EVN", "PID", "PV1", "IN1"]
    assert [value_at(message, f"IN1.F{number}") for number in (4, 8, 36)] == [
        value.strip() for value in (payer, group, member_id)
    ]
    assert value_at(message, "MSH.F4") == facility.strip()
    assert message["MSH.F10"] == HEADER.control_id


def test_escaping_uses_hl7s_sequences() -> None:
    assert escape("A|B^C~D\\E&F\rG\n") == "A\\F\\B\\S\\C\\R\\D\\E\\E\\T\\F\\X0D\\G\\X0A\\"
