"""The delivery worker: takes due messages from the outbox, renders, sends and records them.

Shaped like the print worker (`kiosk.printing.worker`): no database transaction is held while
the engine is slow, every failure costs one attempt and never the worker, and a lost database
connection is retried. Any number of workers may run (on one host or several): the claim gives
each message to one of them, and messages of one appointment still leave in order.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from admin.interfaces.mllp import DeliveryProblem, send_message
from admin.interfaces.outbox_queue import (
    ClaimedMessage,
    claim_next_message,
    mark_acknowledged,
    mark_attempt_failed,
    requeue_abandoned_messages,
)
from admin.interfaces.rendering import MessageCannotBeBuilt, RenderedMessage, render
from admin.interfaces.settings import InterfaceSettings
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import OutboundState
from kiosk.models.types import utcnow

logger = logging.getLogger(__name__)

# The audit's words for an attempt's outcome.
AUDIT_OUTCOMES = {
    OutboundState.SENT: "acknowledged",
    OutboundState.PENDING: "will_retry",
    OutboundState.FAILED: "failed",
}


class InterfaceWorker:
    """Sends the outbox's due messages to the configured engine. Needs an app context."""

    def __init__(self, settings: InterfaceSettings) -> None:
        self.settings = settings

    def transmit(self, message: ClaimedMessage, rendered: RenderedMessage) -> OutboundState:
        """Send one rendered message and record the outcome (not yet committed)."""
        settings = self.settings
        try:
            send_message(
                settings.host, settings.port, rendered.text, rendered.control_id, settings.timeout
            )
        except DeliveryProblem as problem:
            return mark_attempt_failed(message, problem.reason, settings, final=problem.rejected)
        mark_acknowledged(message)
        return OutboundState.SENT

    def deliver(self, message: ClaimedMessage) -> OutboundState:
        """Render, send and record one claimed message; the disclosure of the patient's data to
        the engine is audited with the outcome, in one commit."""
        try:
            rendered = render(message.id, self.settings, utcnow())
            db.session.commit()  # the control id is fixed before anything leaves
        except MessageCannotBeBuilt as problem:
            db.session.rollback()
            outcome = mark_attempt_failed(message, problem.reason, self.settings, final=True)
            db.session.commit()
            logger.warning("outbound message %d failed: %s", message.id, problem.reason)
            return outcome
        try:
            outcome = self.transmit(message, rendered)
        except Exception as error:  # a bug must cost one attempt, not the worker
            logger.exception("unexpected error sending outbound message %d", message.id)
            db.session.rollback()
            reason = f"unexpected {type(error).__name__}"
            outcome = mark_attempt_failed(message, reason, self.settings)
        record_audit(
            "hl7_message_sent",
            kiosk_id=None,
            patient_id=rendered.patient_id,
            outbound_message=message.id,
            reason=AUDIT_OUTCOMES[outcome],
        )
        db.session.commit()
        logger.info(
            "outbound message %d: %s after attempt %d", message.id, outcome, message.attempts
        )
        return outcome

    def process_due_messages(self, stop: threading.Event | None = None) -> int:
        """Send every message due now, one at a time; return how many were tried. Messages a
        crashed worker abandoned are returned to the queue first; a failed one is due again
        only after this pass began, so a pass always ends."""
        requeued = requeue_abandoned_messages(self.settings)
        db.session.commit()
        if requeued:
            logger.warning("re-queued %d abandoned outbound message(s)", requeued)
        pass_started = utcnow()
        processed = 0
        while stop is None or not stop.is_set():
            message = claim_next_message(due_by=pass_started)
            if message is None:
                break
            self.deliver(message)
            processed += 1
        return processed

    def run(self, stop: threading.Event) -> None:
        """Send until `stop` is set (the message in hand is finished first: its I/O is bounded
        by the timeout)."""
        logger.info("interface worker started for %s:%d", self.settings.host, self.settings.port)
        while not stop.is_set():
            try:
                processed = self.process_due_messages(stop)
            except SQLAlchemyError:
                logger.exception("database error in the interface worker; retrying")
                processed = 0
            # Hold no connection (or SQLite snapshot) while waiting.
            db.session.rollback()
            if not processed:
                stop.wait(self.settings.poll_seconds)
        logger.info("interface worker stopped")
