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
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import current_app, session

from kiosk.shell.sessions import on_session_end
from kiosk.uploads.secure_store import store_for

FLOW_KEY = "checkin"

# The questions in order, numbered on screen as "Step 2 of 5".
STEPS = ("identify", "confirm", "contact", "insurance", "consent")


def progress(step: str) -> dict[str, int]:
    """Template variables for the progress line of `step`."""
    return {"step_number": STEPS.index(step) + 1, "step_total": len(STEPS)}


@dataclass
class CheckinFlow:
    """Everything a patient has answered so far."""

    started_at: float = field(default_factory=time.time)
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
    # After the check-in commits: the tickets the done screen shows, as [check-in id, token].
    done: list[list[Any]] = field(default_factory=list)
    walk_in: dict[str, str] = field(default_factory=dict)

    def expired(self) -> bool:
        """A check-in that has taken longer than the cap starts over (a forgotten screen)."""
        limit = float(current_app.config["CHECKIN_MAX_SECONDS"])
        return time.time() - self.started_at > limit


def load_flow() -> CheckinFlow | None:
    """The current check-in, or None (not started, reset, or over the time cap)."""
    raw: dict[str, Any] | None = session.get(FLOW_KEY)
    if raw is None:
        return None
    flow = CheckinFlow(**raw)
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
        discard_unfinished_uploads(CheckinFlow(**raw))


def discard_unfinished_uploads(flow: CheckinFlow) -> None:
    """Card photos and a signature of a check-in that did not complete are deleted now rather
    than at the retention purge: nobody will review them."""
    if flow.done:
        return
    store = store_for(current_app)
    for upload in (flow.card_front, flow.card_back, flow.signature_file):
        if upload:
            store.delete(upload)


@on_session_end
def discard_uploads_of_ended_session(data: Mapping[str, Any]) -> None:
    """A session that ends — reset, or expired on the server after a crash or power cut — takes
    its unfinished check-in's uploads with it."""
    raw = data.get(FLOW_KEY)
    if raw is not None:
        discard_unfinished_uploads(CheckinFlow(**raw))
