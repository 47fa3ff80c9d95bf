"""The benchmark's table, run on a tiny campus (the real run is bench/bench_wayfinding.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from wayfinding import load_floorplan, validate

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load_bench(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_campus_is_a_valid_floorplan(monkeypatch: pytest.MonkeyPatch) -> None:
    campus = load_bench(monkeypatch, "synthetic_campus")
    report = validate(load_floorplan(campus.synthetic_campus(1500)))
    assert (report.errors, report.warnings) == ((), ())


def test_benchmark_table_puts_the_three_ways_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bench = load_bench(monkeypatch, "bench_wayfinding")
    rows = bench.measure_size(1500, kiosk_requests=20, any_requests=10, isolated=False)
    table = bench.markdown_table(rows)
    lines = table.splitlines()
    assert lines[:2] == [
        "| measurement | Lobby | today (heapq) | networkx | target |",
        "|---|---|---|---|---|",
    ]
    assert len(lines) == 2 + len(rows)
    assert all(len(row) == 5 for row in rows)
    for needed in (
        "build before serving",
        "process RSS",
        "kiosk route + directions",
        "predecessor-chain walk",
        "any-to-any",
        "first kiosk route after a closure expires",
    ):
        row = next(line for line in lines if needed in line)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1], row  # Lobby's figure is always there
        if needed not in ("predecessor-chain walk",):
            assert cells[2] and cells[3], row  # beside today's way and plain networkx
    costs = next(line for line in lines if "kiosk route costs" in line)
    # Lobby's and today's routes cost exactly what networkx finds.
    assert costs.count("20 / 20 equal") == 2, costs


def test_worker_memory_benchmark_reads_each_gunicorn_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bench = load_bench(monkeypatch, "bench_worker_memory")
    campus = load_bench(monkeypatch, "synthetic_campus").synthetic_campus(1500)
    floorplan = tmp_path / "campus.json"
    floorplan.write_text(json.dumps(campus), encoding="utf-8")
    server = bench.serve_and_measure(bench.ROOT, floorplan, tmp_path)
    assert len(server.workers) == 2  # the production command's two workers
    for memory in (server.master, *server.workers):
        assert 0 < memory.own <= memory.proportional <= memory.resident
    [row] = bench.table_rows("Lobby (this code)", [server])
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == "Lobby (this code)"
    assert all(cell.endswith(" MB") for cell in cells[1:5]) and cells[5].endswith(" s")
