"""Find destinations the way visitors ask for them.

Matches names, short names and lay synonyms in every language the floorplan has, ignoring case
and accents ("radiologia" finds "Radiología") and forgiving typos with rapidfuzz ("cardiolgy").
Also lists by category and as an A-Z directory. Staff-only destinations are never indexed, so
they cannot leak into any public list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby

from rapidfuzz import fuzz, process

from wayfinding.model import Destination, Floorplan

# Scores are 0-100. Exact and prefix matches rank above any fuzzy match.
EXACT_SCORE = 100.0
PREFIX_SCORE = 95.0
WORD_SCORE = 90.0
FUZZY_CUTOFF = 80.0
FUZZY_SCALE = (WORD_SCORE - 1) / 100
WORD_IN_TERM_WEIGHT = 0.95
# Queries shorter than this are too ambiguous for fuzzy matching ("er" would match "ER").
MIN_FUZZY_LENGTH = 4


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: 'X-Ray ' -> 'x ray'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return " ".join(cleaned.split())


def _compact(text: str) -> str:
    """Normalized text without spaces, so 'xray' matches 'x-ray'."""
    return text.replace(" ", "")


@dataclass(frozen=True)
class SearchResult:
    """A destination that matched, how well, and the term that matched."""

    destination: Destination
    score: float
    matched: str


@dataclass(frozen=True)
class DirectorySection:
    """One letter of the A-Z directory."""

    letter: str
    destinations: tuple[Destination, ...]


class DestinationIndex:
    """Search index over the public destinations of one floorplan."""

    def __init__(self, floorplan: Floorplan) -> None:
        self.destinations = [d for d in floorplan.destinations.values() if d.is_public]
        self._terms: list[str] = []
        self._owners: list[Destination] = []
        self._originals: list[str] = []
        for destination in self.destinations:
            texts = [destination.name.default, destination.short_name.default]
            texts += destination.name.translations.values()
            texts += destination.short_name.translations.values()
            for words in destination.synonyms.values():
                texts += words
            for text in dict.fromkeys(texts):
                self._terms.append(normalize(text))
                self._owners.append(destination)
                self._originals.append(text)
        # Fuzzy matching compares whole strings, against each term and each longer word of a
        # term ("oncolgy" vs "oncology" in "Cancer Center (Oncology)"). Whole-string scoring
        # keeps short terms such as "loo" from matching inside longer queries ("blood").
        # A word inside a longer term counts a little less than the whole term, so "parkng"
        # prefers "Parking" to "Restrooms (Parking P1)".
        self._fuzzy_texts: list[str] = []
        self._fuzzy_terms: list[tuple[int, float]] = []
        for index, term in enumerate(self._terms):
            candidates = {term: 1.0}
            candidates.update({word: WORD_IN_TERM_WEIGHT for word in term.split() if word != term})
            for text, weight in candidates.items():
                if len(_compact(text)) >= MIN_FUZZY_LENGTH:
                    self._fuzzy_texts.append(text)
                    self._fuzzy_terms.append((index, weight))

    def search(self, text: str, *, lang: str = "en", limit: int = 10) -> list[SearchResult]:
        """Destinations matching `text`, best first (ties in `lang`'s alphabetical order)."""
        query = normalize(text)
        if not query:
            return []
        best: dict[str, SearchResult] = {}

        def offer(index: int, score: float) -> None:
            owner = self._owners[index]
            current = best.get(owner.id)
            if current is None or score > current.score:
                best[owner.id] = SearchResult(owner, score, self._originals[index])

        compact_query = _compact(query)
        for index, term in enumerate(self._terms):
            if term == query or _compact(term) == compact_query:
                offer(index, EXACT_SCORE)
            elif term.startswith(query):
                offer(index, PREFIX_SCORE)
            elif f" {query}" in f" {term}":
                offer(index, WORD_SCORE)
        if len(compact_query) >= MIN_FUZZY_LENGTH:
            for _, score, position in process.extract(
                query,
                self._fuzzy_texts,
                scorer=fuzz.QRatio,
                score_cutoff=FUZZY_CUTOFF,
                limit=None,
            ):
                # Scaled so fuzzy matches stay below every exact, prefix or word match.
                index, weight = self._fuzzy_terms[position]
                offer(index, float(score) * weight * FUZZY_SCALE)
        ranked = sorted(
            best.values(), key=lambda r: (-r.score, sort_key(r.destination.name.in_language(lang)))
        )
        return ranked[:limit]

    def by_category(self, category: str, *, lang: str = "en") -> list[Destination]:
        """Public destinations of one category, alphabetically in `lang`."""
        chosen = [d for d in self.destinations if d.category == category]
        return sorted(chosen, key=lambda d: sort_key(d.name.in_language(lang)))

    def categories(self) -> list[str]:
        """The categories that have at least one public destination."""
        return sorted({d.category for d in self.destinations})

    def directory(self, lang: str = "en") -> list[DirectorySection]:
        """The A-Z directory in `lang`: sections by first letter, accents folded (Á under A)."""
        ordered = sorted(self.destinations, key=lambda d: sort_key(d.name.in_language(lang)))
        return [
            DirectorySection(letter, tuple(group))
            for letter, group in groupby(
                ordered, key=lambda d: sort_key(d.name.in_language(lang))[:1].upper() or "#"
            )
        ]


def sort_key(text: str) -> str:
    """Alphabetical order that ignores case and accents."""
    return normalize(text)
