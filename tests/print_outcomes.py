"""Finish a queued print job the way the print dispatcher records each outcome, for screen tests
that check what the kiosk tells the patient about their receipt."""

from __future__ import annotations

import enum
from dataclasses import replace

from flask import Flask

from kiosk.extensions import db
from kiosk.printing.queue import claim_job, mark_attempt_failed, mark_printed, mark_sent
from kiosk.printing.settings import current_settings


class Outcome(enum.Enum):
    """What one attempt at the printer ended with."""

    SENT = "every byte written, no answer from the printer"
    PRINTED = "the printer answered after reading the receipt"
    RETRY = "the attempt failed and another one is scheduled"
    FAILED = "the last attempt failed"


def record_attempt(app: Flask, job_id: int, outcome: Outcome) -> None:
    """Claim job `job_id` and record `outcome` with the queue's own functions, then commit."""
    with app.app_context():
        job = claim_job(job_id)
        assert job is not None, f"print job {job_id} is not queued"
        settings = current_settings()
        match outcome:
            case Outcome.SENT:
                mark_sent(job)
            case Outcome.PRINTED:
                mark_sent(job)
                mark_printed(job)
            case Outcome.RETRY:
                mark_attempt_failed(job, "printer did not answer", settings)
            case Outcome.FAILED:
                mark_attempt_failed(job, "printer off", replace(settings, max_attempts=1))
        db.session.commit()
