"""Configuration: defaults in code, `instance/config.py` for the site, `LOBBY_*` environment
variables for deployments, and a dict for tests — later sources win.

Secrets are never defaulted: the first start writes a random secret key into the instance
folder (readable by the service user only), unless `LOBBY_SECRET_KEY` provides one.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "LOBBY_"
# What the operating system says the local time zone is (a link into the zone database).
LOCALTIME = Path("/etc/localtime")

# Environment names that map onto Flask/extension keys with another name.
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}

DEFAULTS: dict[str, Any] = {
    # "development" only turns on debug when FLASK_DEBUG asks for it; never in production.
    "ENV_NAME": "production",
    # Empty: taken from the published floorplan's facility.
    "FACILITY_NAME": "",
    "HELP_DESK_PHONE": "",
    "LANGUAGES": {"en": "English", "es": "Español"},
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
    # Uploads (insurance cards) are re-encoded server-side; 12 MiB fits a phone photo.
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # A kiosk page may sit idle for hours: the CSRF token must not expire on its own.
    "WTF_CSRF_TIME_LIMIT": None,
    # No Referer check over HTTPS: the kiosk sends no Referer (Referrer-Policy: no-referrer), so it
    # would refuse every POST; kiosk.shell.security checks Sec-Fetch-Site / Origin instead.
    "WTF_CSRF_SSL_STRICT": False,
    "SESSION_COOKIE_NAME": "lobby_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # Seconds without a touch before the countdown, then seconds of countdown before reset.
    "IDLE_SECONDS": 90,
    "IDLE_COUNTDOWN_SECONDS": 15,
    # The server forgets an idle session this long after the screen should have reset itself,
    # so the screen's own reset request still finds its session (and CSRF token) alive.
    "IDLE_SERVER_GRACE_SECONDS": 30,
    # A new session also ends expired ones, at most this often per app server process.
    "SESSION_PURGE_EVERY_SECONDS": 60,
    # Staff sessions: signed out after this long without a request, and at the latest after this.
    "STAFF_SESSION_IDLE_MINUTES": 15,
    "STAFF_SESSION_MAX_HOURS": 12,
    # Staff sign-in throttle (admin/auth/throttle.py): failed steps (password or code) one
    # account, or one address, may have in any window of so many minutes.
    "STAFF_SIGNIN_ACCOUNT_LIMIT": 5,
    "STAFF_SIGNIN_ADDRESS_LIMIT": 20,
    "STAFF_SIGNIN_WINDOW_MINUTES": 15,
    # The issuer an authenticator app shows next to a staff member's codes.
    "SECURITY_TOTP_ISSUER": "Lobby",
    "DEVICE_COOKIE_NAME": "lobby_kiosk",
    "DEVICE_COOKIE_DAYS": 5 * 365,
    # Waiting-room boards (admin/board): their own device cookie (never a kiosk's), named areas
    # of several departments, e.g. {"east-wing": {"departments": ["imaging", "laboratory"],
    # "title": {"en": "East wing", "es": "Ala este"}}} (every department code is an area of its
    # own too), how often a board asks for news, how many past calls it lists, and whether it
    # chimes on a new call.
    "BOARD_COOKIE_NAME": "lobby_board",
    "BOARD_AREAS": {},
    "BOARD_POLL_SECONDS": 2,
    "BOARD_RECENT_CALLS": 5,
    "BOARD_CHIME": True,
    # The desks and rooms a coordinator may call a ticket to (the board shows the name), and how
    # often the coordinator's Today screen asks for news.
    "DESKS": ["Desk 1", "Desk 2", "Desk 3", "Desk 4", "Room 1", "Room 2", "Room 3"],
    "QUEUE_POLL_SECONDS": 2,
    "ENROLMENT_LINK_HOURS": 24,
    # Base URL printed in enrolment links and QR codes; falls back to the request's host.
    "PUBLIC_BASE_URL": "",
    # Number of reverse proxies in front of Lobby whose X-Forwarded-* headers are trusted.
    "PROXY_FIX_HOPS": 0,
    "LOG_LEVEL": "INFO",
    # The facility's time zone (IANA name): "today", appointment windows and the times patients
    # see follow it. Empty: this server's own zone (see `facility_timezone_name`).
    "FACILITY_TIMEZONE": "",
    # Check-in opens this long before an appointment and closes this long after its start.
    "CHECKIN_EARLY_MINUTES": 60,
    "CHECKIN_LATE_MINUTES": 30,
    # The order of the date-of-birth boxes, as people of the facility's locale write a date:
    # "MDY" (Month / Day / Year, US), "DMY" or "YMD".
    "BIRTH_DATE_ORDER": "MDY",
    # A patient's whole check-in may take at most this long before the screen starts over.
    "CHECKIN_MAX_SECONDS": 600,
    # Every identity lookup takes at least this long, whatever its outcome (no timing oracle).
    "IDENTIFY_MIN_SECONDS": 0.25,
    # Lookup throttle (kiosk/checkin/throttle.py): failed lookups a kiosk may have in any window
    # of so many minutes, and one typed last name across all kiosks; staff are alerted when one
    # kiosk reaches THROTTLE_ALERT_FAILURES within THROTTLE_ALERT_WINDOW_MINUTES.
    "THROTTLE_KIOSK_FAILURES": 12,
    "THROTTLE_KIOSK_WINDOW_MINUTES": 10,
    "THROTTLE_NAME_FAILURES": 5,
    "THROTTLE_NAME_WINDOW_MINUTES": 60,
    "THROTTLE_ALERT_FAILURES": 10,
    "THROTTLE_ALERT_WINDOW_MINUTES": 60,
    "PRIVACY_NOTICE_VERSION": "2026-01",
    # Walk-ins one kiosk may register in any window of so many minutes before it sends people to
    # the desk and alerts staff (each is a patient row and a printed ticket).
    "WALK_IN_LIMIT": 6,
    "WALK_IN_WINDOW_MINUTES": 10,
    # Version of each purpose's key derived from SECRET_KEY (kiosk/keys.py); bump one to rotate
    # that key alone, e.g. {"csrf": 2}. Unlisted purposes are at version 1.
    "KEY_VERSIONS": {},
    # Card images and signatures: where the encrypted files live (empty: <instance>/protected)
    # and how many days they are kept.
    "PROTECTED_FILES_DIR": "",
    "CARD_IMAGE_RETENTION_DAYS": 30,
    # The published floorplan (empty: the synthetic demo hospital) and where a browser that is
    # not an enrolled kiosk stands (empty: the floorplan's first kiosk).
    "FLOORPLAN_PATH": "",
    # Serve a floorplan that fails validation (its errors are shown in /healthz) instead of
    # refusing to start. Only for an emergency: routes may then be missing or wrong.
    "ALLOW_INVALID_FLOORPLAN": False,
    # How often each process asks the database whether staff published a newer floorplan
    # version (one indexed row); a new version serves everywhere within about this long plus
    # its build time.
    "FLOORPLAN_CHECK_SECONDS": 1.0,
    # The largest floorplan file the staff import screen accepts (the request limit,
    # MAX_CONTENT_LENGTH, caps it too); bigger campuses are imported with `flask floorplan import`.
    "FLOORPLAN_IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "DEFAULT_KIOSK_PLACE": "",
    # How long a directions QR link works.
    "PHONE_LINK_HOURS": 4,
    # Anonymous wayfinding analytics (searches, routes shown, printed, opened on a phone) are
    # deleted after this many days by `flask housekeeping`.
    "WAYFINDING_EVENT_RETENTION_DAYS": 365,
    # Days a print job keeps its receipt bytes (~60 kB with a map) after it ended; the row
    # itself stays for the history. `flask housekeeping` drops them.
    "PRINT_JOB_RETENTION_DAYS": 7,
    # The print queue and printers (read by kiosk.printing.settings):
    # Connect, send and status-read timeout per operation.
    "PRINTER_TIMEOUT_SECONDS": 5.0,
    # After this many attempts a job is marked failed (staff can reprint it).
    "PRINT_MAX_ATTEMPTS": 5,
    # Retry n waits base * 2**(n-1) seconds, at most the cap: 2, 4, 8, 16 s by default.
    "PRINT_BACKOFF_BASE_SECONDS": 2.0,
    "PRINT_BACKOFF_CAP_SECONDS": 60.0,
    # A job still "printing" this long after it was claimed belonged to a worker that died.
    "PRINT_LEASE_SECONDS": 120.0,
    # How often an idle worker looks for due jobs.
    "PRINT_POLL_SECONDS": 1.0,
    # How often an idle worker asks an offline printer whether it is back.
    "PRINTER_PROBE_SECONDS": 30.0,
    # Where dummy:// writes receipts; empty means <instance>/receipts.
    "PRINT_RECEIPTS_FOLDER": "",
    # How often `flask print-worker --all` looks for printers of newly enrolled kiosks.
    "PRINT_DISCOVERY_SECONDS": 60.0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # PostgreSQL connection pool, per worker process (see database_pool_options). A request may
    # hold two connections at once (its ORM session, and the session purge on its own), so
    # `POOL_SIZE` = 2 × gunicorn threads (4) keeps every connection open and reused. Overflow
    # connections are closed when returned and opened again for the next request (SQLAlchemy's
    # default of 5 did that 20–40 times a minute at 50 kiosks: bench/bench_scale.py). Budget:
    # app servers × workers × (size + overflow) must stay below PostgreSQL's max_connections
    # (100 by default) minus what staff tools and print workers use: 2 × 2 × 12 = 48 here.
    "DATABASE_POOL_SIZE": 8,
    "DATABASE_POOL_MAX_OVERFLOW": 4,
    # Seconds to wait for a free connection before the request fails (a 500, logged).
    "DATABASE_POOL_TIMEOUT": 10,
    # Reopen connections older than this (firewalls and poolers drop idle ones); -1: never.
    "DATABASE_POOL_RECYCLE": 1800,
    # Compression (kiosk.shell.compression): Brotli first, it is the smallest for these files.
    "COMPRESS_ALGORITHM": ["br", "gzip", "zstd", "deflate"],
    # Redis (`redis://host:6379/0`) shared by every app server: rate-limit counters. Empty: the
    # one-box installation counts in memory.
    "REDIS_URL": "",
    # Keys in Redis start with this, so several Lobby sites can share one Redis.
    "RATE_LIMIT_KEY_PREFIX": "lobby",
    # Per endpoint, per enrolled kiosk (else per address): see kiosk.shell.rate_limits and the
    # README's security section. Generous for people, tight enough to stop scripts.
    "RATE_LIMITS": {
        # Search as you type: a fast typist sends a few keys a second.
        "find.search": "120 per minute",
        # Phones open directions and ticket pages; many phones may share one address (NAT), and
        # the ticket page polls every 30 s.
        "phone.route": "120 per minute",
        "ticket_status.show": "300 per minute",
        # Enrolment links: staff open a handful a day.
        "enrolment.confirm": "10 per minute",
        "enrolment.enrol": "10 per minute",
        # Check-in lookups, on top of the failed-lookup throttle: a patient needs a few.
        "checkin.by_code": "30 per minute",
        "checkin.by_code_photo": "30 per minute",
        "checkin.by_name": "30 per minute",
        "checkin.birth_date": "30 per minute",
        # "Call staff" on a kiosk's help screen: a second press while the call is open changes
        # nothing anyway.
        "alerts.call_staff": "10 per minute",
        # Staff sign-in steps, per address, in front of the per-account throttle.
        "security.login": "30 per minute",
        "security.two_factor_token_validation": "30 per minute",
    },
}


def default_database_url(instance_path: str) -> str:
    """SQLite in the instance folder: the one-box installation needs no database server."""
    return "sqlite:///" + str(Path(instance_path) / "lobby.sqlite")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (`postgresql://...`)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_pool_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Engine options for the connection pool from the `DATABASE_POOL_*` settings (PostgreSQL
    only: SQLite's pools take none of them); `SQLALCHEMY_ENGINE_OPTIONS` entries win."""
    options: dict[str, Any] = {}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = {
            "pool_size": int(config["DATABASE_POOL_SIZE"]),
            "max_overflow": int(config["DATABASE_POOL_MAX_OVERFLOW"]),
            "pool_timeout": float(config["DATABASE_POOL_TIMEOUT"]),
            "pool_recycle": int(config["DATABASE_POOL_RECYCLE"]),
        }
    return {**options, **config["SQLALCHEMY_ENGINE_OPTIONS"]}


