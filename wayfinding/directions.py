"""Turn a route into short, landmark-based instructions a stressed visitor can follow.

Everything is generated from the geometry, never stored: the turn at each decision point comes
from the angle between the segments before and after it, the first step from the kiosk's
heading, and the landmark from the named places near the point. Straight runs through junctions
merge into one "continue past ..." step; a floor change is its own step naming the connector,
the direction and the floor's sign; the last step says on which side the destination is. Steps
are grouped by floor in chunks of at most four. Staff-written phrases replace generated text
for the hop they describe. English and Spanish come from the same code through gettext.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from gettext import NullTranslations

from wayfinding.geometry import Side, Turn, bearing, classify_turn, relative_angle, side_of
from wayfinding.i18n import N_, translator
from wayfinding.model import PASSAGE_KINDS, EdgeKind, LocalizedName
from wayfinding.routing import Hop, Route, seconds_to_minutes

# Named places further than this from a decision point are not "at" it.
LANDMARK_RADIUS_M = 12.0
# A destination this close to the corridor is announced from the corridor ("... on your right").
ARRIVAL_REACH_M = 8.0
MAX_STEPS_PER_CHUNK = 4


class StepKind(enum.StrEnum):
    """What a step asks the person to do."""

    START = "start"
    TURN = "turn"
    CONTINUE = "continue"
    CHANGE_FLOOR = "change-floor"
    CROSS = "cross"
    ARRIVE = "arrive"


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction. `node` is where it applies; `route_index` is that node's position.

    `landmark_side` is the side of `landmark`, or on the arrival step the destination's side.
    `distance_m` is the walk from here to the next step.
    """

    kind: StepKind
    text: str
    floor: str
    floor_sign: str
    node: str
    route_index: int
    turn: Turn | None = None
    landmark: str | None = None
    landmark_side: Side | None = None
    to_floor: str | None = None
    distance_m: float = 0.0

    def walking(self, distance_m: float) -> Step:
        """This step with the distance walked after it (a plain copy; replace() is slow)."""
        return Step(
            self.kind,
            self.text,
            self.floor,
            self.floor_sign,
            self.node,
            self.route_index,
            self.turn,
            self.landmark,
            self.landmark_side,
            self.to_floor,
            distance_m,
        )


@dataclass(frozen=True)
class Chunk:
    """Up to four steps on one floor, shown or printed together under `title`."""

    floor: str
    floor_sign: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Directions:
    """The instructions for a route in one language, chunked by floor, with totals."""

    lang: str
    chunks: tuple[Chunk, ...]
    length_m: float
    duration_s: float
    minutes: int
    summary: str
    step_count_text: str

    @property
    def steps(self) -> tuple[Step, ...]:
        """All steps in order."""
        return tuple(step for chunk in self.chunks for step in chunk.steps)

    @property
    def step_count(self) -> int:
        """How many instructions there are."""
        return sum(len(chunk.steps) for chunk in self.chunks)


