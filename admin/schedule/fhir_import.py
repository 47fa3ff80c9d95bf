"""The day's schedule from a FHIR R4 Bundle of Patient and Appointment resources (optionally
Coverage, HealthcareService and Location), validated with `fhir.resources` (R4B models).

The Bundle's own fields are validated first; then each entry on its own, so that one invalid
resource is reported by its position in `Bundle.entry` (from 1) and the others are imported.

Mapping (also in docs/schedule-import.md):

- appointment id: `Appointment.identifier` (the one with use "official", else the first),
  else `Appointment.id`;
- status: booked, pending, proposed → booked; cancelled → cancelled; noshow → no_show;
  entered-in-error → deleted; any other status is reported and not imported;
- start: `Appointment.start` (an instant: R4 requires its UTC offset);
- patient: the participant whose actor refers to a Patient entry of the Bundle, by its
  `fullUrl` (`urn:uuid:…` or an absolute URL) or as `Patient/<id>`; the MRN is the
  Patient's identifier typed MR (v2-0203), else its identifier with use "usual"; name from
  the "official" (else first) `HumanName`; phone from the first `telecom` with system phone;
  language from the preferred (else first) `communication.language` ("es-US" → "es");
- department: the participant whose actor is a HealthcareService or Location: the actor's
  logical `identifier.value`, else the first identifier of the resource it refers to in the
  Bundle, is the department code;
- provider: the display of the participant whose actor is a Practitioner or PractitionerRole.

A Coverage whose `beneficiary` is a Patient entry of the Bundle becomes that patient's insurance
on file (`admin.schedule.fhir_coverage` has its mapping); an invalid one is reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.reference import Reference
from flask_babel import gettext
from pydantic import ValidationError

from admin.schedule.entries import (
    APPOINTMENT_YEARS,
    ScheduledCoverage,
    ScheduledPatient,
    ScheduleEntry,
    ScheduleStatus,
)
from admin.schedule.fhir_coverage import scheduled_coverage
from admin.schedule.fields import missing
from admin.schedule.files import schedule_text
from admin.schedule.problems import ParsedSchedule, ScheduleFileError

MAX_BUNDLE_ENTRIES = 150_000
STATUSES = {
    "booked": ScheduleStatus.BOOKED,
    "pending": ScheduleStatus.BOOKED,
    "proposed": ScheduleStatus.BOOKED,
    "cancelled": ScheduleStatus.CANCELLED,
    "noshow": ScheduleStatus.NO_SHOW,
    "entered-in-error": ScheduleStatus.DELETED,
}
IMPORTED_TYPES = ("Patient", "Appointment", "Coverage", "HealthcareService", "Location")
DEPARTMENT_TYPES = ("HealthcareService", "Location")
PROVIDER_TYPES = ("Practitioner", "PractitionerRole")
MRN_TYPE_CODE = "MR"
LANGUAGES = ("en", "es")
# fhir.resources reports invalid resources with pydantic's ValidationError, but a resource
# type it does not know, nested in `contained` or `response.outcome`, escapes as a KeyError;
# hostile input must end as a reported entry either way.
VALIDATOR_FAILURES = (ValidationError, KeyError, TypeError, ValueError, AttributeError)
# What a validation error may name of where it happened: field names, never the value.
FIELD_PATH_PART = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def read_schedule_bundle(data: bytes, *, timezone: ZoneInfo, today: date) -> ParsedSchedule:
    """The entries of a FHIR Bundle and the Bundle entries that could not be read. `today`
    (the facility's) judges dates of birth; `timezone` is accepted like the CSV reader's, but
    an R4 instant always carries its offset.
    Raises ScheduleFileError when the file is not JSON or not a valid Bundle."""
    try:
        document = json.loads(schedule_text(data))
    except (ValueError, RecursionError):
        raise ScheduleFileError(gettext("The file is not JSON.")) from None
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise ScheduleFileError(gettext("The file is not a FHIR Bundle."))
    raw_entries = document.get("entry", [])
    if not isinstance(raw_entries, list):
        raise ScheduleFileError(gettext("The Bundle's entry is not a list."))
    if len(raw_entries) > MAX_BUNDLE_ENTRIES:
        raise ScheduleFileError(
            gettext(
                "The Bundle has more than %(limit)d entries. Split it into smaller Bundles.",
                limit=MAX_BUNDLE_ENTRIES,
            )
        )
    try:
        Bundle.model_validate({key: value for key, value in document.items() if key != "entry"})
    except VALIDATOR_FAILURES as error:
        raise ScheduleFileError(
            gettext("The Bundle is not valid FHIR R4 (%(fields)s).", fields=field_paths(error))
        ) from None
    parsed = ParsedSchedule()
    bundle = BundleIndex(
        validated_entries(raw_entries, parsed), refused_references(raw_entries, parsed), parsed
    )
    for position, appointment in bundle.appointments:
        entry = bundle.schedule_entry(appointment)
        if isinstance(entry, str):
            parsed.refuse(position, entry)
        else:
            parsed.offer(position, entry, today=today, repeated=repeated_entry)
    parsed.problems.sort(key=lambda problem: problem.row)
    return parsed


def validated_entries(raw_entries: Sequence[Any], parsed: ParsedSchedule) -> list[ValidEntry]:
    """Each Bundle entry validated against its resource's R4 model; an invalid one is a
    problem at its position."""
    valid = []
    for position, raw in enumerate(raw_entries, start=1):
        resource_type = raw.get("resource", {}).get("resourceType") if is_object(raw) else None
        if resource_type not in IMPORTED_TYPES:
            parsed.refuse(
                position,
                gettext(
                    "the entry is not a Patient, Appointment, Coverage, HealthcareService "
                    "or Location"
                ),
            )
            continue
        try:
            valid.append(ValidEntry(position, BundleEntry.model_validate(raw), resource_type))
        except VALIDATOR_FAILURES as error:
            parsed.refuse(
                position,
                gettext(
                    "the %(type)s is not valid FHIR R4 (%(fields)s)",
                    type=resource_type,
                    fields=field_paths(error),
                ),
            )
    return valid


def refused_references(
    raw_entries: Sequence[Any], parsed: ParsedSchedule
) -> dict[str, tuple[int, str]]:
    """The fullUrl of each entry that was refused, with its position and resource type, so
    that an Appointment referring to it can say which entry its patient was."""
    refused_positions = {problem.row for problem in parsed.problems}
    return {
        raw["fullUrl"]: (position, str(raw.get("resource", {}).get("resourceType")))
        for position, raw in enumerate(raw_entries, start=1)
        if position in refused_positions
        and isinstance(raw, dict)
        and is_object(raw)
        and isinstance(raw.get("fullUrl"), str)
    }


def is_object(value: Any) -> bool:
    """Whether a JSON value is an object whose resource is an object too."""
    return isinstance(value, dict) and isinstance(value.get("resource", {}), dict)


def field_paths(error: Exception) -> str:
    """Where validation failed, as field paths ("resource.birthDate"), never the values; "…"
    where the validator failed without saying where."""
    if not isinstance(error, ValidationError):
        return "…"
    paths = []
    for detail in error.errors()[:3]:
        parts = [
            part if isinstance(part, str) and FIELD_PATH_PART.fullmatch(part) else "…"
            for part in detail["loc"]
            if not isinstance(part, int)
        ]
        paths.append(".".join(parts) or "…")
    return ", ".join(dict.fromkeys(paths))


def repeated_entry(earlier: int) -> str:
    """The reason for a second Appointment with an appointment id already read."""
    return str(
        gettext(
            "the appointment id is already in entry %(row)d; this entry was not imported",
            row=earlier,
        )
    )


class ValidEntry:
    """A Bundle entry that passed validation, with its position."""

    def __init__(self, position: int, entry: BundleEntry, resource_type: str) -> None:
        self.position = position
        self.full_url: str | None = entry.fullUrl
        self.resource: Any = entry.resource
        self.resource_type = resource_type


class BundleIndex:
    """The validated entries, with the references an Appointment may make to them."""

    def __init__(
        self,
        entries: list[ValidEntry],
        refused: dict[str, tuple[int, str]],
        parsed: ParsedSchedule,
    ) -> None:
        self.refused = refused
        self.by_reference: dict[str, ValidEntry] = {}
        for valid in entries:
            if valid.full_url:
                self.by_reference[valid.full_url] = valid
            if valid.resource.id:
                self.by_reference[f"{valid.resource_type}/{valid.resource.id}"] = valid
        self.appointments = [
            (valid.position, valid.resource)
            for valid in entries
            if valid.resource_type == "Appointment"
        ]
        self.patients: dict[int, ScheduledPatient | str] = {}
        self.coverages = self.patient_coverages(entries, parsed)

    def patient_coverages(
        self, entries: list[ValidEntry], parsed: ParsedSchedule
    ) -> dict[int, ScheduledCoverage]:
        """The first active Coverage of each Patient entry, by the Patient's position; a
        Coverage that cannot be used is a problem at its own position."""
        coverages: dict[int, ScheduledCoverage] = {}
        for valid in entries:
            if valid.resource_type != "Coverage":
                continue
            coverage = scheduled_coverage(valid.resource)
            if coverage is None:
                continue  # not active
            if isinstance(coverage, str):
                parsed.refuse(valid.position, coverage)
                continue
            beneficiary = valid.resource.beneficiary.reference or ""
            target = self.by_reference.get(beneficiary)
            if target is None or target.resource_type != "Patient":
                parsed.refuse(
                    valid.position,
                    gettext("the Coverage's beneficiary is not a Patient entry of the Bundle"),
                )
            else:
                coverages.setdefault(target.position, coverage)
        return coverages

    def schedule_entry(self, appointment: FhirAppointment) -> ScheduleEntry | str:
        """The entry an Appointment describes, or why it cannot be imported."""
        status = STATUSES.get(appointment.status or "")
        if status is None:
            return str(
                gettext(
                    "the appointment status is not booked, pending, proposed, cancelled, "
                    "noshow or entered-in-error"
                )
            )
        external_id = appointment_id(appointment)
        if not external_id:
            return missing("external_id")
        if appointment.start is None:
            return missing("start")
        if appointment.start.year not in APPOINTMENT_YEARS:
            return str(gettext("start is not a plausible appointment time"))
        patient = self.patient_of(appointment)
        if isinstance(patient, str):
            return patient
        department = self.department_of(appointment)
        if not department:
            return missing("department_code")
        return ScheduleEntry(
            external_id=external_id,
            patient=patient,
            starts_at=appointment.start.astimezone(UTC),
            department_code=department,
            provider=provider_of(appointment),
            status=status,
        )

    def actors(self, appointment: FhirAppointment, types: Sequence[str]) -> list[Reference]:
        """The appointment's participants whose actor is one of `types` (by the reference's
        type, or the type of the entry it points to)."""
        found = []
        for participant in appointment.participant or []:
            actor = participant.actor
            if actor is None:
                continue
            target = self.by_reference.get(actor.reference or "")
            refused = self.refused.get(actor.reference or "")
            if target is not None:
                actor_type = target.resource_type
            elif refused is not None:
                actor_type = refused[1]
            else:
                actor_type = actor.type or reference_type(actor)
            if actor_type in types:
                found.append(actor)
        return found

    def patient_of(self, appointment: FhirAppointment) -> ScheduledPatient | str:
        """The appointment's patient from the Bundle, or why it cannot be had."""
        for actor in self.actors(appointment, ("Patient",)):
            target = self.by_reference.get(actor.reference or "")
            if target is not None:
                if target.position not in self.patients:
                    self.patients[target.position] = scheduled_patient(
                        target.resource, self.coverages.get(target.position)
                    )
                patient = self.patients[target.position]
                if isinstance(patient, str):
                    return str(
                        gettext(
                            "its patient (entry %(entry)d): %(reason)s",
                            entry=target.position,
                            reason=patient,
                        )
                    )
                return patient
            if actor.reference in self.refused:
                return str(
                    gettext(
                        "its patient (entry %(entry)d) was not imported",
                        entry=self.refused[actor.reference][0],
                    )
                )
        return str(gettext("the appointment's patient is not a Patient entry of the Bundle"))

    def department_of(self, appointment: FhirAppointment) -> str:
        """The department code named by the appointment's HealthcareService or Location."""
        for actor in self.actors(appointment, DEPARTMENT_TYPES):
            if actor.identifier is not None and actor.identifier.value:
                return str(actor.identifier.value).strip()
            target = self.by_reference.get(actor.reference or "")
            if target is not None and target.resource.identifier:
                return str(target.resource.identifier[0].value or "").strip()
        return ""


