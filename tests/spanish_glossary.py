"""The US-Spanish glossary kept in docs/spanish-glossary.md, as tests read it."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

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


def glossary_breaches(catalog_path: Path, *, terms_need_their_word: bool = True) -> list[str]:
    """Where a Spanish catalog departs from the glossary: a word of the "Not" column, or (when
    `terms_need_their_word`) a message whose English has the glossary's term without the "Use"
    word. The second suits direction phrases ("Take Elevator A" → "Tome"); screen texts say
    "take a photo" or "%(floor)s" too, where the term is no place or action of the route."""
    rows = glossary()
    assert len(rows) >= 10, "the glossary table was not found"
    with catalog_path.open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id]
    breaches = []
    for message in catalog:
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            for english, use, avoid in rows:
                for word in avoid:
                    if re.search(rf"\b{word}\b", translated, re.IGNORECASE):
                        breaches.append(f"{translated!r} uses {word!r}; US Spanish says {use!r}")
                if terms_need_their_word and re.search(rf"\b{english}\b", source, re.I):
                    if use.lower() not in translated.lower():
                        breaches.append(f"{source!r} → {translated!r} lacks {use!r}")
    return breaches
