"""`/healthz`: database reachable, migrations current, print queue depth."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from kiosk import create_app
from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from tests.helpers import app_config


def test_healthy_server_answers_200_with_its_checks(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["migrations"]["up_to_date"] is True
    assert body["migrations"]["current"] == body["migrations"]["expected"]
    assert body["print_queue_depth"] == 0


def test_queue_depth_counts_jobs_not_yet_finished(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for status in (
            PrintJobStatus.QUEUED,
            PrintJobStatus.PRINTING,
            PrintJobStatus.PRINTED,
            PrintJobStatus.FAILED,
            PrintJobStatus.QUEUED,
        ):
            db.session.add(PrintJob(printer_uri="dummy://", payload=b"\x1b@", status=status))
        db.session.commit()
    assert client.get("/healthz").get_json()["print_queue_depth"] == 3


def test_schema_behind_the_code_is_reported_unavailable(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        (current,) = db.session.execute(text("SELECT version_num FROM alembic_version")).one()
        db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        db.session.commit()
        try:
            response = client.get("/healthz")
        finally:
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
            db.session.commit()
    assert response.status_code == 503
    assert response.get_json()["migrations"]["up_to_date"] is False


def test_unreachable_database_is_503_not_a_crash() -> None:
    app = create_app(app_config("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
