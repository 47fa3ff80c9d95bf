"""The impact preview as staff read it: per profile, how many kiosk routes change or become
unreachable, and each changed route with its time, distance and connectors now and after.

The verdicts come from `wayfinding.closure_impact` on the published wayfinder (its serving
trees are left alone). On a large campus the work grows with kiosks × profiles trees and the
page with the changed routes, so at most `PREVIEW_ROWS` routes are described (the rest are
counted), which keeps the page small however many destinations a closure touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from wayfinding import Floorplan, Profile, Wayfinder
from wayfinding.closure_impact import Verdict, WalkedPath, closure_impact
from wayfinding.no_route import visible_name
from wayfinding.routing import seconds_to_minutes

PREVIEW_ROWS = 200
PROFILE_TITLES = {
    Profile.STANDARD: _l("Standard routes"),
    Profile.STEP_FREE: _l("Step-free routes"),
}
WAY_SUMMARY = _l("%(minutes)d min, %(metres)d m")
VIA = _l("via %(connectors)s")
NO_ROUTE = _l("No route")


@dataclass(frozen=True)
class PreviewRow:
    """One changed route: from which kiosk, to where, and how it is now and after."""

    kiosk: str
    destination: str
    now: str
    after: str
    unreachable: bool


@dataclass(frozen=True)
class ProfilePreview:
    """One profile's counts and its changed routes."""

    title: str
    changed: int
    unreachable: int
    unchanged: int
    rows: tuple[PreviewRow, ...]


@dataclass(frozen=True)
class ImpactPreview:
    """The whole preview: per profile, and whether every changed route is listed."""

    profiles: tuple[ProfilePreview, ...]
    listed_all: bool
    listed: int

    @property
    def changes_anything(self) -> bool:
        """Whether the closure changes any route at all."""
        return any(p.changed or p.unreachable for p in self.profiles)


def way_in_words(plan: Floorplan, way: WalkedPath | None, lang: str) -> str:
    """ "3 min, 140 m via Elevator B", or "No route"."""
    if way is None:
        return str(NO_ROUTE)
    words = str(WAY_SUMMARY) % {
        "minutes": seconds_to_minutes(way.seconds),
        "metres": round(way.length_m),
    }
    if way.connectors:
        names = ", ".join(visible_name(plan, c, lang) for c in way.connectors)
        words += " " + str(VIA) % {"connectors": names}
    return words


def impact_preview(finder: Wayfinder, element: str, now: datetime, lang: str) -> ImpactPreview:
    """What closing `element` at `now` does to every kiosk route, in words for staff."""
    impact = closure_impact(finder, [element], now, max_listed=PREVIEW_ROWS)
    plan = finder.floorplan
    profiles = []
    for profile in Profile:
        counts = impact.counts(profile)
        rows = tuple(
            PreviewRow(
                kiosk=plan.kiosks[change.kiosk].name.in_language(lang),
                destination=plan.destinations[change.destination].name.in_language(lang),
                now=way_in_words(plan, change.before, lang),
                after=way_in_words(plan, change.after, lang),
                unreachable=change.verdict is Verdict.UNREACHABLE,
            )
            for change in impact.changes
            if change.profile is profile
        )
        profiles.append(
            ProfilePreview(
                title=str(PROFILE_TITLES[profile]),
                changed=counts[Verdict.CHANGED],
                unreachable=counts[Verdict.UNREACHABLE],
                unchanged=counts[Verdict.UNCHANGED],
                rows=rows,
            )
        )
    return ImpactPreview(tuple(profiles), impact.listed_all, len(impact.changes))