def parse_env_value(raw: str) -> Any:
    """Read numbers, booleans and JSON objects from the environment; anything else is text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Collect `LOBBY_*` variables as configuration keys (`LOBBY_IDLE_SECONDS=60`)."""
    settings: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "LOBBY_INSTANCE_PATH":
            continue
        key = name[len(ENV_PREFIX) :]
        # Secrets and URLs stay text even when they happen to look like JSON.
        textual = key in ENV_ALIASES or key.endswith(("_KEY", "_URL", "_URI", "_PHONE"))
        settings[ENV_ALIASES.get(key, key)] = raw if textual else parse_env_value(raw)
    return settings


PRIVATE_FOLDER_MODE = 0o700


def make_private_folder(folder: Path) -> None:
    """Create the instance folder for the service user only (it holds the database, keys and
    uploads), and tighten one left readable by an earlier version."""
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    if folder.stat().st_uid == os.geteuid():
        folder.chmod(PRIVATE_FOLDER_MODE)


def instance_secret(instance_path: str, filename: str) -> str:
    """Return a 256-bit random secret (64 hex digits) kept in the instance folder, creating it
    on first start with permissions for the service user only.

    `O_EXCL` makes concurrent first starts (several gunicorn workers) agree on one value.
    """
    key_file = Path(instance_path) / filename
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class TimezoneRefused(SystemExit):
    """`FACILITY_TIMEZONE` names no time zone: refuse to start with the reason, rather than
    answer every screen that shows a time with an error."""


