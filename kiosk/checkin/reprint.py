"""A ticket printed again with the way the patient needs.

A patient who switches the step-free route on (or off) on the done screen gets, for each ticket
whose way changes with it, a new ticket receipt whose directions follow the choice. The ticket
stays the same (number, place in the queue, status link); only the paper and the screen's
directions change. A ticket whose way is the same either way is not printed again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.checkin.arrival import ticket_receipt_for
from kiosk.checkin.ticket_route import step_free_changes_route
from kiosk.extensions import db
from kiosk.models import CheckIn, Kiosk
from kiosk.printing.queue import enqueue_receipt
from wayfinding import Profile


def reprint_tickets(
    done: list[list[Any]], kiosk: Kiosk, lang: str, profile: Profile, now: datetime
) -> list[list[Any]]:
    """Queue new receipts for the tickets of `done` (`CheckinFlow.done` entries) whose way
    changes with the profile, commit, and return the entries with their new print jobs. Each
    check-in keeps the newest job, so the done screen follows the paper the patient waits for."""
    reprinted = []
    for check_in_id, token, print_job_id in done:
        check_in = db.session.get(CheckIn, check_in_id)
        assert check_in is not None
        ticket = check_in.ticket
        if step_free_changes_route(kiosk, ticket.department):
            job = enqueue_receipt(
                kiosk,
                ticket_receipt_for(
                    ticket.label,
                    ticket.department,
                    token,
                    kiosk,
                    lang,
                    now,
                    ticket.estimated_wait_minutes,
                    profile=profile,
                ),
            )
            db.session.flush()
            check_in.print_job_id = print_job_id = job.id
        reprinted.append([check_in_id, token, print_job_id])
    db.session.commit()
    return reprinted
