"""Verifying the audit log's hash chain: 1,000,000 sealed rows, on SQLite and on PostgreSQL,
with Lobby's verification beside the naive one in one run.

What is measured. A fresh database gets N synthetic audit rows (made-up patient ids, staff ids
and ticket labels; no real data), sealed exactly as the application seals them (the same
canonical encoding and HMAC, the `audit_chain` key of a bench secret) and written in bulk with
SQLAlchemy Core (executemany / multi-row INSERT), with the chain head set to the last row.

- Lobby's way is `kiosk.audit.verify.verify_chain`, what `flask audit verify` runs: one
  statement streamed in sequence order (a server-side cursor on PostgreSQL), plain tuples
  handled in batches of 10,000, each row's HMAC checked against the stored hash of the row
  before it.
- The naive way reads the log as a web view would: one ORM query per sequence number
  (`select(AuditEvent).where(sequence == n)`), an `AuditEvent` object each, the same HMAC
  check. It is measured on the first `--naive-rows` rows only (at its speed a million rows
  would take many minutes); the table gives its rows/s and what a million rows would take at
  that rate.

Reported: rows verified, seconds, rows per second. The target is under a minute for 1,000,000
rows on each database. Both ways must find the chain intact. The machine's CPUs are shared with
the database server: absolute numbers are for this box; the side-by-side in one run is the point.

Databases: SQLite (Lobby's pragmas) in a temporary instance folder; PostgreSQL database
`lobby_bench_audit` on 127.0.0.1:5432 (user postgres, trust auth), created if missing, its schema
dropped and migrated.

Run:  .venv/bin/python bench/bench_audit_verify.py                 (about 4 minutes on 2 CPUs)
      .venv/bin/python bench/bench_audit_verify.py --rows 100000 --backends sqlite
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# This checkout's code, not whichever the virtualenv was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from local_server import HOST, empty_postgresql_database  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.audit.chain import (  # noqa: E402
    EVENTS,
    GENESIS_HASH,
    HEAD,
    KEY_PURPOSE,
    ChainKeys,
    canonical_row,
    detail_text,
    link_hash,
    moment_text,
)
from kiosk.audit.verify import verify_chain  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.keys import purpose_key  # noqa: E402
from kiosk.models import AuditEvent  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
POSTGRES_URL = f"postgresql://postgres@{HOST}:5432"
POSTGRES_DATABASE = "lobby_bench_audit"
INSERT_BATCH = 10_000
ACTIONS = ("lookup_success", "check_in", "queue_call", "queue_roomed", "full_name_viewed")
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Timing:
    """One way of verifying on one database."""

    backend: str
    way: str
    rows: int
    seconds: float
    intact: bool

    @property
    def rows_per_second(self) -> float:
        """Verified rows per second."""
        return self.rows / self.seconds

    @property
    def million_rows_seconds(self) -> float:
        """What 1,000,000 rows would take at this rate."""
        return 1_000_000 / self.rows_per_second


def bench_app(backend: str, instance: Path) -> Flask:
    """The application on a fresh, migrated database of `backend`."""
    if backend == "postgresql":
        url = empty_postgresql_database(POSTGRES_URL, POSTGRES_DATABASE)
    else:
        url = f"sqlite:///{instance / 'lobby.sqlite'}"
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
            "ENV_NAME": "test",
            "FACILITY_TIMEZONE": "America/Chicago",
        }
    )
    with app.app_context():
        upgrade()
    return app


def synthetic_rows(count: int, key: bytes) -> Iterator[list[dict[str, Any]]]:
    """`count` sealed rows in batches, chained as the application chains them (made-up ids)."""
    previous = GENESIS_HASH
    batch: list[dict[str, Any]] = []
    for sequence in range(1, count + 1):
        row = {
            "sequence": sequence,
            "occurred_at": START + timedelta(seconds=sequence * 2.5),
            "action": ACTIONS[sequence % len(ACTIONS)],
            "kiosk_id": sequence % 40 or None,
            "patient_id": sequence % 90_000 + 1,
            "detail": {"staff_id": sequence % 60 + 1, "ticket": f"R-{sequence % 1000:03d}"},
        }
        encoded = canonical_row(
            sequence,
            moment_text(row["occurred_at"]),
            row["action"],
            row["kiosk_id"],
            row["patient_id"],
            detail_text(row["detail"]),
        )
        previous = link_hash(key, previous, encoded)
        batch.append({**row, "chain_hash": previous, "key_version": 1})
        if len(batch) == INSERT_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(app: Flask, count: int) -> float:
    """Write `count` sealed rows and point the head at the last; the seconds it took."""
    started = time.perf_counter()
    with app.app_context(), db.engine.begin() as connection:
        last_hash = GENESIS_HASH
        for batch in synthetic_rows(count, purpose_key(app, KEY_PURPOSE, 1)):
            connection.execute(insert(EVENTS), batch)
            last_hash = batch[-1]["chain_hash"]
        connection.execute(update(HEAD).values(sequence=count, chain_hash=last_hash))
    return time.perf_counter() - started


def lobby_way(app: Flask, backend: str) -> Timing:
    """`verify_chain` over the whole log."""
    with app.app_context(), db.engine.connect() as connection:
        started = time.perf_counter()
        report = verify_chain(connection, ChainKeys(app))
        seconds = time.perf_counter() - started
    return Timing(
        backend, "Lobby: streamed tuples", report.verified, seconds, not report.first_break
    )


def naive_way(app: Flask, backend: str, rows: int) -> Timing:
    """One ORM query and object per row, the same check, over the first `rows` rows."""
    keys = ChainKeys(app)
    intact = True
    with app.app_context():
        started = time.perf_counter()
        previous = GENESIS_HASH
        for sequence in range(1, rows + 1):
            event = db.session.scalars(
                select(AuditEvent).where(AuditEvent.sequence == sequence)
            ).one()
            encoded = canonical_row(
                event.sequence,
                moment_text(event.occurred_at),
                event.action,
                event.kiosk_id,
                event.patient_id,
                detail_text(event.detail),
            )
            assert event.key_version is not None
            intact = intact and link_hash(keys[event.key_version], previous, encoded) == (
                event.chain_hash
            )
            previous = event.chain_hash or GENESIS_HASH
            db.session.expunge(event)
        seconds = time.perf_counter() - started
        db.session.remove()
    return Timing(backend, "naive: ORM query per row", rows, seconds, intact)


def report(timings: list[Timing], rows: int) -> str:
    """The Markdown table."""
    lines = [
        f"Audit chain verification, {rows:,} sealed rows",
        "",
        "| database | way | rows verified | seconds | rows/s | 1,000,000 rows | chain intact |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        lines.append(
            f"| {t.backend} | {t.way} | {t.rows:,} | {t.seconds:.1f} | {t.rows_per_second:,.0f} "
            f"| {t.million_rows_seconds:,.0f} s | {'yes' if t.intact else 'NO'} |"
        )
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    """--rows, --naive-rows, --backends."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    return parser.parse_args()


def main() -> int:
    """Fill each database, time both ways, print the table; 1 if a chain was not intact."""
    args = parse_arguments()
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="lobby-bench-audit-") as instance:
        os.environ["LOBBY_INSTANCE_PATH"] = instance
        for backend in args.backends:
            app = bench_app(backend, Path(instance))
            filled = fill(app, args.rows)
            print(f"{backend}: {args.rows:,} rows written in {filled:.0f} s", file=sys.stderr)
            timings.append(lobby_way(app, backend))
            timings.append(naive_way(app, backend, min(args.naive_rows, args.rows)))
            with app.app_context():
                db.engine.dispose()
    print(report(timings, args.rows))
    return 0 if all(t.intact for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
