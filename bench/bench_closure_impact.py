"""Closure impact preview benchmark: what closing one elevator bank does to every kiosk route.

Side by side in one run, on the synthetic campus of `bench_wayfinding.py` (20 kiosks, both
profiles), for the preview a facility admin asks for before confirming a closure:
- Lobby's way: `wayfinding.closure_impact.closure_impact` — two trees per kiosk and profile
  (with and without the proposed closure), every destination's verdict from the predecessor
  arrays at once (pointer jumping), and only the first 200 changed routes walked and described;
- the naive way: a second `Wayfinder` with the closure applied (every tree precomputed), then
  both wayfinders asked for every kiosk × destination × profile route and the routes compared.

Both give the same verdicts (checked here on every size where the naive way runs).

Run:  .venv/bin/python bench/bench_closure_impact.py                   (1,000 / 10,000 / 100,000)
      .venv/bin/python bench/bench_closure_impact.py --nodes 1000 10000 --naive-up-to 10000
CPU seconds (time.process_time) are reported beside wall seconds: this machine is shared.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bench_wayfinding import synthetic_campus

from wayfinding import Closure, Floorplan, NoRouteError, Profile, Wayfinder, load_floorplan
from wayfinding.closure_impact import Verdict, closure_impact, public_destinations

# The elevator bank closed in every run: one of the first building's two.
CLOSED = "b0-elevator-0"
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
Result = TypeVar("Result")


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one way."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Row:
    """One campus size: routes judged, both ways' times, and whether their verdicts agree."""

    nodes: int
    routes: int
    changed: int
    lobby: Timing
    naive: Timing | None
    same_verdicts: bool | None


def timed(action: Callable[[], Result]) -> tuple[Result, Timing]:
    """Run `action` once; its result and how long it took."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, Timing(time.perf_counter() - wall, time.process_time() - cpu)


def naive_verdicts(plan: Floorplan, served: Wayfinder) -> dict[tuple[str, str, Profile], Verdict]:
    """Every route asked of the serving wayfinder and of a second one with the closure."""
    closed = Wayfinder(plan, now=NOW, background_refresh=False, precompute=False)
    closed.set_closures([Closure("bench", CLOSED, "works", NOW + timedelta(hours=2))])
    closed.precompute(NOW)
    verdicts = {}
    for profile in Profile:
        for kiosk in plan.kiosks:
            for destination in public_destinations(served):
                key = (kiosk, destination.id, profile)
                try:
                    before = served.route_from_kiosk(kiosk, destination.id, profile).nodes
                except NoRouteError:
                    verdicts[key] = Verdict.ALREADY_UNREACHABLE
                    continue
                try:
                    after = closed.route_from_kiosk(kiosk, destination.id, profile).nodes
                except NoRouteError:
                    verdicts[key] = Verdict.UNREACHABLE
                    continue
                verdicts[key] = Verdict.UNCHANGED if before == after else Verdict.CHANGED
    return verdicts


def measure(target_nodes: int, naive_up_to: int) -> Row:
    """Both ways on one campus size."""
    plan = load_floorplan(synthetic_campus(target_nodes))
    served = Wayfinder(plan, now=NOW, background_refresh=False, clock=lambda: NOW)
    impact, lobby = timed(lambda: closure_impact(served, [CLOSED], NOW))
    naive: Timing | None = None
    same: bool | None = None
    if len(plan.nodes) <= naive_up_to:
        verdicts, naive = timed(lambda: naive_verdicts(plan, served))
        same = verdicts == impact.verdicts
    changed = sum(v in (Verdict.CHANGED, Verdict.UNREACHABLE) for v in impact.verdicts.values())
    return Row(len(plan.nodes), len(impact.verdicts), changed, lobby, naive, same)


def seconds(timing: Timing | None) -> str:
    """ "1.23 s (CPU 1.10 s)", or a dash for a way not run."""
    if timing is None:
        return "—"
    return f"{timing.wall:.2f} s (CPU {timing.cpu:.2f} s)"


def markdown_table(rows: list[Row]) -> str:
    """The results as the README's table."""
    lines = [
        "| nodes | kiosk routes judged | changed or cut | Lobby: closure_impact"
        " | naive: second wayfinder + every route | same verdicts |",
        "|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        agree = "—" if row.same_verdicts is None else ("yes" if row.same_verdicts else "NO")
        lines.append(
            f"| {row.nodes:,} | {row.routes:,} | {row.changed:,} | {seconds(row.lobby)}"
            f" | {seconds(row.naive)} | {agree} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--naive-up-to",
        type=int,
        default=10_000,
        help="run the naive way only on campuses of at most this many nodes (it is slow)",
    )
    arguments = parser.parse_args()
    rows = [measure(nodes, arguments.naive_up_to) for nodes in arguments.nodes]
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
