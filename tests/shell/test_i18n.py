"""Languages: complete catalogs, the switch, and the choice living in the kiosk session."""

from __future__ import annotations

from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from kiosk.config import PROJECT_ROOT
from tests.helpers import csrf_token_from
from tests.spanish_glossary import glossary_breaches

ROOT = PROJECT_ROOT
TRANSLATIONS = ROOT / "kiosk" / "translations"


def choose(client: FlaskClient, lang: str, next_path: str = "/") -> None:
    token = csrf_token_from(client.get(next_path).get_data(as_text=True))
    response = client.post("/language", data={"lang": lang, "next": next_path, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == next_path


def test_home_screen_offers_both_languages_by_their_own_names(client: FlaskClient) -> None:
    body = client.get("/").get_data(as_text=True)
    assert ">English</button>" in body
    assert ">Español</button>" in body
    assert "Check in for an appointment" in body and "Find your way" in body
    assert "Get help" in body


def test_switching_to_spanish_shows_the_home_screen_in_spanish(client: FlaskClient) -> None:
    choose(client, "es")
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in body
    assert "Registrar mi llegada a una cita" in body
    assert "Cómo llegar" in body and "Pedir ayuda" in body


def test_switch_returns_to_the_screen_the_person_was_on(client: FlaskClient) -> None:
    choose(client, "es", "/help")
    assert "Pedir ayuda" in client.get("/help").get_data(as_text=True)


def test_browser_accept_language_is_ignored(client: FlaskClient) -> None:
    body = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in body


def test_unknown_language_is_refused_without_changing_anything(client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"lang": "xx", "csrf_token": token})
    assert response.status_code == 400
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def plural_forms(message: Message) -> tuple[str, ...]:
    """Every translated form of a message (one, or one per plural category)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_spanish_catalog_translates_every_message() -> None:
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not all(plural_forms(m)) or m.fuzzy)]
    assert untranslated == []


def test_spanish_kiosk_catalog_follows_the_us_spanish_glossary() -> None:
    catalog = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
    assert glossary_breaches(catalog, terms_need_their_word=False) == []


def test_catalog_template_matches_the_source() -> None:
    """A string added to a template or view must reach the catalogs (make translations-update)."""
    extracted: set[str] = set()
    method_map = [
        ("kiosk/**.py", "python"),
        ("admin/**.py", "python"),
        ("kiosk/templates/**.html", "jinja2"),
        ("admin/templates/**.html", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted == template