def appointment_id(appointment: FhirAppointment) -> str:
    """The hospital's id of the appointment (see the module docstring)."""
    identifiers = appointment.identifier or []
    chosen = next((i for i in identifiers if i.use == "official"), None) or next(
        iter(identifiers), None
    )
    if chosen is not None and chosen.value:
        return str(chosen.value).strip()
    return str(appointment.id or "").strip()


def reference_type(actor: Reference) -> str:
    """The resource type a relative reference names ("Patient/123" → "Patient")."""
    reference = actor.reference or ""
    return reference.split("/", 1)[0] if "/" in reference and ":" not in reference else ""


def provider_of(appointment: FhirAppointment) -> str:
    """The display name of the appointment's practitioner, or ""."""
    for participant in appointment.participant or []:
        actor = participant.actor
        if actor is not None and (actor.type or reference_type(actor)) in PROVIDER_TYPES:
            return str(actor.display or "").strip()
    return ""


def scheduled_patient(
    patient: FhirPatient, coverage: ScheduledCoverage | None
) -> ScheduledPatient | str:
    """The patient as the schedule names them, with their coverage, or why the Patient cannot
    be used."""
    mrn = medical_record_number(patient)
    if not mrn:
        return missing("mrn")
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), None) or next(iter(names), None)
    if name is None or not name.family:
        return missing("last_name")
    if not name.given:
        return missing("first_name")
    if patient.birthDate is None:
        return missing("date_of_birth")
    if not isinstance(patient.birthDate, date):
        return str(gettext("date of birth is not a full date (expected YYYY-MM-DD)"))
    phone = next(
        (str(t.value) for t in patient.telecom or [] if t.system == "phone" and t.value), ""
    )
    return ScheduledPatient(
        mrn=mrn,
        first_name=str(name.given[0]).strip(),
        last_name=str(name.family).strip(),
        date_of_birth=patient.birthDate,
        phone=phone.strip(),
        preferred_language=preferred_language(patient),
        coverage=coverage,
    )


def medical_record_number(patient: FhirPatient) -> str:
    """The Patient's identifier typed MR, else its identifier with use "usual"."""
    identifiers = patient.identifier or []
    for identifier in identifiers:
        codes = [c.code for c in (identifier.type.coding or [])] if identifier.type else []
        if MRN_TYPE_CODE in codes and identifier.value:
            return str(identifier.value).strip()
    usual = next((i for i in identifiers if i.use == "usual" and i.value), None)
    return str(usual.value).strip() if usual is not None else ""


def preferred_language(patient: FhirPatient) -> str:
    """ "en" or "es" from the patient's preferred (else first) communication language ("en"
    for any other language), or "" when the Patient names none (the record keeps its own)."""
    communications = patient.communication or []
    chosen = next((c for c in communications if c.preferred), None) or next(
        iter(communications), None
    )
    if chosen is None or chosen.language is None:
        return ""
    for coding in chosen.language.coding or []:
        language = str(coding.code or "").split("-", 1)[0].lower()
        if language in LANGUAGES:
            return language
    return "en"
