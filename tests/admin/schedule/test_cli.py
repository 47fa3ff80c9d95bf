"""`flask schedule import FILE`: a summary and each problem by row, the good rows imported,
codes for new appointments in a new 0600 CSV, exit status 1 when a row was not imported, and
the same file again changing nothing."""

from __future__ import annotations

import csv
import stat
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from kiosk.checkin.identity import identify_by_code
from kiosk.checkin.screens import insurance_on_file
from kiosk.extensions import db
from kiosk.models import Appointment, Patient
from kiosk.models.types import utcnow
from tests.admin.schedule.schedule_builders import fhir_appointment, fhir_bundle, fhir_patient
from tests.builders import add_department

HEADER = "appointment_id,mrn,first_name,last_name,date_of_birth,start,department,status\n"


def schedule_file(folder: Path) -> Path:
    """A CSV of three appointments in the next hours, one in a department Lobby lacks."""
    start = (utcnow() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = folder / "today.csv"
    path.write_text(
        HEADER
        + f"A-1,SYN-1,Ana,Núñez,1984-03-12,{start},imaging,booked\n"
        + f"A-2,SYN-2,Liam,O'Brien,1979-11-02,{start},dermatology,booked\n"
        + f"A-3,SYN-3,Zoë,Placeholder,1971-12-24,{start},imaging,\n",
        encoding="utf-8",
    )
    return path


def test_a_csv_imports_its_good_rows_reports_the_bad_and_writes_private_codes(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        add_department("imaging")
    codes_path = tmp_path / "codes.csv"

    result = runner.invoke(
        args=["schedule", "import", str(schedule_file(tmp_path)), "--codes-out", str(codes_path)]
    )

    assert result.exit_code == 1
    assert "Appointments: 2 created, 0 updated, 0 unchanged" in result.output
    assert "; 1 not imported." in result.output
    assert "row 3: no department in Lobby has this department code" in result.output
    assert "2 codes for new appointments written to" in result.output
    assert "SYN-2" not in result.output and "O'Brien" not in result.output
    assert stat.S_IMODE(codes_path.stat().st_mode) == 0o600
    with codes_path.open(encoding="utf-8") as written:
        codes = {row["appointment_id"]: row["code"] for row in csv.DictReader(written)}
    assert set(codes) == {"A-1", "A-3"}
    with app.app_context():
        found = identify_by_code(codes["A-3"], kiosk_id=None)
        assert found.found


def test_the_same_file_again_changes_nothing_and_an_existing_codes_file_is_kept(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        add_department("imaging")
    path = schedule_file(tmp_path)
    runner.invoke(args=["schedule", "import", str(path)])
    taken = tmp_path / "taken.csv"
    taken.write_text("keep me", encoding="utf-8")

    refused = runner.invoke(args=["schedule", "import", str(path), "--codes-out", str(taken)])
    again = runner.invoke(args=["schedule", "import", str(path)])

    assert refused.exit_code == 1 and "already exists" in refused.output
    assert taken.read_text(encoding="utf-8") == "keep me"
    assert "0 created, 0 updated, 2 unchanged" in again.output
    assert "codes that were not saved" not in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2


def test_a_fhir_bundle_imports_with_a_progress_bar_and_exits_zero_when_all_is_well(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        add_department("imaging")
    start = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    path = tmp_path / "bundle.json"
    path.write_bytes(
        fhir_bundle(fhir_patient(1), fhir_appointment("F-1", 1, start=start), fhir_patient(2))
    )

    result = runner.invoke(args=["schedule", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "Importing appointments" in result.output
    assert "Appointments: 1 created, 0 updated" in result.output
    assert "1 new appointments have codes that were not saved" in result.output


def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    result = runner.invoke(args=["schedule", "import", str(path), "--format", "csv"])

    assert result.exit_code == 1 and "The file is not a text file." in result.output


SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def test_the_documented_samples_import_as_their_readme_says(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        for code in ("imaging", "laboratory", "cardiology", "pediatrics"):
            add_department(code)

    from_csv = runner.invoke(args=["schedule", "import", str(SAMPLES / "schedule-sample.csv")])
    from_fhir = runner.invoke(
        args=["schedule", "import", str(SAMPLES / "schedule-sample.fhir.json")]
    )

    assert "Appointments: 3 created, 0 updated, 0 unchanged, 1 cancelled" in from_csv.output
    assert "row 6: date of birth is not a date" in from_csv.output
    assert "row 7: no department in Lobby has this department code" in from_csv.output
    assert "Appointments: 2 created, 0 updated, 0 unchanged, 1 cancelled" in from_fhir.output
    assert "entry 3: the Patient is not valid FHIR R4 (resource.birthDate)" in from_fhir.output
    assert "entry 6: its patient (entry 3) was not imported" in from_fhir.output
    with app.app_context():
        tom = db.session.scalar(select(Patient.id).where(Patient.mrn == "SYN-MRN-502"))
        on_file = insurance_on_file(tom)
        assert on_file is not None and on_file.payer == "Example Health Plan (synthetic)"
