"""The FHIR R4 read API at `/fhir`: arrivals as Appointment and accepted insurance cards as
Coverage, for the hospital's systems (docs/fhir-api.md).

Machine to machine: JSON only, authorised by a bearer token per integration client and never
by a browser's session or cookies (the session is left untouched and no cookie is set, so a
kiosk or staff cookie sent along neither opens nor prolongs anything). Every data route names
the scope it needs with `reads(...)`; the authorization test walks the URL map and holds every
`/fhir` route to it. Every answer, errors included, is FHIR: an OperationOutcome with a
message in the client's `Accept-Language` (English or Spanish), never an HTML page or a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fhir.resources.R4B.resource import Resource
from flask import Blueprint, Response, current_app, g, request
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from admin.fhir.bundles import (
    FHIR_JSON,
    Answer,
    Candidate,
    Disclosed,
    built_or_none,
    operation_outcome,
)
from admin.fhir.capabilities import capability_statement
from admin.fhir.clients import client_for_token
from admin.fhir.disclosures import record_disclosures
from admin.fhir.matches import appointment_by_id, coverage_by_id
from admin.fhir.searches import BadSearch, parse_appointment_search, parse_coverage_search
from admin.fhir.searchsets import (
    appointment_candidate,
    appointment_searchset,
    coverage_candidate,
    coverage_searchset,
    identifier_systems,
)
from kiosk.extensions import csrf
from kiosk.shell.rate_limits import count_requests_against
from kiosk.shell.sessions import leave_session_untouched

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
csrf.exempt(bp)

View = TypeVar("View", bound=Callable[..., Any])

ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    413: "too-long",
    429: "throttled",
}
ERROR_MESSAGES: dict[int, LazyString] = {
    404: _l("This server has no such FHIR interaction; GET /fhir/metadata lists what it has."),
    405: _l("This server only reads: use GET."),
    429: _l("Too many requests from this client. Please wait a moment, then try again."),
}
GENERIC_CLIENT_ERROR = _l("The request could not be used. Please check it and try again.")
SERVER_ERROR = _l("Something went wrong on our side. Please try again later.")
NO_TOKEN = _l("Send the token of an active API client as 'Authorization: Bearer <token>'.")
EVERY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def reads(resource_type: str) -> Callable[[View], View]:
    """Mark a view as reading `resource_type`: a client needs the scope "<type>.read"."""

    def decorate(view: View) -> View:
        view.fhir_scope = f"{resource_type}.read"  # type: ignore[attr-defined]
        return view

    return decorate


def required_scope(view: Callable[..., Any] | None) -> str | None:
    """The scope a view needs, or None for the open ones (metadata, unknown interactions)."""
    scope: str | None = getattr(view, "fhir_scope", None)
    return scope


def client_language() -> str:
    """The language of messages: the client's `Accept-Language`, else the default."""
    languages = list(current_app.config["LANGUAGES"])
    chosen = request.accept_languages.best_match(languages)
    return chosen or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def fhir_response(resource: Resource, status: int = 200) -> Response:
    """A resource as `application/fhir+json`."""
    return Response(resource.model_dump_json(), status=status, mimetype=FHIR_JSON)


