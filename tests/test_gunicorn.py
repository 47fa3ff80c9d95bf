"""The documented production command serves Lobby with two workers against PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from admin.floorplans.publishing import publish_document
from kiosk.floorplan import DEMO_FLOORPLAN
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria, without_elevators

GUNICORN = Path(sys.executable).parent / "gunicorn"
STARTUP_LIMIT_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def gunicorn_command(port: int) -> list[str]:
    """The production command of the README, on `port`."""
    return [
        str(GUNICORN),
        "--preload",
        "--workers",
        "2",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "kiosk:create_app()",
    ]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_gunicorn_serves_two_workers_on_postgresql(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "LOBBY_DATABASE_URL": database_url,
        "LOBBY_INSTANCE_PATH": str(tmp_path),
    }
    server = subprocess.Popen(gunicorn_command(port), env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        status, body = fetch(f"http://127.0.0.1:{port}/healthz")
        while status != 200 and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
            status, body = fetch(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body
        assert '"up_to_date":true' in body
        home_status, home = fetch(f"http://127.0.0.1:{port}/")
        assert home_status == 200 and "Check in for an appointment" in home
        # Both workers share the generated secret key, so either can check the other's forms.
        assert (tmp_path / "secret_key").exists()
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert log.count("Booting worker") == 2, log


def test_gunicorn_refuses_to_serve_a_broken_floorplan(tmp_path: Path) -> None:
    """The server stops at start with the reasons, before any patient meets a broken map."""
    plan = json.loads(DEMO_FLOORPLAN.read_text())
    plan["edges"] = plan["edges"][:3]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(plan))
    env = {
        **os.environ,
        "LOBBY_DATABASE_URL": "sqlite:///" + str(tmp_path / "lobby.sqlite"),
        "LOBBY_INSTANCE_PATH": str(tmp_path),
        "LOBBY_FLOORPLAN_PATH": str(broken),
    }
    server = subprocess.run(
        gunicorn_command(free_port()), env=env, capture_output=True, text=True, timeout=120
    )
    assert server.returncode != 0
    assert "will not publish the floorplan" in server.stderr and "fails validation" in server.stderr
    assert "Traceback" not in server.stderr


def healthz_number(port: int) -> int | None:
    """The stored floorplan version the answering worker serves (None: the file, or no
    answer)."""
    status, body = fetch(f"http://127.0.0.1:{port}/healthz")
    return json.loads(body)["floorplan"]["published_number"] if status == 200 else None


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_both_workers_serve_a_version_published_while_they_run(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    """The stored live version serves from the start (its read at start must not leave a
    connection the forked workers would share), and one published later reaches every worker
    without a restart."""
    with app.app_context():
        publish_document(
            renamed_cafeteria(), staff_id=None, note="", origin="editor", expected_live=None
        )
    port = free_port()
    env = {**os.environ, "LOBBY_DATABASE_URL": database_url, "LOBBY_INSTANCE_PATH": str(tmp_path)}
    server = subprocess.Popen(gunicorn_command(port), env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while healthz_number(port) != 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=8) as pool:
            pages = list(pool.map(fetch, [f"http://127.0.0.1:{port}/find/to/cafeteria"] * 40))
        assert all(status == 200 and "Garden Café" in page for status, page in pages)
        with app.app_context():
            publish_document(
                without_elevators(), staff_id=None, note="", origin="editor", expected_live=2
            )
        # Every worker: a run of answers all from version 3 (each poll is a new connection,
        # which either worker may take).
        answers: list[int | None] = []
        deadline = time.monotonic() + 120
        while answers[-20:] != [3] * 20 and time.monotonic() < deadline:
            answers.append(healthz_number(port))
        assert answers[-20:] == [3] * 20, answers[-40:]
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert "Traceback" not in log, log[-3000:]
