"""The benchmark's table, run on a tiny campus (the real run is bench/bench_wayfinding.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_wayfinding.py"


def load_bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_wayfinding", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_benchmark_table_on_a_small_campus(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    rows = bench.run_benchmark(1500, kiosk_requests=20, networkx_requests=3, any_requests=10)
    table = bench.markdown_table(rows)
    lines = table.splitlines()
    assert lines[:2] == ["| measurement | result | target |", "|---|---|---|"]
    assert len(lines) == 2 + len(rows)
    assert "(0 errors, 0 warnings)" in table  # the synthetic campus is a valid floorplan
    for needed in (
        "kiosk route + directions",
        "networkx.shortest_path",
        "any-to-any",
        "load + validate + precompute",
        "peak memory",
    ):
        assert needed in table
