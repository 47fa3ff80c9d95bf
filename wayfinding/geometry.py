"""Plane geometry for directions: bearings, relative turns and which side a place is on.

Coordinates are metres, x east and y north; bearings are compass degrees clockwise from north,
so a positive relative angle is a turn to the right.
"""

from __future__ import annotations

import enum
import math


class Turn(enum.StrEnum):
    """A relative turn as people say it."""

    STRAIGHT = "straight"
    SLIGHT_LEFT = "slight-left"
    SLIGHT_RIGHT = "slight-right"
    LEFT = "left"
    RIGHT = "right"
    SHARP_LEFT = "sharp-left"
    SHARP_RIGHT = "sharp-right"
    TURN_AROUND = "turn-around"


class Side(enum.StrEnum):
    """Where a place is, seen by someone walking."""

    LEFT = "left"
    RIGHT = "right"
    AHEAD = "ahead"


# Upper bounds (degrees, absolute) of each turn class; above the last is "turn around".
STRAIGHT_MAX_DEG = 20.0
SLIGHT_MAX_DEG = 60.0
TURN_MAX_DEG = 120.0
SHARP_MAX_DEG = 160.0
# A place within this angle of the walking direction is "ahead"; beyond SIDE_MAX it is behind.
AHEAD_MAX_DEG = 30.0
SIDE_MAX_DEG = 150.0


def bearing(x1: float, y1: float, x2: float, y2: float) -> float:
    """Compass bearing in [0, 360) of the direction from point 1 to point 2."""
    return math.degrees(math.atan2(x2 - x1, y2 - y1)) % 360.0


def relative_angle(facing: float, towards: float) -> float:
    """Signed angle in (-180, 180] to turn from bearing `facing` to `towards`; + is right."""
    angle = (towards - facing) % 360.0
    return angle - 360.0 if angle > 180.0 else angle


def classify_turn(angle: float) -> Turn:
    """The turn word for a signed relative angle."""
    magnitude = abs(angle)
    if magnitude <= STRAIGHT_MAX_DEG:
        return Turn.STRAIGHT
    if magnitude > SHARP_MAX_DEG:
        return Turn.TURN_AROUND
    right = angle > 0
    if magnitude <= SLIGHT_MAX_DEG:
        return Turn.SLIGHT_RIGHT if right else Turn.SLIGHT_LEFT
    if magnitude <= TURN_MAX_DEG:
        return Turn.RIGHT if right else Turn.LEFT
    return Turn.SHARP_RIGHT if right else Turn.SHARP_LEFT


def side_of(facing: float, angle_to_place: float) -> Side | None:
    """Side of a place at bearing `angle_to_place` for someone facing `facing`; None if behind."""
    angle = relative_angle(facing, angle_to_place)
    if abs(angle) <= AHEAD_MAX_DEG:
        return Side.AHEAD
    if abs(angle) > SIDE_MAX_DEG:
        return None
    return Side.RIGHT if angle > 0 else Side.LEFT
