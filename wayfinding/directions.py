"""Turn a route into short, landmark-based instructions a stressed visitor can follow.

Everything is generated from the geometry, never stored: the turn at each decision point comes
from the angle between the segments before and after it, the first step from the kiosk's
heading, and the landmark from the named places near the point. Straight runs through junctions
merge into one "continue past ..." step; a floor change is its own step naming the connector,
the direction and the floor's sign; a passage between buildings at different heights says up or
down; the last step says on which side the destination is. Every turn names the distance to it
("In 20 m, turn left ...") and is stated even where it leads onto a ramp, bridge or passage.
Steps are grouped in one chunk per floor visit. Staff-written phrases replace generated text for
the hop they describe. English and Spanish come from the same code through gettext.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from gettext import NullTranslations

from wayfinding.geometry import Side, Turn, bearing, classify_turn, relative_angle, side_of
from wayfinding.i18n import N_, translator
from wayfinding.model import (
    PASSAGE_KINDS,
    ConnectorKind,
    EdgeKind,
    Floor,
    Floorplan,
    LocalizedName,
)
from wayfinding.no_route import KIND_NOUNS
from wayfinding.noun_phrases import NounPhrase, finish_sentence, noun_phrase
from wayfinding.routing import Hop, Route, seconds_to_minutes

# Named places further than this from a decision point are not "at" it.
LANDMARK_RADIUS_M = 12.0
# A destination this close to the corridor is announced from the corridor ("... on your right").
ARRIVAL_REACH_M = 8.0
# "... is right here" only when the destination is this close.
RIGHT_HERE_M = 2.5
# "Head towards X" only when X lies within this angle of the walking direction.
TOWARDS_MAX_DEG = 25.0
# A hop shorter than this on the plan has no walking direction (nor has a connector ride).
FLAT_HOP_MIN_M = 0.5
# A link between buildings that rises or falls at least this much is described as up or down.
RISE_MIN_M = 0.5
# Below this distance a turn follows "Then ..." instead of "In ... m, ...".
SPOKEN_DISTANCE_MIN_M = 2.0


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

    `landmark` is the sign name of the place the step names (`landmark_node` is where it is);
    `landmark_side` is its side, or on the arrival step the destination's side. `distance_m`
    is the walk from here to the next step.
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
    landmark_node: str | None = None

    def walking(self, distance_m: float, text: str | None = None) -> Step:
        """This step with the distance walked after it (a plain copy; replace() is slow)."""
        return Step(
            self.kind,
            self.text if text is None else text,
            self.floor,
            self.floor_sign,
            self.node,
            self.route_index,
            self.turn,
            self.landmark,
            self.landmark_side,
            self.to_floor,
            distance_m,
            self.landmark_node,
        )


@dataclass(frozen=True)
class Chunk:
    """The steps of one visit to one floor, shown or printed together under `title`."""

    floor: str
    floor_sign: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Directions:
    """The instructions for a route in one language, one chunk per floor visit, with totals."""

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

    @property
    def landmark_nodes(self) -> frozenset[str]:
        """Nodes of the places the steps name, so maps can label exactly those."""
        return frozenset(s.landmark_node for s in self.steps if s.landmark_node is not None)


# (without landmark, with landmark) per turn, for a first step whose facing is known.
START_TURNING = {
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
        N_("Turn around and walk ahead."),
        N_("Turn around and walk towards %(landmark)s."),
    ),
}
START_AT_KIOSK = {
    **START_TURNING,
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
# A turn onto a ramp, bridge or passage, said in the same step as crossing it.
TURN_AND = {
    Turn.SLIGHT_LEFT: N_("Bear slightly left and %(instruction)s"),
    Turn.SLIGHT_RIGHT: N_("Bear slightly right and %(instruction)s"),
    Turn.LEFT: N_("Turn left and %(instruction)s"),
    Turn.RIGHT: N_("Turn right and %(instruction)s"),
    Turn.SHARP_LEFT: N_("Turn sharp left and %(instruction)s"),
    Turn.SHARP_RIGHT: N_("Turn sharp right and %(instruction)s"),
    Turn.TURN_AROUND: N_("Turn around and %(instruction)s"),
}
IN_DISTANCE = N_("In %(metres)d m, %(instruction)s")
RIGHT_AFTER = N_("Then %(instruction)s")
AT_THE_END_OF = N_("At the end of %(passage)s, %(instruction)s")
LANDMARK_ON_SIDE = {
    Side.LEFT: N_("%(landmark)s (on your left)"),
    Side.RIGHT: N_("%(landmark)s (on your right)"),
    Side.AHEAD: N_("%(landmark)s (ahead)"),
}
CHANGE_FLOOR = {
    True: N_("Take %(connector)s up to Level %(sign)s."),
    False: N_("Take %(connector)s down to Level %(sign)s."),
}
# An escalator runs one way only, and its name often says which ("the up escalator").
RIDE_ESCALATOR = N_("Take %(connector)s to Level %(sign)s.")
CROSS_TO_BUILDING = N_("Cross %(passage)s to %(building)s.")
CLIMB_TO_BUILDING = {
    True: N_("Go up %(passage)s to %(building)s, Level %(sign)s."),
    False: N_("Go down %(passage)s to %(building)s, Level %(sign)s."),
}
GO_THROUGH = N_("Go through %(passage)s.")
# (singular, plural): "The Pharmacy is ...", "Restrooms are ...".
ARRIVE = {
    Side.LEFT: (N_("%(destination)s is on your left."), N_("%(destination)s are on your left.")),
    Side.RIGHT: (
        N_("%(destination)s is on your right."),
        N_("%(destination)s are on your right."),
    ),
    Side.AHEAD: (
        N_("%(destination)s is straight ahead."),
        N_("%(destination)s are straight ahead."),
    ),
}
ARRIVE_HERE = (N_("%(destination)s is right here."), N_("%(destination)s are right here."))
ARRIVE_NEARBY = (
    N_("%(destination)s is %(metres)d m from here."),
    N_("%(destination)s are %(metres)d m from here."),
)
CHUNK_TITLE = N_("%(building)s, Level %(sign)s")
SUMMARY_UNDER_A_MINUTE = N_("Under a minute (%(metres)d m)")
# Colours that floor signs carry in brackets, "2 (Blue)", translated with the rest of the text.
SIGN_COLOURS = {
    colour: colour
    for colour in (
        N_("Blue"),
        N_("Green"),
        N_("Red"),
        N_("Yellow"),
        N_("Orange"),
        N_("Purple"),
        N_("Pink"),
        N_("Brown"),
        N_("Gray"),
        N_("Grey"),
        N_("White"),
        N_("Black"),
        N_("Gold"),
        N_("Silver"),
        N_("Teal"),
    )
}
BRACKETED_WORD = re.compile(r"\((\w+)\)")


def directions(route: Route, lang: str = "en", kiosk_heading: float | None = None) -> Directions:
    """Instructions for `route` in `lang` ("en" or "es").

    The first step is relative to `kiosk_heading` (compass degrees the user faces), by default
    the heading of the kiosk the route starts at; without one it names what to walk towards.
    A pure function of its arguments, so callers may cache the result per route and language.
    """
    heading = kiosk_heading if kiosk_heading is not None else route.start_heading
    writer = _DirectionWriter(route, lang, translator(lang), heading)
    steps = writer.steps()
    t = writer.t
    minutes = seconds_to_minutes(route.duration_s)
    metres = round(route.length_m)
    if route.duration_s < 60.0:
        summary = t.gettext(SUMMARY_UNDER_A_MINUTE) % {"metres": metres}
    else:
        summary = t.ngettext(
            "About %(minutes)d minute (%(metres)d m)",
            "About %(minutes)d minutes (%(metres)d m)",
            minutes,
        ) % {"minutes": minutes, "metres": metres}
    return Directions(
        lang=lang,
        chunks=tuple(writer.chunks(steps)),
        length_m=route.length_m,
        duration_s=route.duration_s,
        minutes=minutes,
        summary=summary,
        step_count_text=t.ngettext("%(count)d step", "%(count)d steps", len(steps))
        % {"count": len(steps)},
    )


def floor_sign(floor: Floor, lang: str) -> str:
    """The floor's sign in `lang`: a bracketed colour is translated ("2 (Blue)" → "2 (Azul)")."""
    t = translator(lang)

    def translate(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"({t.gettext(SIGN_COLOURS[word])})" if word in SIGN_COLOURS else match.group(0)

    return BRACKETED_WORD.sub(translate, floor.sign)


def floor_title(plan: Floorplan, floor: Floor, lang: str) -> str:
    """How a floor is named to visitors in `lang`, building and sign: "Main Building, Level 2
    (Blue)". Directions head each floor's steps with it; search results say where a place is."""
    building = plan.buildings[floor.building].name.in_language(lang)
    return translator(lang).gettext(CHUNK_TITLE) % {
        "building": building,
        "sign": floor_sign(floor, lang),
    }


def spoken_metres(distance_m: float) -> int:
    """A distance as people say it: whole metres when short, then to 5 m, then to 10 m."""
    if distance_m < 10.0:
        return max(2, round(distance_m))
    if distance_m < 50.0:
        return 5 * round(distance_m / 5.0)
    return 10 * round(distance_m / 10.0)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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
        # each hop (hop i joins route points i and i + 1); a connector ride has no bearing.
        nodes = [self.plan.nodes[node_id] for node_id in route.nodes]
        self.points = [(node.x, node.y) for node in nodes]
        floors = [node.floor for node in nodes]
        pairs = list(zip(self.points, self.points[1:], strict=False))
        self.segment_bearings = [bearing(*a, *b) for a, b in pairs]
        self.flat = [
            math.dist(a, b) >= FLAT_HOP_MIN_M and not hop.connector
            for (a, b), hop in zip(pairs, route.hops, strict=True)
        ]
        # Hops that get a step of their own: connectors, passages, any change of floor.
        self.is_transfer = [
            bool(hop.connector) or hop.kind in PASSAGE_KINDS or floors[i] != floors[i + 1]
            for i, hop in enumerate(route.hops)
        ]

    # -- helpers --------------------------------------------------------------------------

    def name(self, name: LocalizedName) -> str:
        return name.in_language(self.lang)

    def phrase(self, name: str) -> NounPhrase:
        """A name as it sits in a sentence of this language."""
        return noun_phrase(name, self.lang)

    def say(self, template: str, **values: str | int) -> str:
        """A translated template filled in, as a finished sentence."""
        return finish_sentence(self.t.gettext(template) % values, self.lang)

    def bearing_between(self, i: int, j: int) -> float:
        """Compass bearing from route point i to route point j."""
        if j == i + 1:
            return self.segment_bearings[i]
        return bearing(*self.points[i], *self.points[j])

    def facing_at(self, index: int) -> float | None:
        """The direction the walker faces on reaching route point `index`, if known."""
        if index == 0:
            return self.heading
        return self.segment_bearings[index - 1] if self.flat[index - 1] else None

    def turn_at(self, index: int) -> Turn | None:
        """The turn at route point `index` between two walked hops, if both have a direction."""
        if index == 0 or index >= len(self.flat) or not self.flat[index]:
            return None
        facing = self.facing_at(index)
        if facing is None:
            return None
        return classify_turn(relative_angle(facing, self.segment_bearings[index]))

    def in_line(self, index: int, out: float, node_id: str) -> bool:
        """Whether `node_id` lies ahead of route point `index` when walking along `out`."""
        node = self.plan.nodes[node_id]
        x, y = self.points[index]
        if math.hypot(node.x - x, node.y - y) < FLAT_HOP_MIN_M:
            return True
        towards = bearing(x, y, node.x, node.y)
        return abs(relative_angle(out, towards)) <= TOWARDS_MAX_DEG

    def floor_sign(self, floor: Floor) -> str:
        return floor_sign(floor, self.lang)

    def step(
        self,
        kind: StepKind,
        index: int,
        text: str,
        *,
        turn: Turn | None = None,
        landmark: tuple[str, str, Side | None] | None = None,
        arrival_side: Side | None = None,
        to_floor: str | None = None,
    ) -> Step:
        """A step at route position `index`; a staff phrase for the next hop wins over `text`.

        `landmark` is (node, sign name, side).
        """
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
            self.floor_sign(self.plan.floors[floor]),
            node_id,
            index,
            turn=turn,
            landmark=landmark[1] if landmark else None,
            landmark_side=landmark[2] if landmark else arrival_side,
            to_floor=to_floor,
            landmark_node=landmark[0] if landmark else None,
        )

    def has_phrase(self, index: int) -> bool:
        if index + 1 >= len(self.nodes):
            return False
        pair = (self.nodes[index], self.nodes[index + 1])
        return pair in self.plan.phrase_for_step

    def landmark_near(
        self, index: int, facing: float, *, passing: bool = False
    ) -> tuple[str, str, Side | None] | None:
        """The closest named place near route point `index` that is not behind the walker.

        When `passing` straight on, a place ahead is not passed, so only sides count.
        """
        node = self.plan.nodes[self.nodes[index]]
        best: tuple[float, str, str, Side | None] | None = None
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
            best = (distance, place_node, self.name(place_name), side)
        return None if best is None else best[1:]

    def with_landmark(
        self,
        templates: tuple[str, str],
        landmark: tuple[str, str, Side | None] | None,
        **values: str,
    ) -> str:
        if landmark is None:
            return self.say(templates[0], **values)
        _, name, side = landmark
        text = self.phrase(name).text
        if side is not None:
            text = self.t.gettext(LANDMARK_ON_SIDE[side]) % {"landmark": text}
        return self.say(templates[1], **values, landmark=text)

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
            end = index + 1
            while (
                end < len(hops)
                and self.is_transfer[end]
                and _transfer_key(hops[end]) == _transfer_key(hops[index])
                and not self.is_junction_turn(end)
            ):
                end += 1
            steps.append(self.transfer(index, end))
            previous_transfer = hops[end - 1]
            leg_start = index = end
        steps += self.walk(leg_start, len(self.nodes) - 1, previous_transfer, last=True)
        return self.with_distances(steps)

    def is_junction_turn(self, index: int) -> bool:
        """A real turn at a point with a choice of ways: it needs its own words."""
        turn = self.turn_at(index)
        ways = self.plan.same_floor_neighbours.count(self.nodes[index])
        return turn not in (None, Turn.STRAIGHT) and ways >= 3

    def with_distances(self, steps: list[Step]) -> list[Step]:
        """Each step with the walk after it; each turn says where it is ("In 20 m, ...")."""
        ends = [step.route_index for step in steps[1:]] + [len(self.nodes) - 1]
        walked = [
            self.cumulative_m[end] - self.cumulative_m[step.route_index]
            for step, end in zip(steps, ends, strict=True)
        ]
        finished = [steps[0].walking(walked[0])] if steps else []
        for position in range(1, len(steps)):
            step, before = steps[position], steps[position - 1]
            text = step.text
            announced = step.kind in (StepKind.TURN, StepKind.CONTINUE) or (
                step.kind is StepKind.CROSS and step.turn is not None
            )
            if announced and not self.has_phrase(step.route_index):
                text = self.where(step, before, walked[position - 1])
            finished.append(step.walking(walked[position], text))
        return finished

    def where(self, step: Step, before: Step, walked_m: float) -> str:
        """A turn's text prefixed with where it is: after a distance, or at a passage's end."""
        instruction = _lower_first(step.text)
        if before.kind in (StepKind.CHANGE_FLOOR, StepKind.CROSS):
            hop = self.route.hops[step.route_index - 1]
            passage = self.phrase(self.transfer_name(hop)).text
            return self.say(AT_THE_END_OF, passage=passage, instruction=instruction)
        if walked_m < SPOKEN_DISTANCE_MIN_M:
            return self.say(RIGHT_AFTER, instruction=instruction)
        return self.say(IN_DISTANCE, metres=spoken_metres(walked_m), instruction=instruction)

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
        entering = self.facing_at(first)

        body = self.decisions(first, decisions_end)
        if arrive_at is not None:
            body.append(self.arrival(arrive_at, first, entering))
        if arrive_at == first or (first == last_index and not at_kiosk):
            return body  # nothing to walk before the next step
        if first == last_index:
            # A kiosk right at a passage: still say which way to face.
            if self.heading is None or not self.flat[first]:
                return body
            out = self.bearing_between(first, first + 1)
            turn = classify_turn(relative_angle(self.heading, out))
            passage = (self.nodes[first], self.transfer_name(self.route.hops[first]), None)
            text = self.with_landmark(START_AT_KIOSK[turn], passage)
            return [self.step(StepKind.START, first, text, turn=turn)]

        # A straight run right after the start is part of the start step: "walk towards the
        # Aquarium" makes "continue straight past the Aquarium" redundant. The start step
        # points at what comes next, if it lies ahead: that landmark, the next landmark, the
        # destination, or the connector the leg ends at.
        out = self.bearing_between(first, first + 1)
        towards: tuple[str, str, Side | None] | None = None
        if body and body[0].kind is StepKind.CONTINUE and not self.has_phrase(body[0].route_index):
            passed = body[0]
            if passed.landmark_node is None or self.in_line(first, out, passed.landmark_node):
                body.pop(0)
                if passed.landmark is not None and passed.landmark_node is not None:
                    towards = (passed.landmark_node, passed.landmark, None)
        elif body and body[0].landmark is not None and body[0].landmark_node is not None:
            if self.in_line(first, out, body[0].landmark_node):
                towards = (body[0].landmark_node, body[0].landmark, None)
        elif body and body[0].kind is StepKind.ARRIVE:
            if self.in_line(first, out, self.target):
                towards = (self.target, self.destination_name(), None)
        elif not body and not last and self.in_line(first, out, self.nodes[last_index]):
            connector = self.transfer_name(self.route.hops[last_index])
            towards = (self.nodes[last_index], connector, None)
        return [self.start(first, out, entering, after, towards), *body]

    def start(
        self,
        first: int,
        out: float,
        entering: float | None,
        after: Hop | None,
        towards: tuple[str, str, Side | None] | None,
    ) -> Step:
        """The first step of a leg: which way to face and what to walk towards."""
        # A connector's own name is no signpost on the map; only places are labelled.
        named = towards if towards is not None and towards[0] in self.plan.places_by_node else None
        if first == 0 and self.heading is not None:
            turn = classify_turn(relative_angle(self.heading, out))
            text = self.with_landmark(START_AT_KIOSK[turn], towards)
            return self.step(StepKind.START, first, text, turn=turn, landmark=named)
        if after is not None and after.connector:
            connector = self.phrase(self.transfer_name(after)).text
            text = self.with_landmark(START_AFTER_CONNECTOR, towards, connector=connector)
            return self.step(StepKind.START, first, text, landmark=named)
        if entering is not None:
            # Coming off a ramp or bridge the walker's direction is known: say the turn.
            turn = classify_turn(relative_angle(entering, out))
            text = self.with_landmark(START_TURNING[turn], towards)
            if turn is Turn.STRAIGHT:
                return self.step(StepKind.START, first, text, landmark=named)
            return self.step(StepKind.TURN, first, text, turn=turn, landmark=named)
        text = self.with_landmark(START_ANYWHERE, towards)
        return self.step(StepKind.START, first, text, landmark=named)

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
            if gentle and not phrase and neighbours.count(self.nodes[index]) < 3:
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

    def arrival(self, index: int, leg_first: int, entering: float | None) -> Step:
        """ "The Pharmacy is on your right": the destination's side from route point `index`."""
        facing = self.bearing_between(index - 1, index) if index > leg_first else entering
        destination = self.phrase(self.destination_name())
        side: Side | None = None
        if facing is not None and index < len(self.nodes) - 1:
            towards = self.bearing_between(index, len(self.nodes) - 1)
            side = side_of(facing, towards)
            if side is None:  # behind: it is still on one side once you turn
                side = Side.RIGHT if relative_angle(facing, towards) > 0 else Side.LEFT
        elif facing is not None and index > leg_first:
            side = Side.AHEAD
        values: dict[str, str | int] = {"destination": destination.text}
        if side is not None:
            template = ARRIVE[side][destination.plural]
        else:
            away = math.dist(self.points[index], self.points[-1])
            if away <= RIGHT_HERE_M:
                template = ARRIVE_HERE[destination.plural]
            else:
                template = ARRIVE_NEARBY[destination.plural]
                values["metres"] = spoken_metres(away)
        text = self.say(template, **values)
        return self.step(StepKind.ARRIVE, index, text, arrival_side=side)

    def transfer_name(self, hop: Hop) -> str:
        if hop.connector:
            return self.name(self.plan.connectors[hop.connector].name)
        edge = self.plan.edges[hop.element]
        if edge.name is not None:
            return self.name(edge.name)
        return self.t.gettext(KIND_NOUNS[hop.kind])

    def transfer(self, first: int, end: int) -> Step:
        """A floor change or passage from route point `first` to `end`, as one step.

        A turn onto a passage is said in the same step ("Turn right and cross the ramp ...").
        """
        plan = self.plan
        hop = self.route.hops[first]
        name = self.phrase(self.transfer_name(hop)).text
        start_floor = plan.floor_of(self.nodes[first])
        end_floor = plan.floor_of(self.nodes[end])
        rise = end_floor.elevation_m - start_floor.elevation_m
        sign = self.floor_sign(end_floor)
        building = self.phrase(self.name(plan.buildings[end_floor.building].name)).text
        kind = StepKind.CROSS
        if start_floor.building != end_floor.building and abs(rise) >= RISE_MIN_M:
            template = CLIMB_TO_BUILDING[rise > 0]
            text = self.say(template, passage=name, building=building, sign=sign)
        elif start_floor.building != end_floor.building:
            text = self.say(CROSS_TO_BUILDING, passage=name, building=building)
        elif start_floor.level != end_floor.level:
            connector = plan.connectors.get(hop.connector)
            escalator = hop.kind is EdgeKind.ESCALATOR or (
                connector is not None and connector.kind is ConnectorKind.ESCALATOR
            )
            going_up = end_floor.level > start_floor.level
            template = RIDE_ESCALATOR if escalator else CHANGE_FLOOR[going_up]
            text = self.say(template, connector=name, sign=sign)
            kind = StepKind.CHANGE_FLOOR
        else:
            text = self.say(GO_THROUGH, passage=name)
        turn = self.turn_at(first) if not hop.connector else None
        if turn is not None and turn is not Turn.STRAIGHT:
            text = self.say(TURN_AND[turn], instruction=_lower_first(text))
        else:
            turn = None
        return self.step(kind, first, text, turn=turn, to_floor=end_floor.id)

    # -- chunks ---------------------------------------------------------------------------

    def chunks(self, steps: list[Step]) -> list[Chunk]:
        """One chunk per visit to a floor, however many steps it has.

        Splitting a long floor would repeat its heading and restart the numbering, which reads
        as a second visit to the same floor.
        """
        runs: list[list[Step]] = []
        for step in steps:
            if runs and runs[-1][0].floor == step.floor:
                runs[-1].append(step)
            else:
                runs.append([step])
        chunks = []
        for run in runs:
            floor = self.plan.floors[run[0].floor]
            title = floor_title(self.plan, floor, self.lang)
            chunks.append(Chunk(floor.id, self.floor_sign(floor), title, tuple(run)))
        return chunks
