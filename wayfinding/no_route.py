"""Why there is no route, in words a visitor can act on.

When a destination cannot be reached, the kiosk says what stands in the way as a person sees
it: the elevator, stairwell or corridor by its name (never an internal id), every way that is
blocked (not just the first one found), and why each one is: closed for now, stairs or
escalators (for a step-free route), one-way in the other direction, or staff only.

"A way" is an exit from the area the visitor can walk now, towards the destination: each
blocked link that leaves that area and leads on to the destination without coming back
through it. So three stairwells out of a step-free area are three ways, and an escalator that
runs the wrong way is not blamed on steps for a visitor who may use steps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wayfinding.errors import WayfindingError
from wayfinding.i18n import N_, translator
from wayfinding.model import EdgeKind, Floorplan, LocalizedName, Profile


class NoRouteCause(enum.StrEnum):
    """Why no route exists, so the kiosk can say what to do about it."""

    CLOSED = "closed"
    NOT_STEP_FREE = "not-step-free"
    ONE_WAY = "one-way"
    STAFF_ONLY = "staff-only"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class BlockedWay:
    """One way towards the destination and why it cannot be used; `element` is its id."""

    reason: NoRouteCause
    element: str


# Reasons in the order they are told.
REASON_ORDER = (
    NoRouteCause.CLOSED,
    NoRouteCause.NOT_STEP_FREE,
    NoRouteCause.ONE_WAY,
    NoRouteCause.STAFF_ONLY,
)

# When closures are what blocks the route, they lead (singular, plural); %(element)s names them.
CLOSED_MESSAGES = {
    Profile.STANDARD: (
        N_("No route while %(element)s is closed."),
        N_("No route while %(element)s are closed."),
    ),
    Profile.STEP_FREE: (
        N_("No step-free route while %(element)s is closed."),
        N_("No step-free route while %(element)s are closed."),
    ),
}
# When exactly one way is blocked: one sentence per reason and profile; %(element)s names it.
ONLY_WAY_MESSAGES = {
    (NoRouteCause.NOT_STEP_FREE, Profile.STEP_FREE): N_(
        "No step-free route: the only way uses %(element)s."
    ),
    (NoRouteCause.ONE_WAY, Profile.STANDARD): N_(
        "No route: the only way, %(element)s, is one-way in the other direction."
    ),
    (NoRouteCause.ONE_WAY, Profile.STEP_FREE): N_(
        "No step-free route: the only way, %(element)s, is one-way in the other direction."
    ),
    (NoRouteCause.STAFF_ONLY, Profile.STANDARD): N_(
        "No route: the only way passes %(element)s, which is for staff only."
    ),
    (NoRouteCause.STAFF_ONLY, Profile.STEP_FREE): N_(
        "No step-free route: the only way passes %(element)s, which is for staff only."
    ),
}
# When several ways are blocked: a headline, then one sentence per reason with a count.
SEVERAL_WAYS_HEADLINE = {
    Profile.STANDARD: N_("No route to %(destination)s from here:"),
    Profile.STEP_FREE: N_("No step-free route to %(destination)s from here:"),
}
SEVERAL_WAYS_MESSAGES = {
    NoRouteCause.CLOSED: (
        N_("%(count)d way is closed (%(names)s)."),
        N_("%(count)d ways are closed (%(names)s)."),
    ),
    NoRouteCause.NOT_STEP_FREE: (
        N_("%(count)d way has stairs or an escalator (%(names)s)."),
        N_("%(count)d ways have stairs or escalators (%(names)s)."),
    ),
    NoRouteCause.ONE_WAY: (
        N_("%(count)d way is one-way in the other direction (%(names)s)."),
        N_("%(count)d ways are one-way in the other direction (%(names)s)."),
    ),
    NoRouteCause.STAFF_ONLY: (
        N_("%(count)d way is for staff only (%(names)s)."),
        N_("%(count)d ways are for staff only (%(names)s)."),
    ),
}
UNREACHABLE_MESSAGES = {
    Profile.STANDARD: N_("%(destination)s cannot be reached from here."),
    Profile.STEP_FREE: N_("%(destination)s cannot be reached from here without steps."),
}
# How many names a sentence lists before it says "and 3 more".
NAMES_LISTED = 3
AND_LAST = N_("%(first)s and %(last)s")
MORE = (N_("%(count)d more"), N_("%(count)d more"))

# What an unnamed link or place is called, placed by a named spot at either end or its floor.
KIND_NOUNS = {
    EdgeKind.SKYBRIDGE: N_("the skybridge"),
    EdgeKind.TUNNEL: N_("the tunnel"),
    EdgeKind.OUTDOOR: N_("the covered walkway"),
    EdgeKind.RAMP: N_("the ramp"),
    EdgeKind.STAIRS: N_("the stairs"),
    EdgeKind.ESCALATOR: N_("the escalator"),
    EdgeKind.ELEVATOR: N_("the elevator"),
    EdgeKind.CORRIDOR: N_("the corridor"),
    EdgeKind.DOOR: N_("the door"),
}
AREA = N_("the area")
NEAR_PLACE = N_("%(thing)s near %(place)s")
ON_FLOOR = N_("%(thing)s on %(building)s, Level %(sign)s")


def visible_name(plan: Floorplan, element: str, lang: str) -> str:
    """What a person sees for a node, edge or connector id: its name, else a description.

    Never the id itself: an unnamed corridor is "the corridor near Radiology" or "the stairs
    on North Building, Level 2".
    """
    t = translator(lang)
    named = _own_name(plan, element)
    if named is not None:
        return named.in_language(lang)
    edge = plan.edges.get(element)
    ends: tuple[str, ...] = (element,)
    thing = t.gettext(AREA)
    if edge is not None:
        thing, ends = t.gettext(KIND_NOUNS[edge.kind]), (edge.source, edge.target)
    for end in ends:
        place = plan.places_by_node.get(end)
        if place is not None:
            return t.gettext(NEAR_PLACE) % {"thing": thing, "place": place.in_language(lang)}
    floor = plan.floor_of(ends[0])
    building = plan.buildings[floor.building].name.in_language(lang)
    return t.gettext(ON_FLOOR) % {"thing": thing, "building": building, "sign": floor.sign}


def _own_name(plan: Floorplan, element: str) -> LocalizedName | None:
    """The name staff gave the element (or the connector or place it belongs to), if any."""
    if element in plan.connectors:
        return plan.connectors[element].name
    edge = plan.edges.get(element)
    if edge is not None:
        return edge.name
    node = plan.nodes.get(element)
    if node is not None and node.name is not None:
        return node.name
    if element in plan.connector_of_node:
        return plan.connector_of_node[element].name
    return plan.places_by_node.get(element)


def list_names(names: list[str], lang: str) -> str:
    """ "A, B and C", or "A, B, C and 2 more" past NAMES_LISTED, in `lang`."""
    t = translator(lang)
    shown = names[:NAMES_LISTED]
    hidden = len(names) - len(shown)
    if hidden:
        shown.append(t.ngettext(*MORE, hidden) % {"count": hidden})
    if len(shown) == 1:
        return shown[0]
    return t.gettext(AND_LAST) % {"first": ", ".join(shown[:-1]), "last": shown[-1]}


class NoRouteError(WayfindingError):
    """No route exists for this profile now; `cause`, `blocking` and `ways` say why.

    `ways` lists every blocked way (element id and reason); `blocking` the ids of those whose
    reason is the `cause` (what would have to change first).
    """

    def __init__(
        self,
        floorplan: Floorplan,
        profile: Profile,
        target: str,
        cause: NoRouteCause,
        blocking: tuple[str, ...] = (),
        ways: tuple[BlockedWay, ...] | None = None,
    ) -> None:
        self.floorplan = floorplan
        self.profile = profile
        self.target = target
        self.cause = cause
        self.ways = ways if ways is not None else tuple(BlockedWay(cause, e) for e in blocking)
        self.blocking = blocking or tuple(w.element for w in self.ways if w.reason is cause)
        super().__init__(self.describe())

    def describe(self, lang: str = "en") -> str:
        """The reason in words for visitors: "No step-free route while Elevator B is closed."."""
        plan, t = self.floorplan, translator(lang)
        destination = plan.destinations.get(self.target)
        target_name = destination.name.in_language(lang) if destination else self.target
        ways = [w for w in self.ways if w.reason is not NoRouteCause.UNREACHABLE]
        if not ways:
            return t.gettext(UNREACHABLE_MESSAGES[self.profile]) % {"destination": target_name}
        closed = [w for w in ways if w.reason is NoRouteCause.CLOSED]
        if self.cause is NoRouteCause.CLOSED and closed:
            names = [visible_name(plan, w.element, lang) for w in closed]
            lead = t.ngettext(*CLOSED_MESSAGES[self.profile], len(names)) % {
                "element": list_names(names, lang)
            }
            others = [w for w in ways if w.reason is not NoRouteCause.CLOSED]
            return " ".join([lead, *self._way_counts(others, lang)])
        if len(ways) == 1:
            template = ONLY_WAY_MESSAGES[(ways[0].reason, self.profile)]
            return t.gettext(template) % {"element": visible_name(plan, ways[0].element, lang)}
        headline = t.gettext(SEVERAL_WAYS_HEADLINE[self.profile]) % {"destination": target_name}
        return " ".join([headline, *self._way_counts(ways, lang)])

    def _way_counts(self, ways: list[BlockedWay], lang: str) -> list[str]:
        """One sentence per reason: how many ways it blocks, and their names."""
        t = translator(lang)
        sentences = []
        for reason in REASON_ORDER:
            names = [
                visible_name(self.floorplan, w.element, lang) for w in ways if w.reason is reason
            ]
            if names:
                singular, plural = SEVERAL_WAYS_MESSAGES[reason]
                sentences.append(
                    t.ngettext(singular, plural, len(names))
                    % {"count": len(names), "names": list_names(names, lang)}
                )
        return sentences
