"""Whether this person needs a route without stairs or escalators, for the whole visit.

The choice lives in the kiosk session under the key the find-your-way screens' step-free switch
sets, so a person who switched it on there gets step-free directions on their ticket too, and
one who answers check-in's question sees step-free routes on the find screens afterwards. The
session ends (and the choice with it) when the screen resets.
"""

from __future__ import annotations

from flask import session

from kiosk.find.views import current_profile
from wayfinding import Profile

# The session key of `kiosk.find.views.set_step_free`; absent until the person has chosen.
STEP_FREE_KEY = "step_free"


def route_profile() -> Profile:
    """The profile this person's directions follow (standard until they chose step-free)."""
    return current_profile()


def route_profile_chosen() -> bool:
    """Whether the person already said (here or on the find screens) whether they need it."""
    return STEP_FREE_KEY in session


def choose_step_free(step_free: bool) -> None:
    """Remember the person's answer for the rest of the visit."""
    session[STEP_FREE_KEY] = step_free
