"""`flask housekeeping`: the one command a hospital runs from cron (or a systemd timer) to
forget what Lobby no longer needs — expired sessions, expired phone links, card images past
their retention, old print jobs and analytics.

Each feature registers its own purge here, so the command grows with the features and the shell
knows none of them. Run it every few minutes; every task is cheap when there is nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from kiosk.database import checkpoint_sqlite_log
from kiosk.models.types import utcnow
from kiosk.shell.sessions import purge_expired_sessions

# A task gets the current time and returns one line for the operator ("3 expired sessions").
HousekeepingTask = Callable[[datetime], str]
_tasks: list[HousekeepingTask] = []


def housekeeping_task(task: HousekeepingTask) -> HousekeepingTask:
    """Register `task` to run on every `flask housekeeping`. Usable as a decorator."""
    if task not in _tasks:
        _tasks.append(task)
    return task


@housekeeping_task
def forget_expired_sessions(now: datetime) -> str:
    """Sessions past their policy, with their end hooks (a screen that lost power)."""
    return f"{purge_expired_sessions(now)} expired session(s) ended."


@click.command("housekeeping")
@with_appcontext
def housekeeping_command() -> None:
    """Purge what is no longer needed: expired sessions and links, old files, jobs and events."""
    now = utcnow()
    for task in _tasks:
        click.echo(task(now))
    # Last, so what the tasks above deleted leaves SQLite's log too.
    click.echo(checkpoint_sqlite_log())


def init_app(app: Flask) -> None:
    """Register the `flask housekeeping` command."""
    app.cli.add_command(housekeeping_command)
