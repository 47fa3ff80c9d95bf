"""The staff Printers screen: every kiosk printer with its state, kiosks, failures and last jobs
(never receipt text), and reprints to the same or another printer of the same paper size, with a
clear 4xx and nothing printed for an unknown job or printer, a dropped receipt, a stale form or a
double click."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from kiosk.extensions import db
from kiosk.models import PrinterState, PrintJob, PrintJobStatus, StaffRoleName, StaffUser
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.settings import current_settings
from kiosk.printing.status import record_printer_state
from kiosk.printing.worker import PrintWorker
from tests.builders import add_kiosk, audit_events
from tests.helpers import csrf_token_from
from tests.printing.fake_printer import refused_uri
from tests.printing.printing_helpers import FAST_QUEUE_CONFIG, queue_ticket
from tests.staff_signin import sign_in, staff_account

PRINTERS = "/staff/printers/"
# A kiosk printer on narrower paper (TM-T88V: 512 dots against the TM-T20II's 576).
NARROW_PRINTER = "network://10.0.0.9:9100"


@pytest.fixture
def printers_app(app: Flask, tmp_path: Path) -> Flask:
    """The application with fast print settings and its own receipts folder."""
    app.config.update(FAST_QUEUE_CONFIG, PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"))
    return app


@pytest.fixture
def coordinator(printers_app: Flask) -> FlaskClient:
    """A coordinator signed in at the desk."""
    client = printers_app.test_client()
    sign_in(client, printers_app, staff_account(printers_app, StaffRoleName.COORDINATOR))
    return client


def ticket_job(printer_uri: str = "dummy://", kiosk_name: str = "Main lobby kiosk") -> int:
    """A queued ticket on a kiosk's printer (inside an app context)."""
    kiosk = add_kiosk(name=kiosk_name, place="main-lobby", printer_uri=printer_uri)
    job = enqueue_receipt(kiosk, queue_ticket())
    db.session.commit()
    return job.id


def staff_id(app: Flask) -> int:
    """The id of the one coordinator account the tests sign in with."""
    with app.app_context():
        found = db.session.scalar(select(StaffUser.id))
        assert found is not None
        return found


def copies_of(job_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(PrintJob).where(PrintJob.reprint_of_id == job_id)
        )
        or 0
    )


def reprint_form(page: str, job_id: int) -> dict[str, str]:
    """The fields of the job's reprint form as the page drew them."""
    form = re.search(
        rf'action="/staff/printers/jobs/{job_id}/reprint">(.*?)</form>', page, re.DOTALL
    )
    assert form is not None, f"no reprint form for job {job_id}"
    copies = re.search(r'name="copies_seen" value="(\d+)"', form[1])
    assert copies is not None
    return {"csrf_token": csrf_token_from(page), "copies_seen": copies[1]}


def ticket_and_its_form(app: Flask, client: FlaskClient) -> tuple[int, str, dict[str, str]]:
    """A new ticket job, its reprint address, and its reprint form as the page drew it."""
    with app.app_context():
        job_id = ticket_job()
    form = reprint_form(client.get(PRINTERS).get_data(as_text=True), job_id)
    return job_id, f"/staff/printers/jobs/{job_id}/reprint", form


def post_reprint(client: FlaskClient, job_id: int, **fields: str) -> tuple[int, str]:
    form = reprint_form(client.get(PRINTERS).get_data(as_text=True), job_id)
    form.update(fields)
    response = client.post(f"/staff/printers/jobs/{job_id}/reprint", data=form)
    return response.status_code, response.get_data(as_text=True)


