"""Why a queue action was refused, in words a coordinator reads on their screen.

A refused action changes nothing. The message is translatable (lazy), so the screen that shows
it renders it in the coordinator's language; the reason is for code and tests.
"""

from __future__ import annotations

import enum

from flask_babel import LazyString


class RefusalReason(enum.StrEnum):
    """The kinds of refusal a staff screen may want to tell apart."""

    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    ALREADY_CALLED = "already_called"
    CHANGED_MEANWHILE = "changed_meanwhile"
    NOT_ALLOWED = "not_allowed"
    NOTHING_TO_UNDO = "nothing_to_undo"
    ALREADY_CHECKED_IN = "already_checked_in"
    BAD_DESTINATION = "bad_destination"


class QueueActionRefused(Exception):
    """A queue action that cannot be done as asked; nothing was changed."""

    def __init__(self, reason: RefusalReason, message: LazyString) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.message = message
