"""The editor's words: why an edit was refused, what an undo would take back, what the kinds
are called. Kept apart from the views so every message is in one place for translators."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from kiosk.uploads.card_images import RejectionReason
from wayfinding.drafting import EditProblem

REFUSALS: dict[EditProblem, LazyString] = {
    EditProblem.UNKNOWN_ELEMENT: _l("There is no element “%(subject)s” in the draft."),
    EditProblem.ID_TAKEN: _l("The id “%(subject)s” is already used. Choose another id."),
    EditProblem.BAD_ID: _l(
        "“%(subject)s” cannot be an id: use letters, digits and _ . : - only,"
        " starting with a letter or digit."
    ),
    EditProblem.BAD_NUMBER: _l("“%(subject)s” needs a number within the site, such as 12.5."),
    EditProblem.BAD_CHOICE: _l("“%(subject)s” is not one of the choices offered."),
    EditProblem.TEXT_REQUIRED: _l("Fill in “%(subject)s”."),
    EditProblem.TEXT_TOO_LONG: _l("“%(subject)s” is too long."),
    EditProblem.SAME_NODE: _l("An edge needs two different nodes."),
    EditProblem.ALREADY_CONNECTED: _l("These nodes are already connected by “%(subject)s”."),
    EditProblem.SAME_PLACE: _l(
        "That would put two connected nodes on the same spot (“%(subject)s”). Choose another spot."
    ),
    EditProblem.NEEDS_CLIMBING_KIND: _l(
        "“%(subject)s” joins floors at different heights: make it a ramp, stairs or an"
        " escalator, or use an elevator connector."
    ),
    EditProblem.NODE_IN_USE: _l("“%(subject)s” stands on this node. Move or delete it first."),
    EditProblem.STAFF_ONLY_NODE: _l("“%(subject)s” is public, so its node cannot be staff-only."),
    EditProblem.TOO_FEW_STOPS: _l("A connector needs at least two stops."),
    EditProblem.STOPS_SHARE_A_LEVEL: _l(
        "A connector has one stop per level: two stops share a level."
    ),
    EditProblem.ESCALATOR_STOPS: _l("An escalator runs between exactly two stops."),
    EditProblem.NO_FLOOR_IMAGE: _l("Upload an image for this floor first."),
    EditProblem.SAME_POINT: _l("Click two different points to set the scale."),
}

FIELD_NAMES: dict[str, LazyString] = {
    "x": _l("East (m)"),
    "y": _l("North (m)"),
    "x1": _l("First point"),
    "y1": _l("First point"),
    "x2": _l("Second point"),
    "y2": _l("Second point"),
    "distance_m": _l("Real distance (m)"),
    "origin_x": _l("Image corner east (m)"),
    "origin_y": _l("Image corner north (m)"),
    "heading": _l("Heading (degrees)"),
    "id": _l("Id"),
    "name": _l("Name (English)"),
    "node": _l("Node"),
    "from": _l("From node"),
    "to": _l("To node"),
    "floor": _l("Floor"),
    "kind": _l("Kind"),
    "category": _l("Category"),
    "connector": _l("Connector id"),
    "stops": _l("Stops"),
    "coordinate": _l("Position"),
    "distance": _l("Real distance (m)"),
    "point": _l("Points"),
    "operation": _l("Operation"),
}

OPERATION_LABELS: dict[str, LazyString] = {
    "add-node": _l("add node %(subject)s"),
    "move-node": _l("move node %(subject)s"),
    "set-node": _l("change node %(subject)s"),
    "delete-node": _l("delete node %(subject)s"),
    "connect": _l("connect %(subject)s"),
    "set-edge": _l("change edge %(subject)s"),
    "disconnect": _l("disconnect %(subject)s"),
    "link-connector": _l("link connector %(subject)s"),
    "unlink-connector": _l("remove connector %(subject)s"),
    "save-destination": _l("save destination %(subject)s"),
    "save-kiosk": _l("save kiosk %(subject)s"),
    "save-landmark": _l("save landmark %(subject)s"),
    "delete-place": _l("delete %(subject)s"),
    "scale-floor": _l("set the scale of %(subject)s"),
    "align-floor": _l("align %(subject)s"),
    "floor-image": _l("new image for %(subject)s"),
    "restart": _l("start again from the live map"),
}

IMAGE_REFUSALS: dict[RejectionReason, LazyString] = {
    RejectionReason.EMPTY: _l("No image arrived. Choose a PNG or JPEG file."),
    RejectionReason.TOO_LARGE: _l("That image file is larger than 12 MB. Export a smaller PNG."),
    RejectionReason.NOT_AN_IMAGE: _l("That file is not an image. Choose a PNG or JPEG file."),
    RejectionReason.UNSUPPORTED_FORMAT: _l(
        "Only PNG and JPEG images can be used. Export SVG or PDF drawings as PNG first."
    ),
    RejectionReason.TOO_MANY_PIXELS: _l("That image has too many pixels (at most 50 million)."),
    RejectionReason.TOO_SMALL: _l("That image is too small to draw on."),
    RejectionReason.TRUNCATED: _l("That image did not arrive complete. Please try again."),
    RejectionReason.CORRUPT: _l("That image could not be read. Please try again."),
    RejectionReason.BLANK: _l("That image could not be read. Please try again."),
}


def refusal_message(problem: EditProblem, subject: str) -> str:
    """Why an edit was refused, naming the field by its label when the subject is a field."""
    shown = str(FIELD_NAMES.get(subject, subject))
    return str(REFUSALS[problem]) % {"subject": shown}


def history_label(label: str | None) -> str:
    """What an undo or redo would take back, from the stored "operation subject" label."""
    if not label:
        return ""
    operation, _, subject = label.partition(" ")
    template = OPERATION_LABELS.get(operation)
    return str(template) % {"subject": subject} if template is not None else subject
