"""Places that share a name: two public destinations (or two kiosks) that visitors cannot tell
apart in a search result, a directory or a printed route.

A warning rather than an error: two "Restrooms" on one floor are common and fine for routing,
but an editor adding "Cardiology" twice usually made a mistake. Names are compared per language
(English, and each translation), ignoring case and spacing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from wayfinding.errors import Issue, Severity
from wayfinding.json_input import json_path

# Sections whose names a visitor reads, with the name fields compared. Short names repeat by
# design ("Restroom" on every floor, told apart by the floor), so only full names count.
NAMED_SECTIONS = {"destinations": ("name",), "kiosks": ("name",)}


def name_clash_warnings(raw: Mapping[str, Any]) -> list[Issue]:
    """One warning for each element whose name an earlier element of its section already
    has, in the same language, naming that earlier element."""
    warnings = []
    for section, fields in NAMED_SECTIONS.items():
        first_with: dict[tuple[str, str, str], str] = {}
        for index, item in enumerate(raw.get(section, [])):
            if item.get("access", "public") != "public":
                continue
            for field, language, name in _names(item, fields):
                key = (field, language, " ".join(name.casefold().split()))
                earlier = first_with.setdefault(key, item["id"])
                if earlier != item["id"]:
                    path = json_path([section, index, field])
                    message = f"same {field.replace('_', ' ')} as {earlier!r}: {name!r}"
                    warnings.append(Issue(Severity.WARNING, item["id"], path, message))
                    break
    return warnings


def _names(item: Mapping[str, Any], fields: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    for field in fields:
        if isinstance(item.get(field), str):
            yield field, "en", item[field]
        for language, name in item.get(f"{field}_i18n", {}).items():
            yield field, language, name