def test_each_printer_shows_state_kiosks_failures_and_last_jobs_without_receipt_text(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    with printers_app.app_context():
        healthy = ticket_job("dummy://", "Main lobby kiosk")
        broken_uri = refused_uri()
        failed = ticket_job(broken_uri, "Parking kiosk")
        printers_app.config["PRINT_MAX_ATTEMPTS"] = 1
        PrintWorker(broken_uri, current_settings()).process_due_jobs()
        PrintWorker("dummy://", current_settings()).process_due_jobs()

    page = coordinator.get(PRINTERS)
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    parking = text[text.index(f">{broken_uri}</h2>") :]
    assert "Offline or out of paper · connection refused" in parking
    assert "Parking kiosk" in parking
    assert re.search(r"Failed jobs in the last 24 hours</dt>\s*<dd>1</dd>", parking)
    assert re.search(rf">{failed}</th>\s*<td>Ticket</td>\s*<td>Failed · connection refused", text)
    assert re.search(rf">{healthy}</th>\s*<td>Ticket</td>\s*<td>(Sent|Printed)</td>", text)
    assert "Main lobby kiosk" in text
    # The ticket's own words never reach the staff list, only what kind of receipt it is.
    assert "A-042" not in text and "Radiología" not in text


def test_a_printer_no_worker_has_tried_is_unknown_and_never_checked(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    with printers_app.app_context():
        add_kiosk(name="Clinic kiosk", printer_uri="network://10.9.8.7:9100")
    text = coordinator.get(PRINTERS).get_data(as_text=True)
    assert re.search(r"Unknown \(not answering status\)</dd>\s*<dt>Kiosks</dt>", text)
    assert re.search(r"Last checked</dt>\s*<dd>Never</dd>", text)


def test_reprint_prints_one_copy_on_the_same_printer_and_audits_who(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    with printers_app.app_context():
        job_id = ticket_job()

    status, _ = post_reprint(coordinator, job_id)
    page = coordinator.get(PRINTERS).get_data(as_text=True)

    assert status == 303
    assert "A copy went to dummy://" in page
    with printers_app.app_context():
        copy = db.session.scalar(select(PrintJob).where(PrintJob.reprint_of_id == job_id))
        assert copy is not None and copy.printer_uri == "dummy://"
        assert copy.status in (PrintJobStatus.SENT, PrintJobStatus.PRINTED)
        original = db.session.get(PrintJob, job_id)
        assert original is not None and copy.payload == original.payload
    assert f"copy of {job_id}" in page
    with printers_app.app_context():
        (audit,) = audit_events("staff_reprint")
        assert audit.detail == {"staff_id": staff_id(printers_app)}


def test_reprint_goes_to_another_printer_of_the_same_paper_size_only(
    printers_app: Flask, coordinator: FlaskClient, tmp_path: Path
) -> None:
    other_printer = f"file://{tmp_path}/desk-2-printer"
    (tmp_path / "desk-2-printer").touch()  # the device file a printer driver would provide
    with printers_app.app_context():
        job_id = ticket_job()
        add_kiosk(name="Desk 2 kiosk", printer_uri=other_printer)
        add_kiosk(name="Narrow kiosk", printer_uri=NARROW_PRINTER, printer_profile="TM-T88V")

    page = coordinator.get(PRINTERS).get_data(as_text=True)
    offered = re.search(rf'id="target-{job_id}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert offered is not None
    assert other_printer in offered[1] and NARROW_PRINTER not in offered[1]

    status, refusal = post_reprint(coordinator, job_id, printer_uri=NARROW_PRINTER)
    assert status == 400
    assert "not one of the kiosks&#39; printers for this paper size" in refusal
    status, _ = post_reprint(coordinator, job_id, printer_uri=other_printer)
    assert status == 303
    with printers_app.app_context():
        copies = db.session.scalars(select(PrintJob).where(PrintJob.reprint_of_id == job_id)).all()
        assert [copy.printer_uri for copy in copies] == [other_printer]
        assert (tmp_path / "desk-2-printer").read_bytes() == copies[0].payload


def test_a_double_click_prints_once_and_the_second_click_says_why(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    job_id, path, form = ticket_and_its_form(printers_app, coordinator)

    first = coordinator.post(path, data=form)
    second = coordinator.post(path, data=form)

    assert first.status_code == 303
    assert second.status_code == 409
    assert "This receipt was just reprinted" in second.get_data(as_text=True)
    with printers_app.app_context():
        assert copies_of(job_id) == 1


def test_two_clicks_at_the_same_moment_print_one_copy(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    job_id, path, form = ticket_and_its_form(printers_app, coordinator)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def click() -> None:
        start.wait()
        statuses.append(coordinator.post(path, data=form).status_code)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    assert sorted(statuses) == [303, 409]
    with printers_app.app_context():
        assert copies_of(job_id) == 1


def test_unknown_job_and_dropped_receipt_get_clear_refusals_and_print_nothing(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    job_id, path, form = ticket_and_its_form(printers_app, coordinator)
    with printers_app.app_context():
        db.session.execute(update(PrintJob).where(PrintJob.id == job_id).values(payload=None))
        db.session.commit()

    missing = coordinator.post("/staff/printers/jobs/999999/reprint", data=form)
    dropped = coordinator.post(path, data=form)

    assert missing.status_code == 404
    assert "There is no such print job. Nothing was printed." in missing.get_data(as_text=True)
    assert dropped.status_code == 410
    assert "deleted after its retention period" in dropped.get_data(as_text=True)
    with printers_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    copies_seen=st.one_of(
        st.text(max_size=12), st.integers(-5, 5).map(str), st.sampled_from(["²", "٣", "0 "])
    ),
    printer_uri=st.one_of(
        st.text(max_size=40), st.sampled_from(["lpt1", "dummy://narrow", NARROW_PRINTER, "²"])
    ),
)
def test_any_tampered_reprint_form_gets_a_4xx_and_prints_nothing(
    printers_app: Flask, coordinator: FlaskClient, copies_seen: str, printer_uri: str
) -> None:
    with printers_app.app_context():
        job = db.session.scalar(select(PrintJob).where(PrintJob.reprint_of_id.is_(None)))
        job_id = job.id if job else ticket_job()
        before = db.session.scalar(select(func.count()).select_from(PrintJob))
    token = csrf_token_from(coordinator.get(PRINTERS).get_data(as_text=True))
    # Only a form matching the page (no copies yet, an acceptable printer) may print.
    fine = copies_seen == "0" and printer_uri in ("", "dummy://")
    response = coordinator.post(
        f"/staff/printers/jobs/{job_id}/reprint",
        data={"csrf_token": token, "copies_seen": copies_seen, "printer_uri": printer_uri},
    )
    with printers_app.app_context():
        after = db.session.scalar(select(func.count()).select_from(PrintJob))
        if fine:
            db.session.execute(delete(PrintJob).where(PrintJob.reprint_of_id == job_id))
            db.session.commit()
    if fine:
        assert response.status_code == 303 and after == before + 1
    else:
        assert 400 <= response.status_code < 500, response.status_code
        assert after == before


def test_offline_printer_state_comes_from_the_worker_status(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    with printers_app.app_context():
        add_kiosk(name="Lobby kiosk", printer_uri="network://10.1.1.5:9100")
        record_printer_state("network://10.1.1.5:9100", PrinterState.OFFLINE, error="paper out")
        db.session.commit()
    text = coordinator.get(PRINTERS).get_data(as_text=True)
    assert "Offline or out of paper · paper out" in text
    assert re.search(r"Last worked</dt>\s*<dd>Never</dd>", text)


def test_a_reprint_on_a_failing_printer_says_so_and_keeps_the_copy_visible(
    printers_app: Flask, coordinator: FlaskClient
) -> None:
    with printers_app.app_context():
        broken_uri = refused_uri()
        job_id = ticket_job(broken_uri, "Parking kiosk")
    printers_app.config["PRINT_MAX_ATTEMPTS"] = 1

    status, _ = post_reprint(coordinator, job_id)
    page = coordinator.get(PRINTERS).get_data(as_text=True)

    assert status == 303
    assert (
        f"The copy could not be printed on {broken_uri}: connection refused. "
        "Check the printer, then reprint." in page
    )
    assert re.search(r"copy of \d+</span></th>\s*<td>Ticket</td>\s*<td>Failed", page)
