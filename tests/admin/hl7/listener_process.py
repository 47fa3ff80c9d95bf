"""The MLLP listener as production runs it: `flask --app kiosk hl7 listen --port 0` in its own
process on the test's database, its bound port read from the line it prints when ready."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FLASK = Path(sys.executable).parent / "flask"
LISTEN_COMMAND = (str(FLASK), "--app", "kiosk", "hl7", "listen", "--port", "0")
READY = re.compile(r"HL7 listener on 127\.0\.0\.1:(\d+)")
STARTUP_LIMIT_S = 60.0
STOP_LIMIT_S = 30.0


class ListenerProcess:
    """One listener process (the production command unless the benchmark runs its naive one);
    output goes to files (a full pipe could stall the listener)."""

    def __init__(
        self,
        database_url: str,
        folder: Path,
        command: tuple[str, ...] = LISTEN_COMMAND,
        **settings: str,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.stdout_path, self.stderr_path = folder / "stdout.txt", folder / "stderr.txt"
        env = {
            **os.environ,
            "LOBBY_DATABASE_URL": database_url,
            "LOBBY_INSTANCE_PATH": str(folder),
            "LOBBY_SECRET_KEY": "test-secret-key-not-for-production",
            "LOBBY_FACILITY_TIMEZONE": "America/Chicago",
            **{f"LOBBY_{name}": value for name, value in settings.items()},
        }
        with self.stdout_path.open("w") as stdout, self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
        self.port = self.wait_until_ready()

    def wait_until_ready(self) -> int:
        """The port from the ready line, polled until the deadline."""
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            ready = READY.search(self.stdout_path.read_text())
            if ready:
                return int(ready.group(1))
            time.sleep(0.05)
        self.process.kill()
        self.process.wait()
        pytest.fail(f"the listener did not start:\n{self.stderr_path.read_text()}")

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_LIMIT_S)

    def kill(self) -> None:
        """kill -9: no handler runs, nothing is flushed or closed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_LIMIT_S)

    @property
    def log(self) -> str:
        """Everything the listener logged so far."""
        return self.stderr_path.read_text()
