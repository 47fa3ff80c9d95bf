"""Floorplan format versions, and the automatic, lossless upgrade of older files.

Files name their format in `format_version`. The loader checks a file against the schema of
its own version (so messages point at what the author wrote), then upgrades it here to the
current version before building the model. Every upgrade keeps all the information of the
older file: loading a v1 file or its v2 migration gives the same floorplan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CURRENT_FORMAT_VERSION = 2
READABLE_FORMAT_VERSIONS = (1, 2)


def format_version_of(raw: Mapping[str, Any]) -> int:
    """The format version a file claims, or the current one when it claims none it could be.

    A missing or unknown version is then reported by the current schema's own check.
    """
    version = raw.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if version in READABLE_FORMAT_VERSIONS:
            return version
    return CURRENT_FORMAT_VERSION


def migrate_to_current(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A schema-valid floorplan in the current format version (v1 -> v2).

    The caller's data is never changed: what an upgrade rewrites is copied, the rest shared.
    """
    data = dict(raw)
    if format_version_of(data) == 1:
        data = _v1_to_v2(data)
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v2 keys synonyms by language: v1's `synonyms` (English) and `synonyms_i18n` merge.

    Everything else in v2 is a superset of v1 (optional fields, wider ids), so it is kept.
    """
    data["format_version"] = 2
    schema = data.get("$schema")
    if isinstance(schema, str):
        data["$schema"] = schema.replace("floorplan-v1.schema.json", "floorplan-v2.schema.json")
    data["destinations"] = [_v2_destination(d) for d in data.get("destinations", [])]
    return data


def _v2_destination(destination: dict[str, Any]) -> dict[str, Any]:
    if "synonyms" not in destination and "synonyms_i18n" not in destination:
        return destination
    by_language: dict[str, list[str]] = {"en": list(destination.get("synonyms", []))}
    for lang, words in destination.get("synonyms_i18n", {}).items():
        by_language[lang] = list(dict.fromkeys(by_language.get(lang, []) + list(words)))
    upgraded: dict[str, Any] = {}  # a new dict: the v1 one stays as the caller had it
    for key, value in destination.items():
        if key in ("synonyms", "synonyms_i18n"):
            upgraded.setdefault("synonyms", by_language)
        else:
            upgraded[key] = value
    return upgraded
