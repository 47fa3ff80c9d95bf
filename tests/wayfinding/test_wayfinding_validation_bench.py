"""The validator benchmark's table, run on a tiny campus (the real run is
bench/bench_validation.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def load_bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH_DIR))  # it reuses bench_wayfinding's campus
    spec = importlib.util.spec_from_file_location(
        "bench_validation", BENCH_DIR / "bench_validation.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_validation_benchmark_puts_both_ways_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    row = bench.measure(600, old_up_to=600)
    # Both ways find the same problems; Lobby states each once per destination and cause.
    grouped, old_lines = row.errors.split(" grouped / old: ")
    assert 0 < int(grouped) < int(old_lines.removesuffix(" lines"))
    table = bench.markdown_table([row])
    assert table.splitlines()[0].startswith("| nodes | errors reported | load + validate")
    assert "not run" not in table
