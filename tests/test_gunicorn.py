"""The documented production command serves Lobby with two workers against PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

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
    command = [
        str(GUNICORN),
        "--workers",
        "2",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "kiosk:create_app()",
    ]
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
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
