"""The system admin's audit log viewer: filters by patient (an MRN typed, resolved by an
audited search, following walk-ins merged into the record), staff member, kiosk, action and
facility days; newest first in pages; a formula-safe CSV; every view and export audited with
the kinds of filter only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from admin.audit.entries import PAGE_SIZE
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import AuditEvent, StaffRoleName
from kiosk.models.types import utcnow
from tests.builders import add_kiosk, add_patient, audit_events
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

LOG = "/staff/audit/"
MRN = "MRN-40211"


@dataclass(frozen=True)
class AuditedHospital:
    """Ids of what the log speaks of."""

    patient_id: int
    other_patient_id: int
    walk_in_id: int
    coordinator_id: int
    kiosk_id: int


def hospital_log(app: Flask) -> AuditedHospital:
    """A patient checked in at a kiosk and called by a coordinator, a walk-in later merged into
    their record, another patient, and an event from three days ago."""
    coordinator = staff_account(app, StaffRoleName.COORDINATOR, email="desk@example.org")
    with app.app_context():
        kiosk = add_kiosk(name="=HYPERLINK(evil)")
        patient = add_patient("Ana", "Núñez", date(1984, 3, 12), mrn=MRN)
        other = add_patient("Liam", "Obrien", date(1979, 11, 2), mrn="MRN-77777")
        walk_in = add_patient("Ana", "Nunez", date(1984, 3, 12), verified=False)  # type: ignore[arg-type]
        walk_in.merged_into_id = patient.id
        record_audit("lookup_success", kiosk_id=kiosk.id, patient_id=patient.id, method="name_dob")
        record_audit("check_in", kiosk_id=kiosk.id, patient_id=walk_in.id, channel="kiosk")
        record_audit(
            "queue_call",
            kiosk_id=None,
            patient_id=patient.id,
            ticket="R-014",
            staff_id=coordinator.id,
        )
        record_audit(
            "full_name_viewed", kiosk_id=None, patient_id=other.id, staff_id=coordinator.id
        )
        db.session.add(
            AuditEvent(
                action="lookup_failure",
                kiosk_id=kiosk.id,
                occurred_at=utcnow() - timedelta(days=3),
                detail={"failures": 1},
            )
        )
        db.session.commit()
        return AuditedHospital(patient.id, other.id, walk_in.id, coordinator.id, kiosk.id)


def system_admin(app: Flask, client: FlaskClient) -> int:
    """Sign `client` in as a system admin; their account id."""
    account = staff_account(app, StaffRoleName.SYSTEM_ADMIN, email="it@example.org")
    sign_in(client, app, account)
    return account.id


def actions_listed(client: FlaskClient, query: str = "") -> list[str]:
    """The action words of each row on the page, top to bottom."""
    response = client.get(LOG + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [cell.split("</th>")[0] for cell in html.split('<th scope="row">')[1:]]


def test_an_mrn_finds_the_patient_and_walk_ins_merged_into_their_record(
    app: Flask, client: FlaskClient
) -> None:
    log = hospital_log(app)
    admin_id = system_admin(app, client)
    token = csrf_token_from(client.get(LOG).get_data(as_text=True))
    response = client.post(LOG, data={"csrf_token": token, "mrn": MRN, "action": ""})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert MRN not in location and parse_qs(urlsplit(location).query) == {
        "patient": [str(log.patient_id)]
    }
    # The search itself is access to the patient's data: it heads their trail.
    assert actions_listed(client, location.removeprefix(LOG)) == [
        "Audit log searched by MRN",
        "Ticket called",
        "Checked in",
        "Patient identified at a kiosk",
    ]
    page = client.get(location).get_data(as_text=True)
    assert f'value="{MRN}"' in page and "Núñez" not in page
    with app.app_context():
        [search] = audit_events("audit_patient_search")
        assert (search.patient_id, search.detail) == (
            log.patient_id,
            {"matches": 1, "staff_id": admin_id},
        )
        viewed = audit_events("audit_viewed")
        assert viewed[-1].detail == {"filters": "patient", "staff_id": admin_id}
        assert viewed[-1].patient_id == log.patient_id


def test_an_unknown_mrn_says_so_and_the_search_is_audited(app: Flask, client: FlaskClient) -> None:
    hospital_log(app)
    system_admin(app, client)
    token = csrf_token_from(client.get(LOG).get_data(as_text=True))
    for typed in ("MRN-00000", "MRN\x00'; --", "9" * 5000):
        response = client.post(LOG, data={"csrf_token": token, "mrn": typed})
        assert response.status_code == 404
        assert "No patient has this MRN" in response.get_data(as_text=True)
    with app.app_context():
        searches = audit_events("audit_patient_search")
        assert [(s.patient_id, s.detail["matches"]) for s in searches] == [(None, 0)] * 3
        assert "MRN-00000" not in str([s.detail for s in searches])


def test_staff_kiosk_action_and_day_filters(app: Flask, client: FlaskClient) -> None:
    log = hospital_log(app)
    system_admin(app, client)
    assert actions_listed(client, f"?staff={log.coordinator_id}") == [
        "Full name shown",
        "Ticket called",
    ]
    assert actions_listed(client, f"?kiosk={log.kiosk_id}&action=lookup_failure") == [
        "Failed patient lookup"
    ]
    today = date.today()
    recent = actions_listed(client, f"?kiosk={log.kiosk_id}&start={today - timedelta(days=1)}")
    assert recent == ["Checked in", "Patient identified at a kiosk"]
    three_days_ago = (today - timedelta(days=3)).isoformat()
    assert actions_listed(client, f"?kiosk={log.kiosk_id}&end={three_days_ago}") == [
        "Failed patient lookup"
    ]
    with app.app_context():
        kinds = [event.detail["filters"] for event in audit_events("audit_viewed")]
    assert kinds == ["staff", "kiosk.action", "kiosk.time", "kiosk.time"]


def test_wrong_filters_get_a_clear_400(app: Flask, client: FlaskClient) -> None:
    system_admin(app, client)
    wrong_day = client.get(LOG + "?start=2026-02-31")
    assert wrong_day.status_code == 400
    assert "year-month-day" in wrong_day.get_data(as_text=True)
    backwards = client.get(LOG + "?start=2026-03-02&end=2026-03-01")
    assert backwards.status_code == 400
    assert "The end date is before the start date." in backwards.get_data(as_text=True)
    assert client.get(LOG + "?staff=%3Cscript%3E").status_code == 400
    assert client.get(LOG + "?action=%00").status_code == 400
    assert client.get(LOG + "?patient=99999999999").status_code == 400
    huge = client.get(LOG + "?patient=999999999&before=999999999999999999")
    assert huge.status_code == 200 and "No audit entries match" in huge.get_data(as_text=True)
    assert client.get(LOG + "export.csv?kiosk=x").status_code == 400


def test_pages_are_newest_first_and_link_to_older_entries(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for n in range(PAGE_SIZE + 3):
            record_audit("lookup_failure", kiosk_id=None, failures=n)
        db.session.commit()
    system_admin(app, client)
    first = client.get(LOG + "?action=lookup_failure").get_data(as_text=True)
    assert first.count("failures: ") == PAGE_SIZE
    assert first.index(f"failures: {PAGE_SIZE + 2}<") < first.index(f"failures: {PAGE_SIZE + 1}<")
    older = first.split("Older entries")[0].rsplit('href="', 1)[1].split('"')[0]
    rest = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count("failures: ") == 3 and "Older entries" not in rest


def test_csv_export_is_formula_safe_and_audited(app: Flask, client: FlaskClient) -> None:
    log = hospital_log(app)
    admin_id = system_admin(app, client)
    response = client.get(LOG + f"export.csv?kiosk={log.kiosk_id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Sequence", "Time", "Action", "Who", "Patient MRN", "Detail"]
    # Newest first in the order the log was written (the backdated event was written last).
    assert [row[2] for row in rows[1:]] == [
        "Failed patient lookup",
        "Checked in",
        "Patient identified at a kiosk",
    ]
    assert {row[3] for row in rows[1:]} == {"'=HYPERLINK(evil)"}
    assert [row[4] for row in rows[1:]] == ["", f"#{log.walk_in_id}", MRN]
    with app.app_context():
        [exported] = audit_events("audit_exported")
        assert exported.detail == {"filters": "kiosk", "staff_id": admin_id}


def test_the_viewer_speaks_spanish(app: Flask, client: FlaskClient) -> None:
    hospital_log(app)
    system_admin(app, client)
    token = csrf_token_from(client.get(LOG).get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": LOG, "csrf_token": token})
    page = client.get(LOG).get_data(as_text=True)
    assert "Registro de auditoría" in page and "Boleto llamado" in page