def outcome_response(status: int, message: LazyString) -> Response:
    """An OperationOutcome for `status`, its words in the client's language."""
    with force_locale(client_language()):
        text = str(message)
    return fhir_response(operation_outcome(ISSUE_CODES.get(status, "exception"), text), status)


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer <token>`, if the header is of that form."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@bp.before_request
def authorise_client() -> Response | None:
    """Recognise the integration client and check its scope before any data route runs:
    401 (with `WWW-Authenticate: Bearer`) without a live client's token, 403 without the
    scope. The client is then what rate limits count against."""
    leave_session_untouched()
    scope = required_scope(current_app.view_functions.get(request.endpoint or ""))
    if scope is None:
        return None
    token = bearer_token()
    client = client_for_token(token) if token else None
    if client is None:
        log.info("FHIR request refused", extra={"reason": "no live client token"})
        refused = outcome_response(401, NO_TOKEN)
        refused.headers["WWW-Authenticate"] = 'Bearer realm="lobby-fhir"'
        return refused
    if scope not in client.scope_set:
        log.info("FHIR request refused", extra={"reason": f"client {client.id} lacks {scope}"})
        resource_type = scope.removesuffix(".read")
        return outcome_response(
            403, _l("This client may not read %(resource)s resources.", resource=resource_type)
        )
    g.api_client = client
    count_requests_against(f"api-client:{client.id}")
    return None


@bp.errorhandler(BadSearch)
def bad_search(error: BadSearch) -> Response:
    """A search parameter the API cannot use: 400 saying which."""
    return outcome_response(400, error.message)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """404, 405, 429 … as OperationOutcomes (rate-limit headers are added afterwards)."""
    status = error.code or 500
    if status >= 500:
        return outcome_response(status, SERVER_ERROR)
    response = outcome_response(status, ERROR_MESSAGES.get(status, GENERIC_CLIENT_ERROR))
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = "GET"
    return response


@bp.errorhandler(Exception)
def unexpected_error(error: Exception) -> Response:
    """A defect: logged for IT staff (no request data), a 500 OperationOutcome for the client."""
    log.exception("FHIR request failed", exc_info=error)
    return outcome_response(500, SERVER_ERROR)


def answer(resource_type: str, found: Answer) -> Response:
    """Audit what the bundle discloses to this client, then send it."""
    record_disclosures(resource_type, found.disclosed, api_client_id=g.api_client.id)
    return fhir_response(found.bundle)


@bp.get("/Appointment")
@reads("Appointment")
def search_appointments() -> Response:
    """`GET /fhir/Appointment?date=YYYY-MM-DD&status=arrived,fulfilled&_count=…&_offset=…`."""
    search = parse_appointment_search(request.args, **page_sizes())
    return answer("Appointment", appointment_searchset(search))


@bp.get("/Appointment/<appointment_id>")
@reads("Appointment")
def read_appointment(appointment_id: str) -> Response:
    """`GET /fhir/Appointment/<id>`: one appointment; 404 for an id that names none."""
    found = appointment_by_id(appointment_id)
    if found is None:
        return read_one("Appointment", None)
    appointment, check_in = found
    return read_one(
        "Appointment", appointment_candidate(appointment, check_in, identifier_systems())
    )


@bp.get("/Coverage/<coverage_id>")
@reads("Coverage")
def read_coverage(coverage_id: str) -> Response:
    """`GET /fhir/Coverage/<id>`: one accepted card (what a searchset's `fullUrl` names); 404
    for any other id."""
    found = coverage_by_id(coverage_id)
    if found is None:
        return read_one("Coverage", None)
    coverage, patient = found
    return read_one("Coverage", coverage_candidate(coverage, patient, identifier_systems()))


def read_one(resource_type: str, candidate: Candidate | None) -> Response:
    """One resource, audited as disclosed; 404 when there is none, 500 when its row cannot
    be a valid resource (logged by `built_or_none`)."""
    if candidate is None:
        return outcome_response(
            404, _l("There is no %(resource)s with that id.", resource=resource_type)
        )
    resource = built_or_none(candidate)
    if resource is None:
        return outcome_response(500, SERVER_ERROR)
    disclosed = Disclosed(resource_type, candidate.row_id, candidate.patient_id)
    record_disclosures(resource_type, [disclosed], api_client_id=g.api_client.id)
    return fhir_response(resource)


@bp.get("/Coverage")
@reads("Coverage")
def search_coverage() -> Response:
    """`GET /fhir/Coverage?date=YYYY-MM-DD`: cards accepted or corrected on that day."""
    search = parse_coverage_search(request.args, **page_sizes())
    return answer("Coverage", coverage_searchset(search))


def page_sizes() -> dict[str, int]:
    """The configured default and largest page."""
    return {
        "page_size": int(current_app.config["FHIR_PAGE_SIZE"]),
        "max_page_size": int(current_app.config["FHIR_MAX_PAGE_SIZE"]),
    }


@bp.get("/metadata")
def metadata() -> Response:
    """`GET /fhir/metadata`: what this server offers. Open to anyone, as FHIR clients expect
    before they authenticate: it lists interactions, never data."""
    return fhir_response(capability_statement())


@bp.route("/", methods=EVERY_METHOD)
@bp.route("/<path:anything>", methods=EVERY_METHOD)
def unknown_interaction(anything: str = "") -> Response:
    """Anything else under /fhir: 405 for a write to a route that exists (this server only
    reads), else 404, both as OperationOutcomes rather than the kiosk's HTML error page."""
    adapter = current_app.url_map.bind("")
    try:
        endpoint, _arguments = adapter.match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint is not None and endpoint != request.endpoint:
        raise MethodNotAllowed(valid_methods=["GET"])
    raise NotFound()
