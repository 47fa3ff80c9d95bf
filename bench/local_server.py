"""What the server benchmarks share: an empty PostgreSQL database, a free loopback port for
gunicorn, and whether the server on it is ready (`/healthz` answers 200: database reachable,
schema current)."""

from __future__ import annotations

import http.client
import socket

import psycopg

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


def empty_postgresql_database(server_url: str, name: str) -> str:
    """The URL of database `name` on `server_url`, created if missing, with an empty public
    schema (a bench run never meets a previous run's rows)."""
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{server_url}/{name}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return url
