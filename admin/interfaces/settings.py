"""Outbound interface settings: defaults in `kiosk.config.DEFAULTS`, read once per worker or
screen. A malformed `HL7_OUTBOUND_URL` or an unknown `HL7_ARRIVAL_MESSAGE` stops the start with
the reason, rather than failing every check-in's message later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from kiosk.config import DEFAULTS
from kiosk.outbox.enqueue import ARRIVAL_MESSAGE_TYPES, UnknownArrivalMessage


class InterfaceUrlError(ValueError):
    """`HL7_OUTBOUND_URL` is not `mllp://host:port`."""


@dataclass(frozen=True)
class InterfaceSettings:
    """Where messages go and how hard the worker tries."""

    host: str
    port: int
    timeout: float
    max_attempts: int
    backoff_base: float
    backoff_cap: float
    poll_seconds: float
    lease_seconds: float
    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> InterfaceSettings:
        """The settings in `config`; raises InterfaceUrlError when no usable URL is set."""

        def setting(key: str) -> Any:
            return config.get(key, DEFAULTS[key])

        host, port = mllp_address(str(setting("HL7_OUTBOUND_URL")))
        return cls(
            host=host,
            port=port,
            timeout=float(setting("HL7_TIMEOUT_SECONDS")),
            max_attempts=max(1, int(setting("HL7_MAX_ATTEMPTS"))),
            backoff_base=float(setting("HL7_BACKOFF_BASE_SECONDS")),
            backoff_cap=float(setting("HL7_BACKOFF_CAP_SECONDS")),
            poll_seconds=float(setting("HL7_POLL_SECONDS")),
            lease_seconds=float(setting("HL7_LEASE_SECONDS")),
            sending_application=str(setting("HL7_SENDING_APPLICATION")),
            sending_facility=str(setting("HL7_SENDING_FACILITY") or config.get("FACILITY_NAME")),
            receiving_application=str(setting("HL7_RECEIVING_APPLICATION")),
            receiving_facility=str(setting("HL7_RECEIVING_FACILITY")),
        )


def mllp_address(url: str) -> tuple[str, int]:
    """Host and port of `mllp://host:port`; raises InterfaceUrlError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InterfaceUrlError("HL7_OUTBOUND_URL has an invalid port") from None
    if parts.scheme != "mllp" or not parts.hostname or port is None:
        raise InterfaceUrlError("HL7_OUTBOUND_URL must look like mllp://host:port")
    return parts.hostname, port


def current_settings() -> InterfaceSettings:
    """Settings of the current Flask application."""
    return InterfaceSettings.from_config(current_app.config)


def check_configuration(config: Mapping[str, Any]) -> None:
    """Refuse to start with an outbound interface configured wrongly (raises ValueError)."""
    if not str(config.get("HL7_OUTBOUND_URL", "")).strip():
        return
    InterfaceSettings.from_config(config)
    arrival = str(config.get("HL7_ARRIVAL_MESSAGE", "")).strip().upper()
    if arrival not in ARRIVAL_MESSAGE_TYPES:
        raise UnknownArrivalMessage(arrival)
