"""Insurance cards for the billing office as FHIR R4 Coverage, on SQLite and PostgreSQL: a card
photographed at a kiosk goes out once a coordinator accepted it (with their corrections), on
the day they decided; pending, rejected and on-file cards never do; every resource validates
with `fhir.resources`; reading needs the Coverage scope."""

from __future__ import annotations

from datetime import timedelta

from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from flask import Flask
from sqlalchemy import update

from admin.review import cards
from admin.review.card_forms import CardDetails, Rejection
from kiosk.extensions import db
from kiosk.facility import local_date
from kiosk.models import InsuranceCoverage
from kiosk.models.types import utcnow
from tests.admin.fhir.fhir_builders import (
    api_token,
    bundle_of,
    fhir_get,
    outcome_of,
    resources_of,
    today,
)
from tests.admin.queue.queue_builders import coordinator
from tests.admin.review_builders import arrival_with_new_card
from tests.builders import audit_events


def test_an_accepted_card_is_a_coverage_and_the_others_are_not(app: Flask) -> None:
    accepted = arrival_with_new_card(app, 1)
    corrected = arrival_with_new_card(app, 2)
    rejected = arrival_with_new_card(app, 3)
    pending = arrival_with_new_card(app, 4)
    with app.app_context():
        cards.accept_card(
            accepted.coverage_id,
            CardDetails("Example Health", accepted.member_id, ""),
            staff_id=coordinator(),
        )
        cards.accept_card(
            corrected.coverage_id,
            CardDetails("Sample Mutual", "ZZ99887766", "GRP-77"),
            staff_id=coordinator(),
        )
        cards.reject_card(rejected.coverage_id, Rejection("unreadable", ""), staff_id=coordinator())
    token = api_token(app, "Coverage.read", name="billing-office")

    response = fhir_get(app.test_client(), f"/fhir/Coverage?date={today(app)}", token)

    found = {resource.id: resource for resource in resources_of(response)}
    assert set(found) == {str(accepted.coverage_id), str(corrected.coverage_id)}
    assert str(pending.coverage_id) not in found
    correction = found[str(corrected.coverage_id)]
    assert isinstance(correction, FhirCoverage)
    assert correction.status == "active"
    assert correction.subscriberId == "ZZ99887766"
    assert [payor.display for payor in correction.payor] == ["Sample Mutual"]
    [group] = correction.class_fhir
    assert (group.type.coding[0].code, group.value) == ("group", "GRP-77")
    assert correction.beneficiary.identifier.value == "TEST-0002"
    assert correction.meta.lastUpdated is not None
    assert found[str(accepted.coverage_id)].class_fhir is None
    text = response.get_data(as_text=True)
    assert "Holder1" not in text and "Card1" not in text
    with app.app_context():
        disclosed = audit_events("fhir_api_disclosed")
    assert {(event.patient_id, event.detail["coverage_id"]) for event in disclosed} == {
        (accepted.patient_id, accepted.coverage_id),
        (corrected.patient_id, corrected.coverage_id),
    }


def test_a_card_goes_out_on_the_day_it_was_decided(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    decided_at = utcnow() - timedelta(days=3)
    with app.app_context():
        cards.accept_card(
            arrival.coverage_id,
            CardDetails("Example Health", arrival.member_id, ""),
            staff_id=coordinator(),
        )
        db.session.execute(
            update(InsuranceCoverage)
            .where(InsuranceCoverage.id == arrival.coverage_id)
            .values(reviewed_at=decided_at)
        )
        db.session.commit()
        decided_day = local_date(decided_at).isoformat()
    token = api_token(app, "Coverage.read")
    client = app.test_client()

    assert resources_of(fhir_get(client, f"/fhir/Coverage?date={today(app)}", token)) == []
    [coverage] = resources_of(fhir_get(client, f"/fhir/Coverage?date={decided_day}", token))
    assert coverage.id == str(arrival.coverage_id)


def test_a_card_without_a_member_id_is_left_out_with_an_outcome(app: Flask) -> None:
    arrival = arrival_with_new_card(app)
    with app.app_context():
        cards.accept_card(
            arrival.coverage_id,
            CardDetails("Example Health", arrival.member_id, ""),
            staff_id=coordinator(),
        )
        # Emptied by hand in the database: FHIR has no empty strings.
        db.session.execute(update(InsuranceCoverage).values(member_id=""))
        db.session.commit()
    token = api_token(app, "Coverage.read")

    response = fhir_get(app.test_client(), f"/fhir/Coverage?date={today(app)}", token)

    assert resources_of(response) == []
    assert f"Coverage {arrival.coverage_id}" in response.get_data(as_text=True)


def test_reading_coverage_needs_the_coverage_scope(app: Flask) -> None:
    token = api_token(app, "Appointment.read")

    response = fhir_get(app.test_client(), f"/fhir/Coverage?date={today(app)}", token)

    assert "may not read Coverage" in outcome_of(response, 403)
    with app.app_context():
        assert audit_events("fhir_api_read") == []


def test_an_accepted_card_reads_by_its_full_url_and_no_other_does(app: Flask) -> None:
    accepted = arrival_with_new_card(app, 1)
    pending = arrival_with_new_card(app, 2)
    with app.app_context():
        cards.accept_card(
            accepted.coverage_id,
            CardDetails("Example Health", accepted.member_id, ""),
            staff_id=coordinator(),
        )
    token = api_token(app, "Coverage.read")
    client = app.test_client()
    [entry] = bundle_of(fhir_get(client, f"/fhir/Coverage?date={today(app)}", token)).entry

    read = fhir_get(client, entry.fullUrl.removeprefix("http://localhost"), token)
    missing = [
        fhir_get(client, f"/fhir/Coverage/{coverage_id}", token)
        for coverage_id in (pending.coverage_id, 987654, "x1")
    ]

    assert FhirCoverage.model_validate_json(read.get_data()) == entry.resource
    for response in missing:
        assert "There is no Coverage with that id" in outcome_of(response, 404)
    with app.app_context():
        disclosed = audit_events("fhir_api_disclosed")
    assert [event.detail["coverage_id"] for event in disclosed] == [accepted.coverage_id] * 2
