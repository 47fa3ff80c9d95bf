"""Coordinators' actions on a ticket: call to a desk or room, recall, requeue, roomed, done,
no-show, and undo the last one.

Two coordinators may press at the same moment, on different app servers. Each action is a
conditional UPDATE on the ticket ("... WHERE id = ? AND version = what I read"): the database
lets exactly one of them through, the other is refused with a message and changes nothing. The
appointment follows the ticket in the same transaction, and only if it was not cancelled
meanwhile. Every action is a `QueueEvent` (what the board shows, what undo restores) and an
audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from admin.queue.refusals import QueueActionRefused, RefusalReason
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    CheckIn,
    QueueAction,
    QueueEvent,
    QueueTicket,
    QueueTicketStatus,
)
from kiosk.models.types import utcnow
from kiosk.outbox.enqueue import enqueue_appointment_status

DESTINATION_MAX_LENGTH = 40


@dataclass(frozen=True)
class Transition:
    """Which ticket statuses an action applies to, and what the ticket and appointment become
    (None: the appointment keeps its status)."""

    from_statuses: frozenset[QueueTicketStatus]
    ticket_status: QueueTicketStatus
    appointment_status: AppointmentStatus | None


S = QueueTicketStatus
TRANSITIONS: dict[QueueAction, Transition] = {
    QueueAction.CALL: Transition(frozenset({S.WAITING, S.REQUEUED}), S.CALLED, None),
    QueueAction.RECALL: Transition(frozenset({S.CALLED}), S.CALLED, None),
    QueueAction.REQUEUE: Transition(
        frozenset({S.CALLED, S.NO_SHOW}), S.REQUEUED, AppointmentStatus.ARRIVED
    ),
    QueueAction.ROOMED: Transition(frozenset({S.CALLED}), S.ROOMED, AppointmentStatus.IN_ROOM),
    QueueAction.DONE: Transition(frozenset({S.CALLED, S.ROOMED}), S.DONE, AppointmentStatus.DONE),
    QueueAction.NO_SHOW: Transition(
        frozenset({S.WAITING, S.REQUEUED, S.CALLED}), S.NO_SHOW, AppointmentStatus.NO_SHOW
    ),
}

STATUS_WORDS: dict[QueueTicketStatus, LazyString] = {
    S.WAITING: _l("waiting"),
    S.CALLED: _l("called"),
    S.REQUEUED: _l("back in the queue"),
    S.ROOMED: _l("in a room"),
    S.DONE: _l("done"),
    S.NO_SHOW: _l("marked as not here"),
}


def status_in_words(status: QueueTicketStatus) -> LazyString:
    """How a coordinator's screen names a ticket's status."""
    return STATUS_WORDS[status]


@dataclass(frozen=True)
class TicketState:
    """A ticket as read before acting, with its appointment (None for a walk-in)."""

    ticket: QueueTicket
    patient_id: int
    appointment: Appointment | None


def ticket_state(ticket_id: int) -> TicketState:
    """Read the ticket afresh (a colleague may have changed it since this session last did)."""
    row = db.session.execute(
        select(QueueTicket, CheckIn.patient_id, CheckIn.appointment_id)
        .join(CheckIn, CheckIn.ticket_id == QueueTicket.id)
        .where(QueueTicket.id == ticket_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise QueueActionRefused(
            RefusalReason.NOT_FOUND, _l("This ticket no longer exists. Please refresh the list.")
        )
    ticket, patient_id, appointment_id = row
    appointment = (
        db.session.get(Appointment, appointment_id, populate_existing=True)
        if appointment_id is not None
        else None
    )
    return TicketState(ticket, patient_id, appointment)


def refuse_cancelled(state: TicketState) -> None:
    """Nothing may happen to the ticket of a cancelled appointment."""
    if state.appointment is not None and state.appointment.status is AppointmentStatus.CANCELLED:
        raise QueueActionRefused(
            RefusalReason.CANCELLED,
            _l(
                "The appointment for %(ticket)s was cancelled. Nothing was changed.",
                ticket=state.ticket.label,
            ),
        )


def changed_meanwhile(label: str) -> QueueActionRefused:
    """The refusal when a colleague acted on the ticket between reading and writing."""
    return QueueActionRefused(
        RefusalReason.CHANGED_MEANWHILE,
        _l(
            "A colleague changed %(ticket)s a moment ago. Nothing was changed; please check the"
            " list and try again.",
            ticket=label,
        ),
    )


def refuse_wrong_status(state: TicketState, action: QueueAction) -> None:
    """Refuse an action that does not apply to the ticket's status, saying what the status is
    (and, for a call, that a colleague already called it, and where to)."""
    ticket = state.ticket
    if ticket.status in TRANSITIONS[action].from_statuses:
        return
    if action is QueueAction.CALL and ticket.status is S.CALLED:
        raise QueueActionRefused(
            RefusalReason.ALREADY_CALLED,
            _l(
                "%(ticket)s was already called to %(place)s. Nothing was changed.",
                ticket=ticket.label,
                place=ticket.called_to or "",
            ),
        )
    raise QueueActionRefused(
        RefusalReason.NOT_ALLOWED,
        _l(
            "%(ticket)s is %(status)s, so this does not apply. Nothing was changed.",
            ticket=ticket.label,
            status=status_in_words(ticket.status),
        ),
    )


def clean_destination(destination: str | None) -> str:
    """The desk or room a ticket is called to, as staff typed it, trimmed; refused when empty,
    too long or containing control characters (it is shown on the public board)."""
    cleaned = " ".join((destination or "").split())
    if not cleaned or len(cleaned) > DESTINATION_MAX_LENGTH or not cleaned.isprintable():
        raise QueueActionRefused(
            RefusalReason.BAD_DESTINATION,
            _l(
                "Please name the desk or room, in at most %(count)d characters.",
                count=DESTINATION_MAX_LENGTH,
            ),
        )
    return cleaned


def move_ticket(ticket: QueueTicket, version: int, **values: object) -> None:
    """UPDATE the ticket only if it is still at `version`; raise when a colleague won."""
    moved = db.session.execute(
        update(QueueTicket)
        .where(QueueTicket.id == ticket.id, QueueTicket.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        label = ticket.label
        db.session.rollback()
        raise changed_meanwhile(label)


def move_appointment(
    state: TicketState, before: AppointmentStatus | None, after: AppointmentStatus | None
) -> None:
    """Bring the appointment along (only from `before`, so a cancellation that slipped in
    between is never overwritten), and queue its new status for the hospital's interface
    engine in the same transaction."""
    if state.appointment is None or after is None or before is None or before is after:
        return
    moved = db.session.execute(
        update(Appointment)
        .where(Appointment.id == state.appointment.id, Appointment.status == before)
        .values(status=after)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        label = state.ticket.label
        db.session.rollback()
        raise changed_meanwhile(label)
    enqueue_appointment_status(state.appointment, after)


def new_event(
    state: TicketState, action: QueueAction, staff_id: int | None, now: datetime, **moves: object
) -> QueueEvent:
    """A queue event for the ticket as read, with the statuses and desks it moves between."""
    ticket = state.ticket
    return QueueEvent(
        ticket_id=ticket.id,
        department_id=ticket.department_id,
        service_date=ticket.service_date,
        action=action,
        called_at_before=ticket.called_at,
        version_after=ticket.version + 1,
        staff_id=staff_id,
        occurred_at=now,
        **moves,
    )


def apply_action(
    ticket_id: int,
    action: QueueAction,
    *,
    staff_id: int | None,
    destination: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> QueueEvent:
    """Do `action` to the ticket and commit it with its queue and audit events.

    `destination` names the desk or room for a call (required) or a recall (optional: the same
    place again). `expected_version` is the ticket's version the coordinator's screen showed:
    when given, any change since then (a colleague's call, an undo) refuses the action. Raises
    QueueActionRefused, having changed nothing.
    """
    if action is QueueAction.UNDO:
        raise ValueError("use undo_last_action")
    now = now or utcnow()
    state = ticket_state(ticket_id)
    ticket = state.ticket
    refuse_cancelled(state)
    if expected_version is not None and ticket.version != expected_version:
        refuse_wrong_status(state, action)
        raise changed_meanwhile(ticket.label)
    refuse_wrong_status(state, action)
    transition = TRANSITIONS[action]
    called_to, called_at = ticket.called_to, ticket.called_at
    if action is QueueAction.CALL or (action is QueueAction.RECALL and destination):
        called_to, called_at = clean_destination(destination), now
    elif action is QueueAction.RECALL:
        called_at = now
    appointment = state.appointment
    event = new_event(
        state,
        action,
        staff_id,
        now,
        ticket_status_before=ticket.status,
        ticket_status_after=transition.ticket_status,
        appointment_status_before=appointment.status if appointment else None,
        appointment_status_after=(
            (transition.appointment_status or appointment.status) if appointment else None
        ),
        called_to_before=ticket.called_to,
        called_to_after=called_to,
    )
    return commit_move(state, event, ticket.version, called_at)


def commit_move(
    state: TicketState,
    event: QueueEvent,
    from_version: int,
    called_at: datetime | None,
    undoing: QueueEvent | None = None,
) -> QueueEvent:
    """Move the ticket (only from `from_version`) and its appointment as `event` says, record
    the event (marking the action it undoes) and its audit event, and commit them together."""
    move_ticket(
        state.ticket,
        from_version,
        status=event.ticket_status_after,
        called_to=event.called_to_after,
        called_at=called_at,
    )
    move_appointment(state, event.appointment_status_before, event.appointment_status_after)
    db.session.add(event)
    if undoing is not None:
        db.session.flush()
        undoing.undone_by = event.id
    record_audit(
        f"queue_{event.action.value}",
        kiosk_id=None,
        patient_id=state.patient_id,
        ticket=state.ticket.label,
        **({"staff_id": event.staff_id} if event.staff_id is not None else {}),
    )
    db.session.commit()
    db.session.refresh(state.ticket)
    return event


def undo_last_action(
    ticket_id: int, *, staff_id: int | None, now: datetime | None = None
) -> QueueEvent:
    """Revert the ticket's latest action (a call taken back disappears from the board).

    Only while that action is still the ticket's current state: after a colleague acted on it,
    or once it was undone, there is nothing to undo and the refusal says so.
    """
    now = now or utcnow()
    state = ticket_state(ticket_id)
    ticket = state.ticket
    last = db.session.scalar(
        select(QueueEvent)
        .where(QueueEvent.ticket_id == ticket.id)
        .order_by(QueueEvent.id.desc())
        .limit(1)
    )
    if last is None or last.action is QueueAction.UNDO or last.undone_by is not None:
        raise QueueActionRefused(
            RefusalReason.NOTHING_TO_UNDO,
            _l("There is nothing to undo for %(ticket)s.", ticket=ticket.label),
        )
    refuse_cancelled(state)
    if last.version_after != ticket.version:
        raise changed_meanwhile(ticket.label)
    undo = new_event(
        state,
        QueueAction.UNDO,
        staff_id,
        now,
        ticket_status_before=last.ticket_status_after,
        ticket_status_after=last.ticket_status_before,
        appointment_status_before=last.appointment_status_after,
        appointment_status_after=last.appointment_status_before,
        called_to_before=last.called_to_after,
        called_to_after=last.called_to_before,
    )
    return commit_move(state, undo, last.version_after, last.called_at_before, undoing=last)
