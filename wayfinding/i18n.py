"""Language support for generated text, with the standard library's gettext (no Flask).

Source strings are English and live in the code, marked with `N_` (or passed straight to
`gettext`), with named placeholders such as %(landmark)s so each language can order the words
its own way. Catalogs: wayfinding/locale/<lang>/LC_MESSAGES/wayfinding.po, compiled to .mo by
`pybabel compile -d wayfinding/locale -D wayfinding` (the Makefile does this on install).
Asking for a language whose catalog is not compiled fails loudly instead of showing English.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from wayfinding.errors import CatalogMissingError, UnsupportedLanguageError

DOMAIN = "wayfinding"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "es")


def N_(message: str) -> str:
    """Mark a string for extraction by pybabel without translating it yet."""
    return message


@cache
def translator(lang: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The gettext translations object for `lang`.

    English is the source language and needs no catalog. Any other supported language must
    have its compiled catalog, else CatalogMissingError says how to build it.
    """
    if lang not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguageError(
            f"no wayfinding text in {lang!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, locale_dir, languages=[lang])
    except FileNotFoundError:
        raise CatalogMissingError(
            f"the {lang!r} catalog for {DOMAIN!r} is not compiled under {locale_dir}; "
            f"run: pybabel compile -d {locale_dir} -D {DOMAIN}"
        ) from None
