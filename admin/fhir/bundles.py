"""What every API answer is made of: a searchset `Bundle` of resources that validated, and
`OperationOutcome`s for what went wrong.

A row that cannot be expressed as a valid resource is a defect on our side, not the client's:
it is left out of the bundle with an OperationOutcome entry in its place (the client knows
something is missing), and logged for IT staff by type and id and the names of the failing
fields only — pydantic's own message quotes the stored value, which may be PHI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from kiosk.shell.links import public_url

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"


def operation_outcome(code: str, message: str, severity: str = "error") -> OperationOutcome:
    """One issue: its FHIR issue-type `code` ("invalid", "not-found", "login" …) and words."""
    return OperationOutcome.model_validate(
        {"issue": [{"severity": severity, "code": code, "diagnostics": message}]}
    )


@dataclass(frozen=True)
class Candidate:
    """A row that matched, and how to make its resource."""

    resource_type: str
    row_id: int
    patient_id: int
    build: Callable[[], Resource]


@dataclass(frozen=True)
class Disclosed:
    """A resource that left Lobby: its type, row and patient (for the audit)."""

    resource_type: str
    row_id: int
    patient_id: int


@dataclass(frozen=True)
class Answer:
    """A bundle and the resources it discloses."""

    bundle: Bundle
    disclosed: list[Disclosed]


def failing_fields(error: ValidationError) -> str:
    """The dotted paths of the fields that failed, without their values."""
    return ",".join(".".join(str(part) for part in issue["loc"]) for issue in error.errors())


def built_or_none(candidate: Candidate) -> Resource | None:
    """The candidate's resource, or None (logged without values) when it does not validate."""
    try:
        return candidate.build()
    except ValidationError as error:
        log.error(
            "FHIR resource failed validation and was left out",
            extra={
                "reason": f"{candidate.resource_type}/{candidate.row_id}: {failing_fields(error)}"
            },
        )
        return None


def resource_url(resource_type: str, row_id: int) -> str:
    """The resource's address on this server (`fullUrl`)."""
    return public_url(f"/fhir/{resource_type}/{row_id}")


def searchset(candidates: list[Candidate], total: int, links: dict[str, str]) -> Answer:
    """A searchset bundle of the candidates' resources in order (`links`: relation → URL)."""
    entries: list[dict[str, Any]] = []
    disclosed: list[Disclosed] = []
    for candidate in candidates:
        resource = built_or_none(candidate)
        if resource is None:
            message = _l(
                "%(resource)s %(id)s could not be made a valid FHIR resource and was left out;"
                " the server logged it for the hospital's IT staff.",
                resource=candidate.resource_type,
                id=candidate.row_id,
            )
            entries.append(
                {
                    "resource": operation_outcome("processing", str(message), "warning"),
                    "search": {"mode": "outcome"},
                }
            )
            continue
        entries.append(
            {
                "fullUrl": resource_url(candidate.resource_type, candidate.row_id),
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
        disclosed.append(Disclosed(candidate.resource_type, candidate.row_id, candidate.patient_id))
    bundle = Bundle.model_validate(
        {
            "type": "searchset",
            "total": total,
            "link": [{"relation": relation, "url": url} for relation, url in links.items()],
            "entry": entries or None,
        }
    )
    return Answer(bundle, disclosed)
