"""The state of one patient's check-in, kept in the server-side kiosk session.

Nothing is written to patient records until the last step, so a patient who walks away leaves
nothing half-done; the session (and with it this state) is deleted when the screen resets. The
state holds ids and choices; the only typed identity data are a last name between the two
lookup screens and a walk-in's registration until it commits. Screens read everything else from
the database, through audited views.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from flask import current_app, session

from kiosk.shell.sessions import on_session_end
from kiosk.tokens import new_token
from kiosk.uploads.retention import files_kept_by_records
from kiosk.uploads.secure_store import store_for

FLOW_KEY = "checkin"
TICKET_SECRET_BYTES = 16

# The questions in order, numbered on screen as "Step 2 of 5".
STEPS = ("identify", "confirm", "contact", "insurance", "consent")


def progress(step: str) -> dict[str, int]:
    """Template variables for the progress line of `step`."""
    return {"step_number": STEPS.index(step) + 1, "step_total": len(STEPS)}


@dataclass
class CheckinFlow:
    """Everything a patient has answered so far."""

    started_at: float = field(default_factory=time.time)
    # The secret this check-in's ticket tokens are derived from (`tickets.ticket_token`): a
    # repeated final tap, or a retry after a crash, finds and shows the tickets it committed.
    ticket_secret: str = field(default_factory=lambda: new_token(TICKET_SECRET_BYTES))
    method: str = ""
    # Typed on the first screen of the name + date of birth lookup, cleared once used.
    pending_last_name: str = ""
    found_ids: list[int] = field(default_factory=list)
    chosen_ids: list[int] = field(default_factory=list)
    patient_id: int | None = None
    confirmed: bool = False
    contact_confirmed: bool = False
    new_phone: str = ""
    insurance: str = ""  # "same", "new" or "self_pay"
    card_front: str = ""  # names in the encrypted store
    card_back: str = ""
    member_id: str = ""
    group_number: str = ""
    consent_method: str = ""  # "signature" or "tap"
    signature_file: str = ""
    # After the check-in commits: the tickets the done screen shows, as [check-in id, token,
    # print job id]; only this session may ask how those print jobs went.
    done: list[list[Any]] = field(default_factory=list)
    walk_in: dict[str, str] = field(default_factory=dict)

    def print_job_ids(self) -> set[int]:
        """The print jobs of this check-in's ticket receipts."""
        return {job_id for _check_in_id, _token, job_id in self.done if job_id is not None}

    def expired(self) -> bool:
        """A check-in that has taken longer than the cap starts over (a forgotten screen)."""
        limit = float(current_app.config["CHECKIN_MAX_SECONDS"])
        return time.time() - self.started_at > limit


FLOW_FIELDS = frozenset(field_info.name for field_info in fields(CheckinFlow))


def flow_from(raw: Mapping[str, Any]) -> CheckinFlow:
    """The flow stored in a session. Keys this version does not know (a session written by a
    newer or older release, around an upgrade) are ignored, so the session-end cleanup still
    finds the uploads to delete. A done ticket from a release that did not keep its print job
    gets None for it."""
    known = {name: value for name, value in raw.items() if name in FLOW_FIELDS}
    known["done"] = [[*entry, None][:3] for entry in known.get("done", [])]
    return CheckinFlow(**known)


def load_flow() -> CheckinFlow | None:
    """The current check-in, or None (not started, reset, or over the time cap)."""
    raw: dict[str, Any] | None = session.get(FLOW_KEY)
    if raw is None:
        return None
    flow = flow_from(raw)
    if flow.expired():
        abandon_flow()
        session.clear()
        return None
    return flow


def save_flow(flow: CheckinFlow) -> None:
    """Store the state back in the session."""
    session[FLOW_KEY] = asdict(flow)


def start_flow(method: str) -> CheckinFlow:
    """Begin a new check-in, discarding any earlier one on this screen."""
    abandon_flow()
    flow = CheckinFlow(method=method)
    save_flow(flow)
    return flow


def abandon_flow() -> None:
    """Forget this screen's check-in, deleting what an unfinished one uploaded."""
    raw: dict[str, Any] | None = session.pop(FLOW_KEY, None)
    if raw is not None:
        discard_unfinished_uploads(flow_from(raw))


def discard_unfinished_uploads(flow: CheckinFlow) -> None:
    """Card photos and a signature of a check-in that did not complete are deleted now rather
    than at the retention purge: nobody will review them. A file a committed record names is
    never deleted here, even when the session looks unfinished: its check-in committed after
    all (a double tap, a crash before the ticket reached the screen)."""
    if not flow.done:
        discard_unreferenced_uploads(flow)


def discard_unreferenced_uploads(flow: CheckinFlow) -> None:
    """Delete those of the flow's uploads that no committed record names. After a check-in
    this removes only the signature a losing double tap drew again; its winner's files stay."""
    uploads = {name for name in (flow.card_front, flow.card_back, flow.signature_file) if name}
    store = store_for(current_app)
    for name in uploads - files_kept_by_records(uploads):
        store.delete(name)


@on_session_end
def discard_uploads_of_ended_session(data: Mapping[str, Any]) -> None:
    """A session that ends — reset, or expired on the server after a crash or power cut — takes
    its unfinished check-in's uploads with it."""
    raw = data.get(FLOW_KEY)
    if raw is not None:
        discard_unfinished_uploads(flow_from(raw))
