"""Memory a published campus keeps, so that web workers fit their budget at campus scale.

bench/bench_wayfinding.py measures whole processes at 100,000 nodes (target: <= 250 MB per
worker). These tests hold what grows with the campus to a budget per node on a smaller one:
the objects and arrays the floorplan and its precomputed wayfinder keep (counted exactly by
tracemalloc), and the memory loading leaves resident in a fresh process once the parsed
file is dropped (the parsed JSON is several times the model; a kept string among its pages
would keep them all).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.wayfinding.test_wayfinding_bench import BENCH, load_bench
from wayfinding import Wayfinder, load_floorplan

ROOT = BENCH.parent
# What one node of a campus (with its share of links, 20 kiosks x 2 profiles of trees) may
# cost. The floorplan used to keep its parsed JSON and float64 trees: about 2,800 bytes.
KEPT_BYTES_PER_NODE = 1_600
# What loading may leave resident per node (it left about 1,450 bytes, the model about 500).
RESIDENT_BYTES_PER_NODE = 1_000

RESIDENT_AFTER_LOADING = """
import gc, json, sys
from pathlib import Path

from wayfinding import load_floorplan
from wayfinding.process_memory import release_freed_memory


def resident() -> int:
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no Rss line")


gc.collect()
before = resident()
plan = load_floorplan(sys.argv[1])
gc.collect()
release_freed_memory()
print(json.dumps({"nodes": len(plan.nodes), "grown": resident() - before}))
"""


def campus_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nodes: int) -> Path:
    campus = load_bench(monkeypatch, "synthetic_campus").synthetic_campus(nodes)
    path = tmp_path / "campus.json"
    path.write_text(json.dumps(campus), encoding="utf-8")
    return path


def test_a_precomputed_campus_keeps_at_most_its_budget_per_node(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = campus_file(monkeypatch, tmp_path, 10_000)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        finder = Wayfinder(load_floorplan(path))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    nodes = len(finder.floorplan.nodes)
    assert len(finder.floorplan.kiosks) == 20 and nodes > 9_000
    assert kept / nodes <= KEPT_BYTES_PER_NODE
    # Still a working wayfinder: every kiosk's tree reaches a destination.
    destination = next(iter(finder.floorplan.destinations))
    for kiosk in finder.floorplan.kiosks:
        assert finder.route_from_kiosk(kiosk, destination).nodes[0]


def test_loading_a_campus_leaves_no_parsed_file_resident(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = campus_file(monkeypatch, tmp_path, 30_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RESIDENT_AFTER_LOADING, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(done.stdout)
    assert measured["nodes"] > 25_000
    assert measured["grown"] / measured["nodes"] <= RESIDENT_BYTES_PER_NODE
