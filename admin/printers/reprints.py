"""Reprints from the staff Printers screen: where a job's copy may go, and one copy per click.

A job's bytes were rendered for its printer's profile (paper width, code page), so a copy may go
to its own printer or to another printer whose kiosks use the same profile; the bytes are never
rendered again. A double click sends the same form twice: the form carries how many copies of the
job existed when the page was drawn, and a reprint goes ahead only while that is still so. The
check holds under two clicks at once because the reprint first writes to the original job's row,
which serialises reprints of one job on both databases (PostgreSQL's row lock, SQLite's single
writer) before the copies are counted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import Kiosk, PrintJob
from kiosk.models.types import utcnow
from kiosk.printing.connections import PrinterUriError, canonical_printer_uri
from kiosk.printing.jobs import ReprintResult, reprint_now
from kiosk.printing.settings import PrintSettings


class ReprintRefusal(enum.Enum):
    """Why a reprint was refused, with the HTTP status the screen answers."""

    UNKNOWN_JOB = 404
    RECEIPT_DROPPED = 410
    UNKNOWN_PRINTER = 400
    ALREADY_REPRINTED = 409


REFUSAL_MESSAGES: dict[ReprintRefusal, LazyString] = {
    ReprintRefusal.UNKNOWN_JOB: _l("There is no such print job. Nothing was printed."),
    ReprintRefusal.RECEIPT_DROPPED: _l(
        "This receipt was deleted after its retention period, so it cannot be printed again."
    ),
    ReprintRefusal.UNKNOWN_PRINTER: _l(
        "That printer is not one of the kiosks' printers for this paper size. Nothing was printed."
    ),
    ReprintRefusal.ALREADY_REPRINTED: _l(
        "This receipt was just reprinted (a second click, or a colleague). "
        "It was not printed again; check the list below."
    ),
}


class ReprintRefused(Exception):
    """A reprint that did not happen; nothing was queued or printed."""

    def __init__(self, refusal: ReprintRefusal) -> None:
        super().__init__(refusal.name)
        self.refusal = refusal
        self.message = REFUSAL_MESSAGES[refusal]
        self.status = refusal.value


@dataclass(frozen=True)
class ReprintRequest:
    """What the reprint form sends: the job, the printer chosen ("" for its own), and how many
    copies of the job the page showed."""

    job_id: int
    printer_uri: str
    copies_seen: int


def printers_by_profile() -> dict[str, list[str]]:
    """Canonical printer URIs per printer profile, from the kiosks that print to them, sorted.

    A kiosk with an ill-formed URI is left out: nothing can print there.
    """
    by_profile: dict[str, set[str]] = {}
    for raw_uri, profile in db.session.execute(
        select(Kiosk.printer_uri, Kiosk.printer_profile).distinct()
    ):
        try:
            by_profile.setdefault(profile, set()).add(canonical_printer_uri(raw_uri))
        except PrinterUriError:
            continue
    return {profile: sorted(uris) for profile, uris in by_profile.items()}


def copies_by_job(job_ids: list[int]) -> dict[int, int]:
    """How many reprints each of `job_ids` has had (absent: none)."""
    if not job_ids:
        return {}
    rows = db.session.execute(
        select(PrintJob.reprint_of_id, func.count())
        .where(PrintJob.reprint_of_id.in_(job_ids))
        .group_by(PrintJob.reprint_of_id)
    )
    return {original_id: count for original_id, count in rows if original_id is not None}


def profiles_by_job(job_ids: list[int]) -> dict[int, str]:
    """The printer profile each job was rendered for."""
    if not job_ids:
        return {}
    rows = db.session.execute(
        select(PrintJob.id, PrintJob.printer_profile).where(PrintJob.id.in_(job_ids))
    )
    return {job_id: profile for job_id, profile in rows}


def claim_original(job_id: int) -> PrintJob:
    """Write to the original job's row first, so a second reprint of it waits for this one."""
    touched = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == job_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    original = db.session.get(PrintJob, job_id) if getattr(touched, "rowcount", 0) else None
    if original is None:
        raise ReprintRefused(ReprintRefusal.UNKNOWN_JOB)
    return original


def reprint_target(original: PrintJob, chosen_uri: str) -> str:
    """The printer for the copy: its own, or a kiosk printer of the same profile."""
    if not chosen_uri:
        return original.printer_uri
    try:
        target = canonical_printer_uri(chosen_uri)
    except PrinterUriError:
        raise ReprintRefused(ReprintRefusal.UNKNOWN_PRINTER) from None
    if target != original.printer_uri and target not in printers_by_profile().get(
        original.printer_profile, []
    ):
        raise ReprintRefused(ReprintRefusal.UNKNOWN_PRINTER)
    return target


def reprint_once(request: ReprintRequest, settings: PrintSettings, staff_id: int) -> ReprintResult:
    """Print one copy of the job now, audited as the staff member's, unless the form is stale.

    Raises `ReprintRefused` (after rolling back, so nothing is queued) for an unknown job or
    printer, a receipt retention has dropped, or a copy made since the page was drawn.
    """
    try:
        original = claim_original(request.job_id)
        target = reprint_target(original, request.printer_uri)
        if copies_by_job([original.id]).get(original.id, 0) != request.copies_seen:
            raise ReprintRefused(ReprintRefusal.ALREADY_REPRINTED)
        if original.payload is None:
            raise ReprintRefused(ReprintRefusal.RECEIPT_DROPPED)
        record_audit("staff_reprint", kiosk_id=original.kiosk_id, staff_id=staff_id)
        return reprint_now(original.id, settings, target)
    except ReprintRefused:
        db.session.rollback()
        raise
