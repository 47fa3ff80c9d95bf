"""The command line: validate, route, search, render, export-graph, and their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from PIL import Image

from wayfinding.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_demo_ok(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(capsys, "validate", demo_path)
    assert code == 0
    assert "OK - 0 error(s), 0 warning(s)" in out


def test_validate_broken_file_exits_2_with_located_errors(
    capsys: Any, tmp_path: Path, demo_raw: dict[str, Any]
) -> None:
    broken = json.loads(json.dumps(demo_raw))
    broken["edges"][0]["to"] = "main-1-nowhere"
    broken["nodes"][3]["x"] = "far"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    code, _, err = run(capsys, "validate", path)
    assert code == 2
    assert "$.nodes[3].x [main-1-spine-55]" in err
    assert "Traceback" not in err
    broken["nodes"][3]["x"] = 55
    path.write_text(json.dumps(broken))
    code, _, err = run(capsys, "validate", path)
    assert code == 2
    assert "$.edges[0].to [main-1-spine-10--main-1-spine-25]: unknown node 'main-1-nowhere'" in err


def test_validate_reports_graph_errors_with_exit_2(
    capsys: Any, tmp_path: Path, plan_builder: Any
) -> None:
    builder = plan_builder().node("a", 0, 0, kind="kiosk").node("b", 10, 0).node("c", 20, 0)
    builder.edge("a", "b").edge("b", "c", one_way=True).kiosk("k", "a", 0)
    code, _, err = run(capsys, "validate", builder.write(tmp_path / "trap.json"))
    assert code == 2
    assert "one-way trap" in err and "[b--c]" in err


def test_route_text(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "route",
        demo_path,
        "--from",
        "main-lobby",
        "--to",
        "imaging",
        "--profile",
        "step-free",
    )
    assert code == 0
    assert "Take Elevator A down to Level LG." in out
    assert "Imaging is on your right." in out
    assert out.startswith("About 2 min")


def test_route_json_keys(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(
        capsys, "route", demo_path, "--from", "east-lobby", "--to", "cardiology", "--json"
    )
    assert code == 0
    document = json.loads(out)
    assert {
        "from",
        "to",
        "profile",
        "nodes",
        "length_m",
        "duration_s",
        "floors",
        "steps",
    } <= document.keys()
    assert (document["from"], document["to"], document["profile"]) == (
        "east-lobby",
        "cardiology",
        "standard",
    )
    assert document["nodes"][0] == "east-1-lobby"
    assert document["floors"][0] == "east-1" and document["floors"][-1] == "main-2"
    assert all({"text", "floor"} <= step.keys() for step in document["steps"])
    assert document["length_m"] > 0 and document["duration_s"] > 0


def test_route_in_spanish_from_a_node_to_a_typed_name(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "route",
        demo_path,
        "--from",
        "main-2-spine-10",
        "--to",
        "x-ray",
        "--lang",
        "es",
        "--json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["to"] == "imaging"
    assert document["steps"][-1]["text"] == "Imagen está a su derecha."


def test_route_exit_codes(
    capsys: Any, tmp_path: Path, demo_raw: dict[str, Any], demo_path: Path
) -> None:
    closed = json.loads(json.dumps(demo_raw))
    closed["closures"] = [
        {"id": "lift-b-inspection", "element": "elevators-b", "reason": "Annual inspection"}
    ]
    path = tmp_path / "closed.json"
    path.write_text(json.dumps(closed))
    code, _, err = run(
        capsys,
        "route",
        path,
        "--from",
        "east-lobby",
        "--to",
        "childrens-ward",
        "--profile",
        "step-free",
    )
    assert (code, err.strip()) == (
        3,
        "No step-free route while Elevator B is closed. "
        "1 way has stairs or an escalator (Stair 3).",
    )
    code, _, err = run(
        capsys,
        "route",
        path,
        "--from",
        "east-lobby",
        "--to",
        "childrens-ward",
        "--profile",
        "step-free",
        "--lang",
        "es",
    )
    assert code == 3 and "elevador B" in err
    code, _, err = run(capsys, "route", demo_path, "--from", "nowhere", "--to", "imaging")
    assert code == 2 and "unknown kiosk or node: 'nowhere'" in err
    code, _, err = run(
        capsys, "route", demo_path, "--from", "main-lobby", "--to", "sterile-processing"
    )
    assert code == 2 and "unknown destination" in err
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "route",
                str(demo_path),
                "--from",
                "main-lobby",
                "--to",
                "imaging",
                "--profile",
                "flying",
            ]
        )
    assert exited.value.code == 2


def test_search_commands(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(capsys, "search", demo_path, "blood draw")
    assert code == 0 and out.startswith("laboratory\t")
    code, out, _ = run(capsys, "search", demo_path, "sterile processing")
    assert code == 2 and out == ""
    code, out, _ = run(capsys, "search", demo_path, "--category", "restroom")
    assert code == 0 and len(out.splitlines()) == 8
    code, out, _ = run(
        capsys, "search", demo_path, "--category", "restroom", "--from", "east-lobby"
    )
    assert code == 0 and out.startswith("restroom-east-1\t")
    code, out, _ = run(capsys, "search", demo_path, "--directory", "--lang", "es")
    assert code == 0 and out.startswith("A\n")


def test_render_floor_and_route_maps(capsys: Any, demo_path: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "render", demo_path, "--out-dir", tmp_path, "--floor", "main-lg")
    assert code == 0
    assert (tmp_path / "main-lg.svg").read_text().startswith("<svg")
    code, out, _ = run(
        capsys,
        "render",
        demo_path,
        "--out-dir",
        tmp_path / "route",
        "--from",
        "main-lobby",
        "--to",
        "maternity",
        "--width",
        "576",
    )
    assert code == 0
    written = [Path(line) for line in out.splitlines()]
    pngs = [p for p in written if p.suffix == ".png"]
    assert len(pngs) == len([p for p in written if p.suffix == ".svg"]) >= 2
    with Image.open(pngs[0]) as image:
        assert image.mode == "1" and image.width == 576
    code, _, err = run(capsys, "render", demo_path, "--out-dir", tmp_path, "--floor", "roof")
    assert code == 2 and "unknown floor 'roof'" in err


def test_export_graph_is_node_link_json(capsys: Any, demo_path: Path) -> None:
    code, out, _ = run(capsys, "export-graph", demo_path)
    assert code == 0
    graph = nx.node_link_graph(json.loads(out), edges="edges")
    node = graph.nodes["main-1-lobby"]
    assert {"floor", "x", "y", "kind"} <= node.keys() and node["kind"] == "kiosk"
    edge = graph.edges["main-1-stair-1", "main-2-stair-1"]
    assert edge["kind"] == "stairs" and edge["step_free"] is False and edge["length_m"] > 0
    assert "one_way" in edge
    code, out, _ = run(capsys, "export-graph", demo_path, "--profile", "step-free")
    step_free = nx.node_link_graph(json.loads(out), edges="edges")
    assert not step_free.has_edge("main-1-stair-1", "main-2-stair-1")
    assert all(
        data["step_free"] and data["cost_s"] > 0 for _, _, data in step_free.edges(data=True)
    )
    assert step_free.number_of_nodes() == graph.number_of_nodes()


def test_python_dash_m_entry_point(demo_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wayfinding",
            "route",
            str(demo_path),
            "--from",
            "main-lobby",
            "--to",
            "chapel",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Chapel" in done.stdout


@pytest.mark.parametrize("query", [("sterile processing",), ("zzqx",), ("--category", "helipad")])
def test_search_without_hits_says_no_match(
    capsys: Any, demo_path: Path, query: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "search", demo_path, *query)
    assert code == 2 and out == ""
    assert "no match" in err
