"""What the API tells a client at `GET /fhir/metadata`: a minimal CapabilityStatement naming
the two resources it reads, their searches, and how to authenticate."""

from __future__ import annotations

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from admin.fhir.resources import FHIR_VERSION
from kiosk.shell.links import public_url


def capability_statement() -> CapabilityStatement:
    """A minimal CapabilityStatement: the two resources, their searches, and bearer tokens."""
    date_search = {"name": "date", "type": "date"}
    return CapabilityStatement.model_validate(
        {
            "status": "active",
            "date": "2026-12-07",
            "kind": "instance",
            "software": {"name": "Lobby"},
            "implementation": {
                "description": "Lobby arrivals and insurance read API",
                "url": public_url("/fhir"),
            },
            "fhirVersion": FHIR_VERSION,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "A bearer token per integration client, with the "
                        "scopes Appointment.read and Coverage.read "
                        "(Authorization: Bearer <token>)."
                    },
                    "resource": [
                        {
                            "type": "Appointment",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [
                                {**date_search, "documentation": "The facility's day."},
                                {"name": "status", "type": "token"},
                                {"name": "_count", "type": "number"},
                            ],
                        },
                        {
                            "type": "Coverage",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [
                                {
                                    **date_search,
                                    "documentation": "The facility's day the card was accepted.",
                                },
                                {"name": "_count", "type": "number"},
                            ],
                        },
                    ],
                }
            ],
        }
    )
