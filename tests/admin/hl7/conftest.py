"""Fixtures of the HL7 listener tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.admin.hl7.listener_process import ListenerProcess


@pytest.fixture
def start_listener(
    app: Flask, database_url: str, tmp_path: Path
) -> Iterator[Callable[..., ListenerProcess]]:
    """Start listeners on the test's database (`settings` become LOBBY_* variables); each is
    stopped at the end, before `app` empties the database."""
    started: list[ListenerProcess] = []

    def start(**settings: str) -> ListenerProcess:
        listener = ListenerProcess(database_url, tmp_path / f"listener-{len(started)}", **settings)
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.stop()


# Small enough to test the size limit with a padded message, idle limit short enough to wait for.
SHARED_SETTINGS = {"HL7_MAX_MESSAGE_BYTES": "4000", "HL7_IDLE_TIMEOUT_SECONDS": "2"}


@pytest.fixture(scope="session")
def shared_listener(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ListenerProcess]:
    """One listener per database for the whole run (starting a process costs seconds); the
    tests' `app` empties the database between them, which the listener does not notice."""
    listener = ListenerProcess(database_url, tmp_path_factory.mktemp("listener"), **SHARED_SETTINGS)
    yield listener
    listener.stop()
