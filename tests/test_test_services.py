"""`make test` on a fresh machine: the services check stops before any test, with the command.

The script runs with a PATH of stand-in commands, as a developer without root and without
PostgreSQL or Redis has it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "test-services"
BASIC_TOOLS = ["bash", "ls", "seq", "sort", "tail", "sleep", "sed", "mkdir", "cat"]
INSTALL_COMMAND = "sudo apt-get install -y postgresql redis-server"


def fake_machine(tmp_path: Path, commands: dict[str, str]) -> dict[str, str]:
    """An environment whose PATH holds the basic tools and the given stand-ins, as a user."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in BASIC_TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    for name, body in {"id": "echo 1000", **commands}.items():
        stand_in = bin_dir / name
        stand_in.write_text(f"#!/bin/sh\n{body}\n")
        stand_in.chmod(0o755)
    config_dir = tmp_path / "etc-postgresql"
    config_dir.mkdir()
    return {"PATH": str(bin_dir), "POSTGRES_CONFIG_DIR": str(config_dir), "HOME": str(tmp_path)}


def run_script(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "installed",
    [{}, {"pg_isready": "exit 0"}],
    ids=["nothing-installed", "postgresql-only"],
)
def test_without_root_it_stops_with_the_one_install_command(
    tmp_path: Path, installed: dict[str, str]
) -> None:
    result = run_script(fake_machine(tmp_path, installed))
    assert result.returncode == 1
    assert INSTALL_COMMAND in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_with_both_services_running_it_lets_the_tests_start(tmp_path: Path) -> None:
    running = {"pg_isready": "exit 0", "redis-cli": "echo PONG"}
    result = run_script(fake_machine(tmp_path, running))
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL and Redis are running" in result.stdout


def test_make_test_checks_the_services_before_running_any_test() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MAKEFLAGS": ""},
    ).stdout.splitlines()
    services = next(i for i, line in enumerate(dry_run) if "test-services" in line)
    pytest_run = next(i for i, line in enumerate(dry_run) if line.endswith("bin/pytest"))
    assert services < pytest_run
