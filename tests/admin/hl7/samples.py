"""Synthetic HL7 v2.5 messages as an interface engine sends them: SIU^S12 ... S26 and
ADT^A08 / A31, built from parts so each test changes only what it is about.

Every patient here is made up; MRNs start with "SYN-" so they can never be taken for real
records.
"""

from __future__ import annotations

from dataclasses import dataclass

SENDER = "SYNTHETIC-EHR"
SENDING_FACILITY = "SYNTH-HOSP"
# 10:30 in the test facility (America/Chicago) on the tests' fixed day (tests.builders.NOW).
START = "20260310103000"


@dataclass(frozen=True)
class SyntheticPatient:
    """A made-up patient, with what PID carries."""

    mrn: str
    family: str
    given: str
    birth: str
    area_code: str = "555"
    local_number: str = "0100101"
    language: str = ""

    def pid(self) -> str:
        """The PID segment: MRN typed MR beside another identifier, name, birth date, phone."""
        return (
            f"PID|1||PI-{self.mrn}^^^{SENDING_FACILITY}^PI~{self.mrn}^^^{SENDING_FACILITY}^MR||"
            f"{self.family}^{self.given}^Q||{self.birth}|F|||1 Synthetic Street^^Springfield^IL||"
            f"^PRN^PH^^^{self.area_code}^{self.local_number}||{self.language}"
        )


ANA = SyntheticPatient("SYN-2001", "NÚÑEZ", "ANA", "19840312", language="SPA")
LIAM = SyntheticPatient("SYN-2002", "OBRIEN", "LIAM", "19791102", local_number="0100202")


def msh(message_type: str, control_id: str, *, processing_id: str = "P") -> str:
    """The MSH segment of a v2.5 message from the synthetic EHR to Lobby."""
    structure = message_type.replace("^", "_")
    return (
        f"MSH|^~\\&|{SENDER}|{SENDING_FACILITY}|LOBBY|LOBBY|20260310090000||"
        f"{message_type}^{structure}|{control_id}|{processing_id}|2.5"
    )


def siu(
    trigger: str,
    control_id: str,
    *,
    appointment_id: str = "APT-1001",
    patient: SyntheticPatient = ANA,
    start: str = START,
    location: str = "imaging",
    provider: str = "4001^RUIZ^ELENA^^^DR",
    processing_id: str = "P",
) -> str:
    """An SIU message: SCH with the appointment id and timing, PID, RGS, AIL and AIP."""
    segments = [
        msh(f"SIU^{trigger}", control_id, processing_id=processing_id),
        f"SCH|{appointment_id}^{SENDER}|{appointment_id}^{SENDER}||||ROUTINE|CHECKUP^Check-up|"
        f"NORMAL|30|min|^^30^{start}^{start[:8]}110000",
        patient.pid(),
        "RGS|1",
        f"AIL|1||{location}^^^{SENDING_FACILITY}",
        f"AIP|1||{provider}",
    ]
    return "\r".join(segments) + "\r"


def adt(trigger: str, control_id: str, *, patient: SyntheticPatient = ANA) -> str:
    """An ADT demographics update (A08 update patient information, A31 update person)."""
    segments = [msh(f"ADT^{trigger}", control_id), f"EVN|{trigger}|20260310090000", patient.pid()]
    return "\r".join([*segments, "PV1|1|O"]) + "\r"


def without_segment(message: str, segment_id: str) -> str:
    """The message with every `segment_id` segment left out."""
    kept = [
        segment
        for segment in message.split("\r")
        if segment and not segment.startswith(segment_id + "|")
    ]
    return "\r".join(kept) + "\r"


def with_field(message: str, segment_id: str, number: int, value: str) -> str:
    """The message with field `number` of its first `segment_id` segment set to `value`
    (MSH counts its field separator as MSH-1, as HL7 does)."""
    segments = message.split("\r")
    for index, segment in enumerate(segments):
        if segment.startswith(segment_id + "|"):
            fields = segment.split("|")
            position = number - 1 if segment_id == "MSH" else number
            fields += [""] * (position + 1 - len(fields))
            fields[position] = value
            segments[index] = "|".join(fields)
            break
    return "\r".join(segments)