# (without landmark, with landmark) per turn, for the first step at a kiosk.
START_AT_KIOSK = {
    Turn.STRAIGHT: (N_("Walk straight ahead."), N_("Walk straight ahead towards %(landmark)s.")),
    Turn.SLIGHT_LEFT: (
        N_("Turn slightly left and walk ahead."),
        N_("Turn slightly left and walk towards %(landmark)s."),
    ),
    Turn.SLIGHT_RIGHT: (
        N_("Turn slightly right and walk ahead."),
        N_("Turn slightly right and walk towards %(landmark)s."),
    ),
    Turn.LEFT: (N_("Turn left and walk ahead."), N_("Turn left and walk towards %(landmark)s.")),
    Turn.RIGHT: (
        N_("Turn right and walk ahead."),
        N_("Turn right and walk towards %(landmark)s."),
    ),
    Turn.SHARP_LEFT: (
        N_("Turn sharp left and walk ahead."),
        N_("Turn sharp left and walk towards %(landmark)s."),
    ),
    Turn.SHARP_RIGHT: (
        N_("Turn sharp right and walk ahead."),
        N_("Turn sharp right and walk towards %(landmark)s."),
    ),
    Turn.TURN_AROUND: (
        N_("Turn around, with the screen behind you, and walk ahead."),
        N_("Turn around, with the screen behind you, and walk towards %(landmark)s."),
    ),
}
START_ANYWHERE = (N_("Follow the corridor."), N_("Head towards %(landmark)s."))
START_AFTER_CONNECTOR = (
    N_("Leave %(connector)s and follow the corridor."),
    N_("Leave %(connector)s and head towards %(landmark)s."),
)
TURN_AT = {
    Turn.STRAIGHT: (N_("Continue straight ahead."), N_("Continue straight past %(landmark)s.")),
    Turn.SLIGHT_LEFT: (N_("Bear slightly left."), N_("Bear slightly left at %(landmark)s.")),
    Turn.SLIGHT_RIGHT: (N_("Bear slightly right."), N_("Bear slightly right at %(landmark)s.")),
    Turn.LEFT: (N_("Turn left."), N_("Turn left at %(landmark)s.")),
    Turn.RIGHT: (N_("Turn right."), N_("Turn right at %(landmark)s.")),
    Turn.SHARP_LEFT: (N_("Turn sharp left."), N_("Turn sharp left at %(landmark)s.")),
    Turn.SHARP_RIGHT: (N_("Turn sharp right."), N_("Turn sharp right at %(landmark)s.")),
    Turn.TURN_AROUND: (N_("Turn around."), N_("Turn around at %(landmark)s.")),
}
LANDMARK_ON_SIDE = {
    Side.LEFT: N_("%(landmark)s (on your left)"),
    Side.RIGHT: N_("%(landmark)s (on your right)"),
    Side.AHEAD: N_("%(landmark)s (ahead)"),
}
CHANGE_FLOOR = {
    True: N_("Take %(connector)s up to Level %(sign)s."),
    False: N_("Take %(connector)s down to Level %(sign)s."),
}
CROSS_TO_BUILDING = N_("Cross %(passage)s to %(building)s.")
GO_THROUGH = N_("Go through %(passage)s.")
UNNAMED_PASSAGE = {
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
ARRIVE = {
    Side.LEFT: N_("%(destination)s is on your left."),
    Side.RIGHT: N_("%(destination)s is on your right."),
    Side.AHEAD: N_("%(destination)s is straight ahead."),
    None: N_("%(destination)s is right here."),
}
CHUNK_TITLE = N_("%(building)s, Level %(sign)s")
SUMMARY = N_("About %(minutes)d min (%(metres)d m)")


def directions(route: Route, lang: str = "en", kiosk_heading: float | None = None) -> Directions:
    """Instructions for `route` in `lang` ("en" or "es").

    The first step is relative to `kiosk_heading` (compass degrees the user faces), by default
    the heading of the kiosk the route starts at; without one it names what to walk towards.
    """
    heading = kiosk_heading if kiosk_heading is not None else route.start_heading
    writer = _DirectionWriter(route, lang, translator(lang), heading)
    steps = writer.steps()
    t = writer.t
    minutes = seconds_to_minutes(route.duration_s)
    return Directions(
        lang=lang,
        chunks=tuple(writer.chunks(steps)),
        length_m=route.length_m,
        duration_s=route.duration_s,
        minutes=minutes,
        summary=t.gettext(SUMMARY) % {"minutes": minutes, "metres": round(route.length_m)},
        step_count_text=t.ngettext("%(count)d step", "%(count)d steps", len(steps))
        % {"count": len(steps)},
    )


def _transfer_key(hop: Hop) -> str:
    """Consecutive hops with the same key are one transfer (several flights of one stairwell)."""
    return hop.connector or hop.kind.value


class _DirectionWriter:
    """Builds the steps of one route in one language."""

    def __init__(self, route: Route, lang: str, t: NullTranslations, heading: float | None) -> None:
        self.route = route
        self.plan = route.floorplan
        self.lang = lang
        self.t = t
        self.heading = heading
        self.nodes = route.nodes
        self.target = route.nodes[-1]
        self.cumulative_m = [0.0]
        for hop in route.hops:
            self.cumulative_m.append(self.cumulative_m[-1] + hop.length_m)
        # Geometry of the route, computed once: positions, floors, and the compass bearing of
        # each hop (hop i joins route points i and i + 1).
        nodes = [self.plan.nodes[node_id] for node_id in route.nodes]
        self.points = [(node.x, node.y) for node in nodes]
        floors = [node.floor for node in nodes]
        self.segment_bearings = [
            bearing(*a, *b) for a, b in zip(self.points, self.points[1:], strict=False)
        ]
        # Hops that get a step of their own: connectors, passages, any change of floor.
        self.is_transfer = [
            bool(hop.connector) or hop.kind in PASSAGE_KINDS or floors[i] != floors[i + 1]
            for i, hop in enumerate(route.hops)
        ]

    # -- helpers --------------------------------------------------------------------------

    def name(self, name: LocalizedName) -> str:
        return name.in_language(self.lang)

    def bearing_between(self, i: int, j: int) -> float:
        """Compass bearing from route point i to route point j."""
        if j == i + 1:
            return self.segment_bearings[i]
        return bearing(*self.points[i], *self.points[j])

    def step(
        self,
        kind: StepKind,
        index: int,
        text: str,
        *,
        turn: Turn | None = None,
        landmark: tuple[str, Side | None] | None = None,
        arrival_side: Side | None = None,
        to_floor: str | None = None,
    ) -> Step:
        """A step at route position `index`; a staff phrase for the next hop wins over `text`."""
        node_id = self.nodes[index]
        if index + 1 < len(self.nodes):
            phrase = self.plan.phrase_for_step.get((node_id, self.nodes[index + 1]))
            if phrase is not None:
                text = self.name(phrase)
        floor = self.plan.nodes[node_id].floor
        return Step(
            kind,
            text,
            floor,
            self.plan.floors[floor].sign,
            node_id,
            index,
            turn=turn,
            landmark=landmark[0] if landmark else None,
            landmark_side=landmark[1] if landmark else arrival_side,
            to_floor=to_floor,
        )

    def has_phrase(self, index: int) -> bool:
        pair = (self.nodes[index], self.nodes[index + 1])
        return pair in self.plan.phrase_for_step

    def landmark_near(
        self, index: int, facing: float, *, passing: bool = False
    ) -> tuple[str, Side | None] | None:
        """The closest named place near route point `index` that is not behind the walker.

        When `passing` straight on, a place ahead is not passed, so only sides count.
        """
        node = self.plan.nodes[self.nodes[index]]
        best: tuple[float, str, Side | None] | None = None
        for place_node, place_name in self.plan.places_by_floor[node.floor]:
            if place_node == self.target:
                continue  # the destination is announced on arrival, not used as a signpost
            place = self.plan.nodes[place_node]
            distance = math.hypot(place.x - node.x, place.y - node.y)
            if distance > LANDMARK_RADIUS_M or (best is not None and distance >= best[0]):
                continue
            side = side_of(facing, bearing(node.x, node.y, place.x, place.y)) if distance else None
            if distance and (side is None or (passing and side is Side.AHEAD)):
                continue  # behind is useless as a signpost; ahead is not passed
            best = (distance, self.name(place_name), side)
        return None if best is None else (best[1], best[2])

    def with_landmark(
        self, templates: tuple[str, str], landmark: tuple[str, Side | None] | None, **values: str
    ) -> str:
        if landmark is None:
            return self.t.gettext(templates[0]) % values
        name, side = landmark
        if side is not None:
            name = self.t.gettext(LANDMARK_ON_SIDE[side]) % {"landmark": name}
        return self.t.gettext(templates[1]) % {**values, "landmark": name}

    def destination_name(self) -> str:
        destination = self.route.destination
        if destination is not None:
            return self.name(destination.short_name)
        return self.name(self.plan.element_name(self.target))

    # -- steps ----------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        """All steps in route order, with the walking distance after each."""
        steps: list[Step] = []
        leg_start = 0
        hops = self.route.hops
        index = 0
        previous_transfer: Hop | None = None
        while index < len(hops):
            if not self.is_transfer[index]:
                index += 1
                continue
            steps += self.walk(leg_start, index, previous_transfer, last=False)
            end = index
            while (
                end < len(hops)
                and self.is_transfer[end]
                and (_transfer_key(hops[end]) == _transfer_key(hops[index]))
            ):
                end += 1
            steps.append(self.transfer(index, end))
            previous_transfer = hops[index]
            leg_start = index = end
        steps += self.walk(leg_start, len(self.nodes) - 1, previous_transfer, last=True)
        ends = [step.route_index for step in steps[1:]] + [len(self.nodes) - 1]
        return [
            step.walking(self.cumulative_m[end] - self.cumulative_m[step.route_index])
            for step, end in zip(steps, ends, strict=True)
        ]

    def walk(self, first: int, last_index: int, after: Hop | None, *, last: bool) -> list[Step]:
        """Steps for walking on one floor from route point `first` to `last_index`."""
        arrive_at: int | None = None
        if last:
            short_final_hop = last_index > first and (
                self.route.hops[last_index - 1].length_m <= ARRIVAL_REACH_M
            )
            arrive_at = last_index - 1 if short_final_hop else last_index
        decisions_end = arrive_at if arrive_at is not None else last_index
        at_kiosk = first == 0 and self.heading is not None

        body = self.decisions(first, decisions_end)
        if arrive_at is not None:
            body.append(self.arrival(arrive_at, first, at_kiosk))
        if first == last_index or arrive_at == first:
            return body  # nothing to walk before the next step

        # A straight run right after the start is part of the start step: "walk towards the
        # Aquarium" makes "continue straight past the Aquarium" redundant. The start step
        # points at what comes next: that landmark, the next landmark, the destination, or the
        # connector the leg ends at.
        passed: str | None = None
        if body and body[0].kind is StepKind.CONTINUE and not self.has_phrase(body[0].route_index):
            passed = body.pop(0).landmark
        towards: tuple[str, Side | None] | None = None
        if passed is not None:
            towards = (passed, None)
        elif body and body[0].landmark is not None:
            towards = (body[0].landmark, None)
        elif body and body[0].kind is StepKind.ARRIVE:
            towards = (self.destination_name(), None)
        elif not body and not last:
            towards = (self.transfer_name(self.route.hops[last_index]), None)
        out = self.bearing_between(first, first + 1)
        if at_kiosk:
            assert self.heading is not None
            turn = classify_turn(relative_angle(self.heading, out))
            text = self.with_landmark(START_AT_KIOSK[turn], towards)
            return [self.step(StepKind.START, first, text, turn=turn), *body]
        if after is not None and after.connector:
            connector = self.transfer_name(after)
            text = self.with_landmark(START_AFTER_CONNECTOR, towards, connector=connector)
        else:
            text = self.with_landmark(START_ANYWHERE, towards)
        return [self.step(StepKind.START, first, text), *body]

    def decisions(self, first: int, end: int) -> list[Step]:
        """Steps at the decision points strictly between route points `first` and `end`.

        A decision point is a junction, a real turn, or a hop with a staff phrase; a gentle
        bend with no other way to go needs no instruction. Straight runs through several
        junctions fold into one "continue" step that names a landmark passed on the way.
        """
        steps: list[Step] = []
        neighbours = self.plan.same_floor_neighbours
        for index in range(first + 1, end):
            incoming = self.segment_bearings[index - 1]
            turn = classify_turn(relative_angle(incoming, self.segment_bearings[index]))
            phrase = self.has_phrase(index)
            gentle = turn in (Turn.STRAIGHT, Turn.SLIGHT_LEFT, Turn.SLIGHT_RIGHT)
            if gentle and not phrase and len(neighbours[self.nodes[index]]) < 3:
                continue
            kind = StepKind.CONTINUE if turn is Turn.STRAIGHT else StepKind.TURN
            previous = steps[-1] if steps else None
            folds = (
                kind is StepKind.CONTINUE
                and previous is not None
                and previous.kind is StepKind.CONTINUE
                and not phrase
                and not self.has_phrase(previous.route_index)
            )
            if folds and previous is not None and previous.landmark is not None:
                continue
            landmark = self.landmark_near(index, incoming, passing=kind is StepKind.CONTINUE)
            if folds and landmark is None:
                continue
            at = previous.route_index if folds and previous is not None else index
            step = self.step(
                kind, at, self.with_landmark(TURN_AT[turn], landmark), turn=turn, landmark=landmark
            )
            if folds:
                steps[-1] = step
            else:
                steps.append(step)
        return steps

    def arrival(self, index: int, leg_first: int, at_kiosk: bool) -> Step:
        """ "Imaging is on your right": the side of the destination from route point `index`."""
        side: Side | None = None
        if index < len(self.nodes) - 1:
            facing: float | None = None
            if index > leg_first:
                facing = self.bearing_between(index - 1, index)
            elif at_kiosk:
                facing = self.heading
            if facing is not None:
                towards = self.bearing_between(index, len(self.nodes) - 1)
                side = side_of(facing, towards)
                if side is None:  # behind: it is still on one side once you turn
                    side = Side.RIGHT if relative_angle(facing, towards) > 0 else Side.LEFT
        elif index > leg_first:
            side = Side.AHEAD
        text = self.t.gettext(ARRIVE[side]) % {"destination": self.destination_name()}
        return self.step(StepKind.ARRIVE, index, text, arrival_side=side)

    def transfer_name(self, hop: Hop) -> str:
        if hop.connector:
            return self.name(self.plan.connectors[hop.connector].name)
        edge = self.plan.edges[hop.element]
        if edge.name is not None:
            return self.name(edge.name)
        return self.t.gettext(UNNAMED_PASSAGE[hop.kind])

    def transfer(self, first: int, end: int) -> Step:
        """A floor change or passage from route point `first` to `end`, as one step."""
        plan = self.plan
        hop = self.route.hops[first]
        name = self.transfer_name(hop)
        start_floor = plan.floor_of(self.nodes[first])
        end_floor = plan.floor_of(self.nodes[end])
        if start_floor.level != end_floor.level:
            going_up = end_floor.level > start_floor.level
            text = self.t.gettext(CHANGE_FLOOR[going_up]) % {
                "connector": name,
                "sign": end_floor.sign,
            }
            kind = StepKind.CHANGE_FLOOR
        elif start_floor.building != end_floor.building:
            building = self.name(plan.buildings[end_floor.building].name)
            text = self.t.gettext(CROSS_TO_BUILDING) % {"passage": name, "building": building}
            kind = StepKind.CROSS
        else:
            text = self.t.gettext(GO_THROUGH) % {"passage": name}
            kind = StepKind.CROSS
        return self.step(kind, first, text, to_floor=end_floor.id)

    # -- chunks ---------------------------------------------------------------------------

    def chunks(self, steps: list[Step]) -> list[Chunk]:
        """Group steps by floor, splitting long floors evenly into chunks of at most four."""
        runs: list[list[Step]] = []
        for step in steps:
            if runs and runs[-1][0].floor == step.floor:
                runs[-1].append(step)
            else:
                runs.append([step])
        chunks = []
        for run in runs:
            floor = self.plan.floors[run[0].floor]
            title = self.t.gettext(CHUNK_TITLE) % {
                "building": self.name(self.plan.buildings[floor.building].name),
                "sign": floor.sign,
            }
            parts = math.ceil(len(run) / MAX_STEPS_PER_CHUNK)
            size = math.ceil(len(run) / parts)
            for offset in range(0, len(run), size):
                chunk_steps = tuple(run[offset : offset + size])
                chunks.append(Chunk(floor.id, floor.sign, title, chunk_steps))
        return chunks
