"""Floorplan editor benchmark: what one saved edit costs the server, beside the naive way.

An edit in the editor (a node dragged 30 cm, on the synthetic campus of `bench_wayfinding.py`)
is applied with `wayfinding.drafting`, checked, and serialised for the draft row:
- Lobby's way: the operation copies only the section it changes, and `revalidate` rechecks from
  the previous check what the edit's ids touch (`admin.floorplans.checking.checked_edit`);
- the naive way: a deep copy of the document edited in place, then `check_floorplan` of the whole
  file, as an editor without incremental checks would do on every save.
Both serialise the same way (`json.dumps`, as the draft stores it). The database write is the
same one-row conditional UPDATE either way and is left out.

Run:  .venv/bin/python bench/bench_editor_save.py                  (1,000 / 10,000 nodes)
      .venv/bin/python bench/bench_editor_save.py --nodes 1000 10000 100000 --edits 5
CPU milliseconds per edit (time.process_time), p50 and worst, so a busy machine distorts less.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from synthetic_campus import synthetic_campus

from wayfinding import CheckedFloorplan, check_floorplan, revalidate
from wayfinding.drafting import move_node

SHIFT_M = 0.3


def cpu_ms(action: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    result = action()
    return (time.process_time() - start) * 1000, result


def lobby_save(
    checked: CheckedFloorplan, document: dict[str, Any], node: dict[str, Any]
) -> CheckedFloorplan:
    """Lobby's way: copy-on-write operation, incremental recheck, serialise."""
    edit = move_node(document, node["id"], node["x"] + SHIFT_M, node["y"])
    rechecked = revalidate(checked, edit.document, edit.changed)
    json.dumps(edit.document, ensure_ascii=False, indent=1)
    return rechecked


def naive_save(document: dict[str, Any], node_index: int) -> CheckedFloorplan:
    """The naive way: deep copy, edit in place, check the whole file, serialise."""
    edited = copy.deepcopy(document)
    edited["nodes"][node_index]["x"] += SHIFT_M
    checked = check_floorplan(edited)
    json.dumps(edited, ensure_ascii=False, indent=1)
    return checked


def measure(target_nodes: int, edits: int) -> tuple[int, list[float], list[float], bool]:
    document = synthetic_campus(target_nodes)
    nodes = document["nodes"]
    checked = check_floorplan(document)
    step = max(1, len(nodes) // edits)
    picks = [(index, nodes[index]) for index in range(0, len(nodes), step)][:edits]
    lobby, naive, same = [], [], True
    for index, node in picks:
        lobby_ms, ours = cpu_ms(lambda node=node: lobby_save(checked, document, node))
        naive_ms, theirs = cpu_ms(lambda index=index: naive_save(document, index))
        lobby.append(lobby_ms)
        naive.append(naive_ms)
        assert isinstance(ours, CheckedFloorplan) and isinstance(theirs, CheckedFloorplan)
        same &= ours.report == theirs.report
    return len(nodes), lobby, naive, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=10)
    options = parser.parse_args()
    print(
        "| nodes | Lobby: op + revalidate, p50 / worst ms"
        " | naive: deep copy + full check, p50 / worst ms | same report |"
    )
    print("|---:|---:|---:|:---:|")
    for target in options.nodes:
        count, lobby, naive, same = measure(target, options.edits)
        print(
            f"| {count:,} | {statistics.median(lobby):,.0f} / {max(lobby):,.0f}"
            f" | {statistics.median(naive):,.0f} / {max(naive):,.0f} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
