"""What the server benchmarks share: a free loopback port for gunicorn, and whether the server
on it is ready (`/healthz` answers 200: database reachable, schema current)."""

from __future__ import annotations

import http.client
import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    """`/healthz` on `port` answers 200."""
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()
