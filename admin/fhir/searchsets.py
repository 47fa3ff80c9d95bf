"""The API's answers, shared by the endpoints and `flask arrivals export`: a search's page of
rows made into a searchset bundle with its paging links."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

from admin.fhir.bundles import Answer, Candidate, searchset
from admin.fhir.matches import appointments_on, coverages_on
from admin.fhir.resources import IdentifierSystems, appointment_resource, coverage_resource
from admin.fhir.searches import AppointmentSearch, CoverageSearch
from kiosk.facility import facility_timezone
from kiosk.models import Appointment, CheckIn, InsuranceCoverage, Patient
from kiosk.shell.links import public_url


def identifier_systems() -> IdentifierSystems:
    """The configured identifier systems."""
    return IdentifierSystems.from_config(current_app.config["FHIR_IDENTIFIER_SYSTEMS"])


def paging_links(
    resource_type: str, search: AppointmentSearch | CoverageSearch, total: int
) -> dict[str, str]:
    """`self`, and `next` while matches remain after this page."""
    page = search.page

    def url(offset: int) -> str:
        return public_url(f"/fhir/{resource_type}?{urlencode(search.parameters(offset))}")

    if page is None:
        return {"self": url(0)}
    links = {"self": url(page.offset)}
    if page.count and page.offset + page.count < total:
        links["next"] = url(page.offset + page.count)
    return links


def appointment_candidate(
    appointment: Appointment, check_in: CheckIn | None, systems: IdentifierSystems
) -> Candidate:
    """An appointment row, to be made an Appointment."""
    return Candidate(
        "Appointment",
        appointment.id,
        appointment.patient_id,
        lambda: appointment_resource(appointment, check_in, systems),
    )


def coverage_candidate(
    coverage: InsuranceCoverage, patient: Patient, systems: IdentifierSystems
) -> Candidate:
    """A decided card, to be made a Coverage."""
    return Candidate(
        "Coverage", coverage.id, patient.id, lambda: coverage_resource(coverage, patient, systems)
    )


def appointment_searchset(search: AppointmentSearch) -> Answer:
    """The page of appointments `search` asks for, as a searchset bundle."""
    systems = identifier_systems()
    matches = appointments_on(search, facility_timezone(current_app))
    candidates = [
        appointment_candidate(appointment, check_in, systems)
        for appointment, check_in in matches.rows
    ]
    return searchset(candidates, matches.total, paging_links("Appointment", search, matches.total))


def coverage_searchset(search: CoverageSearch) -> Answer:
    """The page of accepted cards `search` asks for, as a searchset bundle."""
    systems = identifier_systems()
    matches = coverages_on(search, facility_timezone(current_app))
    candidates = [
        coverage_candidate(coverage, patient, systems) for coverage, patient in matches.rows
    ]
    return searchset(candidates, matches.total, paging_links("Coverage", search, matches.total))
