"""Fixtures: a fake interface engine on 127.0.0.1 and the application sending to it."""

from tests.interface_engine import engine, outbound_app  # noqa: F401
