"""``manage.py import FEED FILE``: the operator's and the analyst's way to import a file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from governance.models import AuditEvent
from imports.models import BatchStatus, ImportBatch, ImportedRow
from imports.tests.helpers import attendance, write_csv
from partnership.models import Role

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_operator_imports_for_an_agency_with_a_progress_bar(agencies):
    out, err = _run(
        "police-missing", str(EXAMPLES / "police-missing-episodes.csv"), "--agency", "POL"
    )
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.user, batch.agency) == (BatchStatus.DONE, None, agencies["police"])
    assert "[" in err
    assert "100%" in err
    assert "rows read" in err
    assert f"Batch {batch.pk}: 4 rows read" in out
    assert "4 added, 0 rejected" in out


def test_an_analyst_imports_for_their_own_agency_and_gets_the_report(
    agencies, make_user, tmp_path: Path
):
    analyst = make_user(Role.ANALYST, "school")
    path = write_csv(tmp_path / "a.csv", [attendance(upn=""), attendance(upn="", session="XX")])
    report = tmp_path / "problems.csv"
    out, _ = _run(
        "school_attendance", str(path), "--user", analyst.username, "--report", str(report)
    )
    batch = ImportBatch.objects.get()
    assert batch.user == analyst
    assert "row 3, session: must be one of AM, PM; got 'XX' (row rejected)" in out
    with report.open(newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["row", "field", "problem", "outcome"],
        ["3", "session", "must be one of AM, PM; got 'XX'", "Row rejected"],
    ]
    assert AuditEvent.objects.filter(
        object_type="import_batch", actor_id=analyst.pk, actor_agency="EDU"
    ).exists()


def test_running_the_command_twice_adds_nothing(agencies):
    path = str(EXAMPLES / "social-care-status.csv")
    _run("social_care_status", path, "--agency", "CSC", "--quiet-bar")
    rows = ImportedRow.objects.count()
    out, _ = _run("social_care_status", path, "--agency", "CSC", "--quiet-bar")
    assert "already imported" in out
    assert ImportedRow.objects.count() == rows
    assert ImportBatch.objects.count() == 1


def test_a_user_cannot_import_for_another_agency_or_feed(agencies, make_user):
    practitioner = make_user(Role.PRACTITIONER, "police")
    path = str(EXAMPLES / "school-attendance.csv")
    with pytest.raises(CommandError, match="cannot import"):
        _run("school_attendance", path, "--user", practitioner.username)
    with pytest.raises(CommandError, match="cannot import"):
        _run("school_attendance", path, "--user", practitioner.username, "--agency", "EDU")
    assert not ImportBatch.objects.exists()


def test_the_system_cannot_import_a_feed_for_the_wrong_kind_of_agency(agencies):
    with pytest.raises(CommandError, match="not the kind of agency"):
        _run("health_attendance", str(EXAMPLES / "health-attendances.csv"), "--agency", "POL")


def test_a_file_missing_a_column_fails_with_the_reason(agencies, tmp_path: Path):
    path = write_csv(tmp_path / "a.csv", [{"given_name": "Kayla"}])
    with pytest.raises(CommandError, match="has no column"):
        _run("school_attendance", str(path), "--agency", "EDU", "--quiet-bar")
    assert not ImportedRow.objects.exists()


def test_unknown_feed_and_missing_file_are_explained(agencies, tmp_path: Path):
    with pytest.raises(CommandError, match="Unknown feed"):
        _run("library_loans", str(EXAMPLES / "health-attendances.csv"), "--agency", "HLT")
    with pytest.raises(CommandError, match="No file"):
        _run("health_attendance", str(tmp_path / "nothing.csv"), "--agency", "HLT")
