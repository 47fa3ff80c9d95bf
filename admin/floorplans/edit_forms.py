"""The editor's forms, read into `wayfinding.drafting` operations.

Every form posts its `operation` with the fields that operation needs; a missing or malformed
field refuses the edit as `EditRefused` naming the field, exactly like a refusal from the
operation itself, so the view has one way to answer both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from wayfinding import drafting
from wayfinding.drafting import DestinationFields, Edit, EditProblem, EditRefused, Names

Form = MultiDict[str, str]
# A decimal number as people type it: "12", "-3.5", "0,25" (a comma is read as a point).
NUMBER = re.compile(r"-?[0-9]{1,9}(?:[.,][0-9]{1,9})?")
LIST_SEPARATORS = re.compile(r"[,;\n]")
MAX_FIELD = 2000


def field(form: Form, name: str) -> str:
    """A text field, trimmed; refused when missing or empty."""
    value = form.get(name, "").strip()
    if not value:
        raise EditRefused(EditProblem.TEXT_REQUIRED, name)
    if len(value) > MAX_FIELD:
        raise EditRefused(EditProblem.TEXT_TOO_LONG, name)
    return value


def optional(form: Form, name: str) -> str:
    """A text field that may be left empty."""
    value = form.get(name, "").strip()
    if len(value) > MAX_FIELD:
        raise EditRefused(EditProblem.TEXT_TOO_LONG, name)
    return value


def number(form: Form, name: str) -> float:
    """A decimal number; refused (naming the field) when it is not one."""
    text = form.get(name, "").strip()
    if not NUMBER.fullmatch(text):
        raise EditRefused(EditProblem.BAD_NUMBER, name)
    value = float(text.replace(",", "."))
    assert math.isfinite(value)  # the pattern allows at most 9 + 9 digits
    return value


def checked(form: Form, name: str) -> bool:
    """A checkbox."""
    return form.get(name) in ("on", "true", "1")


def words(form: Form, name: str) -> list[str]:
    """A list typed as "x-ray, imaging; scan", one item per comma, semicolon or line."""
    return [word.strip() for word in LIST_SEPARATORS.split(optional(form, name)) if word.strip()]


def names(form: Form, prefix: str = "name") -> Names:
    """The English and Spanish names of a form (`name`, `name_es`)."""
    return Names(optional(form, prefix), optional(form, f"{prefix}_es"))


def add_node(form: Form, document: Mapping[str, Any]) -> Edit:
    """A new node at the clicked (or typed) spot."""
    return drafting.add_node(
        document,
        field(form, "floor"),
        number(form, "x"),
        number(form, "y"),
        optional(form, "kind") or "corridor",
        access=optional(form, "access") or "public",
    )


def move_node(form: Form, document: Mapping[str, Any]) -> Edit:
    """A node dragged (or typed) to a new spot."""
    return drafting.move_node(document, field(form, "node"), number(form, "x"), number(form, "y"))


def set_node(form: Form, document: Mapping[str, Any]) -> Edit:
    """A node's kind and access."""
    access = "staff" if checked(form, "staff_only") else "public"
    return drafting.set_node(document, field(form, "node"), field(form, "kind"), access)


def delete_node(form: Form, document: Mapping[str, Any]) -> Edit:
    """A node removed with its edges."""
    return drafting.delete_node(document, field(form, "node"))


def connect(form: Form, document: Mapping[str, Any]) -> Edit:
    """A new edge between two nodes."""
    return drafting.connect(
        document,
        field(form, "from"),
        field(form, "to"),
        optional(form, "kind") or "corridor",
        one_way=checked(form, "one_way"),
        access="staff" if checked(form, "staff_only") else "public",
    )


def set_edge(form: Form, document: Mapping[str, Any]) -> Edit:
    """An edge's kind, direction and access."""
    return drafting.set_edge(
        document,
        field(form, "edge"),
        field(form, "kind"),
        checked(form, "one_way"),
        "staff" if checked(form, "staff_only") else "public",
    )


def disconnect(form: Form, document: Mapping[str, Any]) -> Edit:
    """An edge removed."""
    return drafting.disconnect(document, field(form, "edge"))


def link_connector(form: Form, document: Mapping[str, Any]) -> Edit:
    """A connector and the stops it serves (ids typed as a list)."""
    return drafting.link_connector(
        document, field(form, "connector"), field(form, "kind"), words(form, "stops"), names(form)
    )


def unlink_connector(form: Form, document: Mapping[str, Any]) -> Edit:
    """A connector removed."""
    return drafting.unlink_connector(document, field(form, "connector"))


def save_destination(form: Form, document: Mapping[str, Any]) -> Edit:
    """A destination added or changed."""
    fields = DestinationFields(
        id=field(form, "id"),
        node=field(form, "node"),
        name=names(form),
        category=field(form, "category"),
        short_name=names(form, "short_name"),
        synonyms={"en": words(form, "synonyms"), "es": words(form, "synonyms_es")},
        hours=names(form, "hours"),
        phone=optional(form, "phone"),
        access="staff" if checked(form, "staff_only") else "public",
    )
    return drafting.save_destination(document, fields)


def save_kiosk(form: Form, document: Mapping[str, Any]) -> Edit:
    """A kiosk added, moved or turned."""
    return drafting.save_kiosk(
        document, field(form, "id"), field(form, "node"), names(form), number(form, "heading")
    )


def save_landmark(form: Form, document: Mapping[str, Any]) -> Edit:
    """A landmark added or changed."""
    return drafting.save_landmark(document, field(form, "id"), field(form, "node"), names(form))


def delete_place(form: Form, document: Mapping[str, Any]) -> Edit:
    """A destination, kiosk or landmark removed."""
    return drafting.delete_place(document, field(form, "section"), field(form, "id"))


def scale_floor(form: Form, document: Mapping[str, Any]) -> Edit:
    """The floor image's scale from two points on it and the real distance between them."""
    return drafting.scale_floor_image(
        document,
        field(form, "floor"),
        (number(form, "x1"), number(form, "y1")),
        (number(form, "x2"), number(form, "y2")),
        number(form, "distance_m"),
    )


def align_floor(form: Form, document: Mapping[str, Any]) -> Edit:
    """Where the floor image's top-left corner sits on the site."""
    return drafting.align_floor_image(
        document, field(form, "floor"), number(form, "origin_x"), number(form, "origin_y")
    )


OPERATIONS: dict[str, Callable[[Form, Mapping[str, Any]], Edit]] = {
    "add-node": add_node,
    "move-node": move_node,
    "set-node": set_node,
    "delete-node": delete_node,
    "connect": connect,
    "set-edge": set_edge,
    "disconnect": disconnect,
    "link-connector": link_connector,
    "unlink-connector": unlink_connector,
    "save-destination": save_destination,
    "save-kiosk": save_kiosk,
    "save-landmark": save_landmark,
    "delete-place": delete_place,
    "scale-floor": scale_floor,
    "align-floor": align_floor,
}


def edit_from_form(form: Form, document: Mapping[str, Any]) -> tuple[str, Edit]:
    """The operation a form names, applied to `document`; raises `EditRefused`."""
    operation = form.get("operation", "")
    if operation not in OPERATIONS:
        raise EditRefused(EditProblem.BAD_CHOICE, "operation")
    return operation, OPERATIONS[operation](form, document)
