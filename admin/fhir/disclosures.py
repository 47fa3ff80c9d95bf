"""The audit of what the FHIR API and `flask arrivals export` hand out.

Two kinds of event per answer (a read changes no data, so the audit is committed on its own,
before the answer leaves):

- one for the request or command: which client (or the export), which resource type, how
  many resources went out — "what did the billing office fetch on Tuesday";
- one per resource disclosed, naming its patient, the client and the row — HIPAA's
  accounting of disclosures ("who received Ana's arrival") without reading any bundle back.

No search parameter is recorded: they hold nothing an auditor needs that the rows do not say.
"""

from __future__ import annotations

from admin.fhir.bundles import Disclosed
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db

ROW_KEYS = {"Appointment": "appointment_id", "Coverage": "coverage_id"}


def record_disclosures(
    resource_type: str, disclosed: list[Disclosed], *, api_client_id: int | None
) -> None:
    """Audit one answer: an API read by `api_client_id`, or an export when None. Commits."""
    by_client = {"api_client": api_client_id} if api_client_id is not None else {}
    answer, disclosure = (
        ("fhir_api_read", "fhir_api_disclosed")
        if api_client_id is not None
        else ("fhir_export", "fhir_export_disclosed")
    )
    record_audit(
        answer,
        kiosk_id=None,
        resource=resource_type,
        returned=len(disclosed),
        **by_client,
    )
    for item in disclosed:
        record_audit(
            disclosure,
            kiosk_id=None,
            patient_id=item.patient_id,
            resource=item.resource_type,
            **{ROW_KEYS[item.resource_type]: item.row_id},
            **by_client,
        )
    db.session.commit()