def is_timezone_name(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows ("America/Chicago")."""
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


def server_timezone_name(environ: Mapping[str, str], localtime: Path = LOCALTIME) -> str:
    """The zone this server's clock is set to: `TZ`, else the zone /etc/localtime links to,
    else UTC. A server in the hospital (or its data centre) is set to the local zone far more
    often than not, so it is a better guess for the facility than UTC."""
    candidates = [environ.get("TZ", "").removeprefix(":")]
    try:
        candidates.append(os.readlink(localtime).partition("zoneinfo/")[2])
    except OSError:
        pass
    return next((name for name in candidates if name and is_timezone_name(name)), "UTC")


def facility_timezone_name(
    configured: str, environ: Mapping[str, str], *, warn_if_guessed: bool
) -> str:
    """The facility's zone: `FACILITY_TIMEZONE` when set (refused if it names no zone), else
    this server's zone — with a warning in production, where staff should set it; the one-box
    demo on a laptop is right to follow the laptop's zone and says nothing."""
    if configured:
        if not is_timezone_name(configured):
            raise TimezoneRefused(
                f"FACILITY_TIMEZONE={configured!r} is not a time zone; use an IANA name such"
                " as America/Chicago (see `timedatectl list-timezones`)."
            )
        return configured
    chosen = server_timezone_name(environ)
    if not warn_if_guessed:
        return chosen
    log.warning(
        "FACILITY_TIMEZONE is not set: times follow this server's zone, %s. Set"
        " LOBBY_FACILITY_TIMEZONE if the facility is elsewhere.",
        chosen,
    )
    return chosen


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill `app.config` from the four sources in order of precedence."""
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = default_database_url(app.instance_path)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(settings_from_environment(os.environ))
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database_pool_options(app.config)
    app.config["FACILITY_TIMEZONE"] = facility_timezone_name(
        app.config["FACILITY_TIMEZONE"],
        os.environ,
        warn_if_guessed=app.config["ENV_NAME"] == "production",
    )
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["FACILITY_TIMEZONE"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path, "secret_key")
    # The Werkzeug debugger executes code from the browser: never outside development.
    if app.config["ENV_NAME"] != "development":
        app.debug = False
