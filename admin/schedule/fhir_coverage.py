"""A FHIR R4 Coverage as the patient's insurance on file: `payor[0].display` is the insurance
company, `subscriberId` (else the first identifier) the member ID, and the value of the
`class` typed "group" the group number. Only an active Coverage is imported."""

from __future__ import annotations

from fhir.resources.R4B.coverage import Coverage

from admin.schedule.entries import ScheduledCoverage
from admin.schedule.fields import missing

GROUP_CLASS = "group"


def scheduled_coverage(coverage: Coverage) -> ScheduledCoverage | str | None:
    """The coverage to put on file, why it cannot be, or None for one that is not active."""
    if coverage.status != "active":
        return None
    payers = coverage.payor or []
    payer = str(payers[0].display or "").strip() if payers else ""
    if not payer:
        return missing("insurance_payer")
    member_id = str(coverage.subscriberId or "").strip()
    if not member_id and coverage.identifier:
        member_id = str(coverage.identifier[0].value or "").strip()
    if not member_id:
        return missing("insurance_member_id")
    return ScheduledCoverage(payer=payer, member_id=member_id, group_number=group_number(coverage))


def group_number(coverage: Coverage) -> str:
    """The value of the Coverage's group class, or ""."""
    for coverage_class in coverage.class_fhir or []:
        codes = [coding.code for coding in (coverage_class.type.coding or [])]
        if GROUP_CLASS in codes:
            return str(coverage_class.value or "").strip()
    return ""
