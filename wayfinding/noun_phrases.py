"""Names of places as they sit in a sentence: the article they need and the verb they agree with.

Floorplans store names as signs show them ("Restrooms", "Gift Shop", "Laboratorio"). In a
sentence English wants "The Gift Shop is on your left" and "Restrooms are on your right", and
Spanish wants "el Laboratorio está a su derecha" and "pase junto al Baño". A name gets an
article only when its head noun is a common noun that people use with one (shops, rooms,
desks, elevators); department names that act as proper names ("Imaging", "Oncología") and
numbered things ("Elevator A", "Suite 2B") stay bare. Names that already start with an article
("the up escalator", "el elevador B") are left as staff wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# English head nouns (the last word) that take "the" in running text.
ENGLISH_COMMON_NOUNS = frozenset(
    """
    annex aquarium area atm atrium bank bridge building cafe cafeteria cart center centre chapel
    clinic clinics corridor counter courtyard desk door doors elevator elevators entrance
    escalator exit fountain garage garden gate hall lab laboratory lobby lounge machine office
    pavilion pharmacy playroom ramp reception restroom restrooms room shop skybridge stairs
    stairwell statue toilet toilets tower tunnel unit walkway wall ward wing
    """.split()
)
# "the Women's Clinic", but "Mary's Chapel": possessives of groups keep the article.
ENGLISH_GROUP_OWNERS = frozenset({"children", "women", "men", "people", "visitors", "patients"})
# Spanish head nouns (the first word) with their gender, for the article.
SPANISH_FEMININE = frozenset(
    """
    cafetería capilla clínica consulta entrada escalera farmacia fuente oficina pasarela
    puerta rampa recepción sala salida tienda unidad
    """.split()
)
SPANISH_MASCULINE = frozenset(
    """
    acuario ascensor baño cajero carrito centro consultorio edificio elevador estacionamiento
    laboratorio mostrador muro pasillo puente quirófano túnel vestíbulo
    """.split()
)
# Feminine nouns starting with a stressed "a" take "el" in the singular ("el área").
SPANISH_STRESSED_A = frozenset({"área", "ala", "aula"})
ARTICLES = {"en": ("the", "a", "an"), "es": ("el", "la", "los", "las", "un", "una")}
# A trailing designator: "Elevator A", "Stair 1", "Suite 2B", "P1".
DESIGNATOR = re.compile(r"^(?:[A-Z]|[A-Z]?\d+[A-Z]?|[IVX]+)$")
PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True)
class NounPhrase:
    """A name ready for a sentence: `text` carries any article, `plural` picks the verb."""

    text: str
    plural: bool


def _words(name: str) -> list[str]:
    return PARENTHESIS.sub("", name).split()


def _english(name: str) -> NounPhrase:
    words = _words(name)
    if not words:
        return NounPhrase(name, False)
    head = words[-1].lower().strip(".,")
    plural = (
        head.endswith("s")
        and not head.endswith(("ss", "us", "'s", "’s", "ics", "is"))
        or head in {"clinics", "stairs"}
    )
    first = words[0].lower()
    owner = first.endswith(("'s", "’s")) and first[:-2] not in ENGLISH_GROUP_OWNERS
    already = first in ARTICLES["en"] or owner
    if already or DESIGNATOR.match(words[-1]) or head not in ENGLISH_COMMON_NOUNS:
        return NounPhrase(name, plural)
    return NounPhrase(f"the {name}", plural)


def _spanish_singular(word: str) -> str:
    if word.endswith("es") and word[:-2] in SPANISH_FEMININE | SPANISH_MASCULINE:
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _spanish(name: str) -> NounPhrase:
    words = _words(name)
    if not words:
        return NounPhrase(name, False)
    first = words[0].lower()
    if first in ARTICLES["es"]:
        return NounPhrase(name, first in ("los", "las"))
    plural = first.endswith("s") and not first.endswith(("'s", "’s"))
    lemma = _spanish_singular(first) if plural else first
    if lemma in SPANISH_STRESSED_A and not plural:
        article = "el"
    elif lemma in SPANISH_FEMININE or lemma in SPANISH_STRESSED_A:
        article = "las" if plural else "la"
    elif lemma in SPANISH_MASCULINE:
        article = "los" if plural else "el"
    else:
        return NounPhrase(name, plural)
    return NounPhrase(f"{article} {name}", plural)


def noun_phrase(name: str, lang: str) -> NounPhrase:
    """`name` as it reads inside a sentence in `lang`, with its grammatical number."""
    if lang == "es":
        return _spanish(name)
    return _english(name)


# Spanish contracts "a el" and "de el"; only the lower-case article, so "a El Paso" stays.
SPANISH_CONTRACTIONS = ((re.compile(r"\ba el\b"), "al"), (re.compile(r"\bde el\b"), "del"))


def finish_sentence(text: str, lang: str) -> str:
    """Contract Spanish articles ("junto a el Baño" → "junto al Baño") and capitalise the start.

    Names inserted at the start of a sentence may begin with a lower-case article.
    """
    if lang == "es":
        for pattern, contracted in SPANISH_CONTRACTIONS:
            text = pattern.sub(contracted, text)
    return text[:1].upper() + text[1:]
