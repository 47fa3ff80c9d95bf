"""Command line for facility staff and scripts: python -m wayfinding COMMAND ...

Commands: validate, route, search, render, migrate, export-graph. Exit codes: 0 ok, 2 bad input (a
broken floorplan, an unknown id, a bad option), 3 no route. Problems are printed as located
messages on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx as nx

from wayfinding.directions import Directions, directions
from wayfinding.errors import FloorplanError, Issue, WayfindingError
from wayfinding.graph import cost_attribute, make_weight
from wayfinding.i18n import SUPPORTED_LANGUAGES
from wayfinding.loader import checked_json, load_floorplan
from wayfinding.model import Floorplan, Profile
from wayfinding.render_bitmap import RECEIPT_WIDTHS, render_route_bitmap
from wayfinding.render_svg import render_floor_svg, render_route_svg
from wayfinding.routing import NoRouteError, Route, Wayfinder
from wayfinding.validation import validate

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3
# How much of a user's own text an error message repeats.
MAX_ECHOED_CHARS = 80
# Issues printed before the rest are only counted (each one is itself bounded in length).
MAX_ISSUES_PRINTED = 50


class BadInput(Exception):
    """A problem with what the user gave us; printed and mapped to exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except FloorplanError as error:
        _print_issues(error.issues)
        return EXIT_BAD_INPUT
    except NoRouteError as error:
        print(error.describe(getattr(args, "lang", "en")), file=sys.stderr)
        return EXIT_NO_ROUTE
    except (WayfindingError, BadInput) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _print_issues(issues: Sequence[Issue]) -> None:
    """The first issues on stderr, then how many more: a broken file gives a short report."""
    for issue in issues[:MAX_ISSUES_PRINTED]:
        print(issue, file=sys.stderr)
    if len(issues) > MAX_ISSUES_PRINTED:
        print(f"... and {len(issues) - MAX_ISSUES_PRINTED} more", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wayfinding", description="Lobby wayfinding: floorplans, routes, maps."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("file", type=Path, help="floorplan JSON file")
        return sub

    sub = command("validate", "check a floorplan; errors block publishing, warnings do not")
    sub.add_argument("--now", type=_datetime, help="evaluate closures at this ISO time")
    sub.set_defaults(handler=_validate)

    sub = command("route", "print directions from a kiosk or node to a destination")
    sub.add_argument("--from", dest="origin", required=True, help="kiosk id or node id")
    sub.add_argument("--to", dest="target", required=True, help="destination id, node id or name")
    _profile_lang_now(sub)
    sub.add_argument("--json", action="store_true", help="machine-readable output")
    sub.set_defaults(handler=_route)

    sub = command("search", "find public destinations by name, synonym or category")
    sub.add_argument("text", nargs="?", default="", help="what a visitor would type")
    sub.add_argument("--category", help="list a category (with --from: the nearest one)")
    sub.add_argument("--from", dest="origin", help="kiosk or node id for --category nearest")
    sub.add_argument("--directory", action="store_true", help="the A-Z directory")
    _profile_lang_now(sub)
    sub.set_defaults(handler=_search)

    sub = command("render", "draw floor maps (SVG), or a route's maps (SVG + 1-bit PNG)")
    sub.add_argument("--out-dir", type=Path, required=True, help="directory to write into")
    sub.add_argument("--floor", action="append", help="floor id (repeatable; default: all)")
    sub.add_argument("--from", dest="origin", help="kiosk or node id: render a route instead")
    sub.add_argument("--to", dest="target", help="destination id for the route")
    sub.add_argument(
        "--width",
        type=int,
        default=384,
        choices=RECEIPT_WIDTHS,
        help="receipt width in dots for the 1-bit map",
    )
    _profile_lang_now(sub)
    sub.set_defaults(handler=_render)

    sub = command("migrate", "print the floorplan in the current format version (v2)")
    sub.set_defaults(handler=_migrate)

    sub = command("export-graph", "print the walking graph as networkx node-link JSON")
    sub.add_argument(
        "--profile",
        choices=[p.value for p in Profile],
        help="only the edges a visitor with this profile may use, with cost_s",
    )
    sub.set_defaults(handler=_export_graph)
    return parser


def _profile_lang_now(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--profile", choices=[p.value for p in Profile], default="standard")
    sub.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default="en")
    sub.add_argument("--now", type=_datetime, help="evaluate closures at this ISO time")


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None


def _validate(args: argparse.Namespace) -> int:
    plan = load_floorplan(args.file)
    report = validate(plan, now=args.now)
    _print_issues(report.errors + report.warnings)
    summary = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    print(f"{args.file}: {'OK' if report.ok else 'NOT OK'} - {summary}")
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def _resolve_target(finder: Wayfinder, target: str, lang: str) -> str:
    """Ids pass through; otherwise the best search hit, so staff can type 'x-ray'."""
    plan = finder.floorplan
    if target in plan.destinations or target in plan.nodes:
        return target
    hits = finder.search(target, lang=lang, limit=1)
    if not hits:
        raise BadInput(f"no destination matches {target!r}")
    return hits[0].destination.id


def _find_route(finder: Wayfinder, args: argparse.Namespace) -> Route:
    target = _resolve_target(finder, args.target, args.lang)
    if args.origin in finder.floorplan.kiosks:
        return finder.route_from_kiosk(args.origin, target, args.profile, args.now)
    return finder.route_between(args.origin, target, args.profile, args.now)


def _route(args: argparse.Namespace) -> int:
    finder = Wayfinder(load_floorplan(args.file), precompute=False)
    route = _find_route(finder, args)
    steps = directions(route, args.lang)
    if args.json:
        print(json.dumps(route_as_json(route, steps, args.origin), ensure_ascii=False, indent=2))
    else:
        print(_route_as_text(route, steps))
    return EXIT_OK


def route_as_json(route: Route, steps: Directions, origin: str) -> dict[str, Any]:
    """The `route --json` document: ids, totals and the steps with their floors."""
    return {
        "from": origin,
        "to": route.destination.id if route.destination else route.nodes[-1],
        "profile": route.profile.value,
        "lang": steps.lang,
        "nodes": list(route.nodes),
        "length_m": round(route.length_m, 1),
        "duration_s": round(route.duration_s, 1),
        "minutes": steps.minutes,
        "summary": steps.summary,
        "floors": list(route.floors),
        "steps": [
            {
                "text": step.text,
                "floor": step.floor,
                "floor_sign": step.floor_sign,
                "kind": step.kind.value,
                "turn": step.turn.value if step.turn else None,
                "node": step.node,
                "distance_m": round(step.distance_m, 1),
            }
            for step in steps.steps
        ],
        "chunks": [
            {"title": chunk.title, "floor": chunk.floor, "steps": len(chunk.steps)}
            for chunk in steps.chunks
        ],
    }


def _route_as_text(route: Route, steps: Directions) -> str:
    lines = [f"{steps.summary} · {steps.step_count_text}"]
    number = 0
    for chunk in steps.chunks:
        lines.append("")
        lines.append(chunk.title)
        for step in chunk.steps:
            number += 1
            lines.append(f"  {number}. {step.text}")
    return "\n".join(lines)


def _search(args: argparse.Namespace) -> int:
    finder = Wayfinder(load_floorplan(args.file), precompute=False)
    lang = args.lang
    if args.directory:
        for section in finder.directory(lang):
            print(section.letter)
            for destination in section.destinations:
                print(f"  {destination.id}\t{destination.name.in_language(lang)}")
        return EXIT_OK
    if args.category and args.origin:
        route = finder.nearest(args.category, args.origin, args.profile, args.now)
        assert route.destination is not None
        minutes = directions(route, lang).summary
        print(f"{route.destination.id}\t{route.destination.name.in_language(lang)}\t{minutes}")
        return EXIT_OK
    if args.category:
        listed = finder.by_category(args.category, lang=lang)
        if not listed:
            raise BadInput(f"no match: no public destination in category {args.category!r}")
        for destination in listed:
            print(f"{destination.id}\t{destination.name.in_language(lang)}")
        return EXIT_OK
    if not args.text.strip():
        raise BadInput("give TEXT to search for, --category or --directory")
    hits = finder.search(args.text, lang=lang)
    if not hits:
        raise BadInput(f"no match for {_bounded(args.text)}")
    for hit in hits:
        name = hit.destination.name.in_language(lang)
        print(f"{hit.destination.id}\t{name}\t{hit.score:.0f}\t({hit.matched})")
    return EXIT_OK


def _bounded(text: str) -> str:
    """`text` quoted for a message, cut short so a pasted essay cannot flood the terminal."""
    return repr(text if len(text) <= MAX_ECHOED_CHARS else text[:MAX_ECHOED_CHARS] + "...")


def _render(args: argparse.Namespace) -> int:
    plan = load_floorplan(args.file)
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if args.origin or args.target:
        if not (args.origin and args.target):
            raise BadInput("a route map needs both --from and --to")
        route = _find_route(Wayfinder(plan, precompute=False), args)
        titles = {chunk.floor: chunk.title for chunk in directions(route, args.lang).chunks}
        for floor_id in dict.fromkeys(args.floor or route.floors):
            _check_floor(plan, floor_id)
            svg_path = out / f"route-{floor_id}.svg"
            svg_path.write_text(render_route_svg(route, floor_id, lang=args.lang) + "\n")
            png_path = out / f"route-{floor_id}-{args.width}.png"
            render_route_bitmap(
                route, floor_id, width_dots=args.width, title=titles.get(floor_id)
            ).save(png_path)
            written += [svg_path, png_path]
    else:
        for floor_id in args.floor or list(plan.floors):
            _check_floor(plan, floor_id)
            path = out / f"{floor_id}.svg"
            path.write_text(render_floor_svg(plan, floor_id, lang=args.lang) + "\n")
            written.append(path)
    for path in written:
        print(path)
    return EXIT_OK


def _check_floor(plan: Floorplan, floor_id: str) -> None:
    if floor_id not in plan.floors:
        raise BadInput(f"unknown floor {floor_id!r}; floors: {', '.join(plan.floors)}")


def _migrate(args: argparse.Namespace) -> int:
    """Print a checked file upgraded to the current format, for staff to commit instead."""
    print(json.dumps(checked_json(args.file), ensure_ascii=False, indent=1))
    return EXIT_OK


def _export_graph(args: argparse.Namespace) -> int:
    routing = Wayfinder(load_floorplan(args.file), precompute=False).routing
    graph = routing.graph
    if args.profile:
        profile = Profile(args.profile)
        weight = make_weight(profile)
        usable: nx.DiGraph[str] = nx.DiGraph()
        usable.add_nodes_from(graph.nodes(data=True))
        for u, v, data in graph.edges(data=True):
            cost = weight(u, v, data)
            if cost is not None:
                usable.add_edge(u, v, **data, cost_s=cost)
        graph = usable
        graph.graph["profile"] = profile.value
    graph.graph["floorplan_version"] = routing.floorplan.version
    graph.graph["cost_attributes"] = [cost_attribute(p) for p in Profile]
    print(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False))
    return EXIT_OK
