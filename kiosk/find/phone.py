"""The route on the visitor's phone: `/d/<token>` from the kiosk's QR code.

A phone is not a kiosk: no session, no idle reset, no patient data. Language and step-free
are plain links (`?lang=es`, `?profile=step-free`) so the page works without JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale

from kiosk.extensions import db
from kiosk.find.analytics import record_event
from kiosk.find.pages import (
    PHONE_MAP_PX,
    route_map_response,
    route_page_context,
    route_problem_page,
    route_to_destination,
)
from kiosk.find.phone_links import is_current, stored_phone_link
from kiosk.models.wayfinding import PhoneRouteLink, WayfindingEventKind
from kiosk.shell.i18n import available_languages
from wayfinding import NoRouteError, Profile, Route, UnknownPlaceError

bp = Blueprint("phone", __name__, url_prefix="/d")


def link_or_gone(token: str) -> PhoneRouteLink:
    """The link, or the friendly "this link has expired" page (410) in the person's language.

    Every dead link costs the same single lookup and gets the same status, whether its row
    has expired or is gone; only the language differs (see `expired_page_language`).
    """
    link = stored_phone_link(token)
    if link is None or not is_current(link):
        lang = expired_page_language(link)
        with force_locale(lang):
            page = render_template("kiosk/phone/expired.html", current_lang=lang)
        abort(Response(page, status=410))
    return link


def expired_page_language(link: PhoneRouteLink | None) -> str:
    """The language of an expired link's page: `?lang=` when the phone page's own language
    link asked for one, else the language chosen at the kiosk (kept with the link until
    housekeeping deletes it), else the phone's own language setting (a phone, unlike a
    kiosk, belongs to the person holding it), else the default."""
    languages = available_languages()
    asked = request.args.get("lang")
    if asked in languages:
        return str(asked)
    if link is not None and link.lang in languages:
        return link.lang
    phone_setting = request.accept_languages.best_match(languages)
    return phone_setting or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def chosen_language(link: PhoneRouteLink) -> str:
    """`?lang=` when it names a language Lobby has, else the language chosen at the kiosk."""
    lang = request.args.get("lang", link.lang)
    return lang if lang in available_languages() else link.lang


def chosen_profile(link: PhoneRouteLink) -> Profile:
    """`?profile=` when valid, else the profile chosen at the kiosk."""
    try:
        return Profile(request.args.get("profile", link.profile))
    except ValueError:
        return Profile(link.profile)


def route_for(link: PhoneRouteLink, profile: Profile) -> Route:
    """The same route the kiosk showed (its origin is a kiosk id or a node)."""
    return route_to_destination(link.origin, link.destination_id, profile)


@bp.get("/<token>")
def route(token: str) -> str | tuple[str, int]:
    """The mobile route page: large type, steps and maps per floor, step-free and language."""
    link = link_or_gone(token)
    lang, profile = chosen_language(link), chosen_profile(link)
    with force_locale(lang):
        try:
            found = route_for(link, profile)
        except (UnknownPlaceError, NoRouteError) as problem:
            return route_problem_page(problem, lang)
        record_event(
            WayfindingEventKind.PHONE_LINK_OPENED,
            origin=link.origin,
            destination_id=link.destination_id,
            profile=profile.value,
        )
        db.session.commit()
        context = route_page_context(
            found,
            lang,
            found.kiosk,
            lambda floor: url_for(
                "phone.route_map", token=token, floor_id=floor, profile=profile.value, lang=lang
            ),
        )
        return render_template("kiosk/phone/route.html", current_lang=lang, token=token, **context)


@bp.get("/<token>/map/<floor_id>.svg")
def route_map(token: str, floor_id: str) -> Response:
    """One floor of the phone route as SVG."""
    link = link_or_gone(token)
    try:
        found = route_for(link, chosen_profile(link))
    except (UnknownPlaceError, NoRouteError):
        abort(404)
    return route_map_response(found, floor_id, chosen_language(link), PHONE_MAP_PX)
