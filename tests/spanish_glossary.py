"""The US-Spanish glossary kept in docs/spanish-glossary.md, as tests read it."""

from __future__ import annotations

import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "spanish-glossary.md"


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, use, [not ...]) rows of the glossary table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "---"):
            continue
        rows.append((cells[0], cells[1], [w.strip() for w in cells[2].split(",")]))
    return rows


def words_to_avoid(text: str) -> list[tuple[str, str]]:
    """(word, what US Spanish says instead) for every glossary "Not" word `text` uses."""
    return [
        (word, use)
        for _, use, avoid in glossary()
        for word in avoid
        if re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
    ]
