"""Read floorplan JSON that may be hostile or broken, and say where it is broken.

A floorplan comes from staff, other systems' exports or an editor. Whatever arrives, the
loader must answer with a located, bounded message: never a RecursionError from deep
nesting, never a 50 MB echo of a string, never "NaN" without saying where it sits. This module
turns text (or an already parsed object) into plain JSON values and locates what cannot be
one: numbers JSON does not have (NaN, Infinity, 1e999), nesting deeper than any floorplan
needs, and Python objects that are not JSON at all.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from wayfinding.errors import FloorplanError, Issue, Severity

# A floorplan nests about six levels deep ($.floors[0].image.origin[0]); anything far deeper
# is a broken or hostile file, and deep nesting is what exhausts recursive parsers.
MAX_NESTING = 32

# Paths deeper than this are shown cut, so that a located message stays short.
MAX_PATH_PARTS = 8

# Integers with more digits are read as floats (huge ones become infinity, reported as such)
# rather than as Python's unbounded ints, which the schema check cannot take.
MAX_INT_DIGITS = 18

JSON_SCALARS = (str, int, float, bool, type(None))

_BRACKETS_AND_STRINGS = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_path(parts: Iterable[str | int]) -> str:
    """Render a path like ('nodes', 3, 'x') as $.nodes[3].x, cut short when very deep."""
    parts = list(parts)
    shown = parts[:MAX_PATH_PARTS]
    text = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in shown)
    return text + (f"... ({len(parts)} levels)" if len(parts) > MAX_PATH_PARTS else "")


def located_error(element: str, path: str, message: str) -> Issue:
    """An error Issue (the message is cut to a bounded length by Issue itself)."""
    return Issue(Severity.ERROR, element, path, message)


def read_json_file(path: str | Path) -> dict[str, Any]:
    """Parse a floorplan file; every failure is a FloorplanError with a located message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FloorplanError([located_error("", "$", f"cannot read {path}: {exc}")]) from None
    return parse_json_text(text)


def parse_json_text(text: str) -> dict[str, Any]:
    """Parse JSON text into plain values; NaN and friends are kept as floats to be located."""
    try:
        data = json.loads(text, parse_constant=float, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise FloorplanError([located_error("", "$", message)]) from None
    except RecursionError:
        line, column = _too_deep_position(text)
        message = (
            f"invalid JSON at line {line}, column {column}: nested more than "
            f"{MAX_NESTING} levels deep (a floorplan needs about six)"
        )
        raise FloorplanError([located_error("", "$", message)]) from None
    if not isinstance(data, dict):
        raise FloorplanError([located_error("", "$", "the top level must be a JSON object")])
    return data


def _bounded_int(digits: str) -> int | float:
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else float(digits)


def _too_deep_position(text: str) -> tuple[int, int]:
    """Line and column (1-based) where brackets first nest deeper than MAX_NESTING."""
    depth = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                offset = match.start()
                line = text.count("\n", 0, offset) + 1
                return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif token in "]}":
            depth -= 1
    return 1, 1


def first_unusable_value(data: Any) -> tuple[list[str | int], str] | None:
    """The path to the first value that cannot be floorplan JSON, and why; None if all can.

    Checked without recursion, so a structure nested 100,000 deep is located, not a crash.
    """
    for parts, value in _walk(data):
        if len(parts) > MAX_NESTING:
            return parts, f"nested more than {MAX_NESTING} levels deep"
        if isinstance(value, float) and not math.isfinite(value):
            return parts, non_finite_message(value)
        if isinstance(value, Mapping):
            bad_key = next((k for k in value if not isinstance(k, str)), None)
            if bad_key is not None:
                return parts, f"object keys must be strings, not {type(bad_key).__name__}"
        elif not isinstance(value, (list, tuple, *JSON_SCALARS)):
            return parts, f"not a JSON value (a Python {type(value).__name__})"
    return None


def _walk(data: Any) -> Iterator[tuple[list[str | int], Any]]:
    """Every value with its path, depth first, with an explicit stack."""
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        parts, value = stack.pop()
        yield parts, value
        if len(parts) > MAX_NESTING:
            continue
        if isinstance(value, Mapping):
            children: list[tuple[str | int, Any]] = [(k, v) for k, v in value.items()]
        elif isinstance(value, list | tuple):
            children = list(enumerate(value))
        else:
            continue
        stack.extend((parts + [key], child) for key, child in reversed(children))


def non_finite_message(value: float) -> str:
    """Why a NaN or infinite number is refused (JSON has neither; 1e999 reads as infinity)."""
    what = "NaN" if math.isnan(value) else "Infinity or a number too large (such as 1e999)"
    return f"not a finite number: {what}; use a plain number"


def value_at(data: Any, parts: list[str | int]) -> Any:
    """The value at a path in parsed JSON, or None when the path does not resolve."""
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
