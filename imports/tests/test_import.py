"""Importing the six feeds: accepted, rejected by row, field and rule, never half-written."""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from imports.engine import run_batch
from imports.feeds import FEED_COLUMNS
from imports.models import BatchStatus, Feed, ImportBatch, ImportedRow, ImportRejection
from imports.tests.helpers import attendance, run_import, write_csv, write_xlsx
from records.models import AgencyRecord

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"
EXAMPLE_FILES = {
    Feed.SCHOOL_ATTENDANCE: ("school-attendance.csv", "school"),
    Feed.POLICE_MISSING: ("police-missing-episodes.csv", "police"),
    Feed.HEALTH_ATTENDANCE: ("health-attendances.csv", "health"),
    Feed.SOCIAL_CARE_STATUS: ("social-care-status.csv", "csc"),
    Feed.CONCERNS: ("concerns.csv", "charity"),
    Feed.SCHOOL_ROLL: ("school-roll.csv", "school"),
}


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _as_xlsx(source: Path, target: Path) -> Path:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return write_xlsx(target, rows)


@pytest.mark.parametrize("feed", list(EXAMPLE_FILES))
def test_each_documented_example_csv_is_accepted_whole(feed, agencies):
    name, agency = EXAMPLE_FILES[feed]
    batch = run_import(EXAMPLES / name, feed=feed, agency=agencies[agency])
    assert batch.status == BatchStatus.DONE
    assert batch.rows_seen == _data_rows(EXAMPLES / name)
    assert batch.rows_accepted == batch.rows_seen
    assert batch.rows_rejected == 0
    assert ImportedRow.objects.filter(batch=batch).count() == batch.rows_seen


@pytest.mark.parametrize("feed", list(EXAMPLE_FILES))
def test_each_feed_is_accepted_as_xlsx(feed, agencies, tmp_path: Path):
    name, agency = EXAMPLE_FILES[feed]
    path = _as_xlsx(EXAMPLES / name, tmp_path / name.replace(".csv", ".xlsx"))
    batch = run_import(path, feed=feed, agency=agencies[agency])
    assert batch.status == BatchStatus.DONE
    assert batch.rows_accepted == _data_rows(EXAMPLES / name)


def test_the_example_workbook_with_real_date_cells_is_accepted(agencies):
    path = EXAMPLES / "school-attendance.xlsx"
    workbook = openpyxl.load_workbook(path, read_only=True)
    expected = workbook.worksheets[0].max_row - 1
    workbook.close()
    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == ("done", expected, 0)
    row = ImportedRow.objects.filter(batch=batch).first()
    assert row is not None
    assert row.date_of_birth is not None


def test_every_column_of_every_feed_is_documented():
    guide = (EXAMPLES.parent / "import-formats.md").read_text()
    for columns in FEED_COLUMNS.values():
        for column in columns:
            assert f"`{column.name}`" in guide, column.name


def test_rejected_rows_are_named_by_row_field_and_rule(agencies, tmp_path: Path):
    rows = [
        attendance(upn=""),
        attendance(upn="", attendance_date="31/02/2026"),
        attendance(upn="", code="ZZ", given_name="", family_name=""),
        attendance(upn="", level="lesson", lesson=""),
        attendance(upn="", session="PM"),
    ]
    batch = run_import(
        write_csv(tmp_path / "a.csv", rows), feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"]
    )
    problems = {
        (p.row_number, p.field, p.rule) for p in ImportRejection.objects.filter(batch=batch)
    }
    assert problems == {
        (3, "attendance_date", "must be a date written YYYY-MM-DD or DD/MM/YYYY"),
        (4, "family_name", "a row needs a given_name or a family_name; both are blank"),
        (4, "code", "must be one of the documented list; got 'ZZ'"),
        (5, "lesson", "is required when level is lesson"),
    }
    assert (batch.rows_seen, batch.rows_accepted, batch.rows_rejected) == (5, 2, 3)
    assert sorted(ImportedRow.objects.filter(batch=batch).values_list("row_number", flat=True)) == [
        2,
        6,
    ]


def test_police_return_before_missing_is_refused(agencies, tmp_path: Path):
    row = {
        "given_name": "Amira",
        "family_name": "Synthwood",
        "date_of_birth": "2011-04-12",
        "episode_reference": "EBP-1",
        "missing_from": "2026-10-03 21:40",
        "returned_at": "2026-10-02 10:00",
    }
    batch = run_import(
        write_csv(tmp_path / "p.csv", [row]), feed=Feed.POLICE_MISSING, agency=agencies["police"]
    )
    problem = batch.rejections.get()
    assert (problem.row_number, problem.field) == (2, "returned_at")
    assert problem.rule == "must not be before missing_from"


def test_a_file_without_a_required_column_fails_and_writes_nothing(agencies, tmp_path: Path):
    rows = [{k: v for k, v in attendance().items() if k != "code"}]
    batch = run_import(
        write_csv(tmp_path / "a.csv", rows), feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"]
    )
    assert batch.status == BatchStatus.FAILED
    assert "code" in batch.error
    assert not ImportedRow.objects.exists()


def test_a_file_that_breaks_half_way_leaves_nothing_written(agencies, tmp_path: Path):
    path = write_csv(
        tmp_path / "a.csv",
        [attendance(upn="", attendance_date=f"2026-10-0{d}") for d in range(1, 8)],
    )
    with path.open("ab") as handle:
        handle.write(
            b"Eastbrook,\xff\xfe not text\n"
        )  # bytes that are not UTF-8, after 7 good rows
    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    assert batch.status == BatchStatus.FAILED
    assert "UTF-8" in batch.error
    assert ImportedRow.objects.count() == 0
    assert ImportRejection.objects.count() == 0
    assert AgencyRecord.objects.count() == 0
    assert (batch.rows_seen, batch.checkpoint_row) == (0, 0)


def test_a_job_stopped_between_chunks_resumes_and_adds_each_row_once(
    agencies, tmp_path: Path, monkeypatch
):
    rows = [attendance(upn="", attendance_date=f"2026-10-{d:02d}") for d in range(1, 11)]
    path = write_csv(tmp_path / "a.csv", rows)
    from imports import engine

    real_commit = engine._commit_chunk
    calls = {"n": 0}

    def commit_then_die(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the worker is killed after two chunks are committed
        real_commit(*args, **kwargs)

    monkeypatch.setattr(engine, "_commit_chunk", commit_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    batch = ImportBatch.objects.get()
    assert ImportedRow.objects.count() == 6  # two chunks of three, the third never committed
    assert batch.checkpoint_row == 7

    monkeypatch.setattr(engine, "_commit_chunk", real_commit)
    from imports.actions import do_start_import

    still_running = do_start_import(
        actor=None,
        agency=agencies["school"],
        feed=Feed.SCHOOL_ATTENDANCE,
        path=path,
        file_name="a.csv",
    )
    assert still_running.already_imported  # a job that just committed is left to finish
    assert batch.heartbeat_at is not None
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=batch.heartbeat_at - timedelta(hours=1)
    )
    stalled = do_start_import(
        actor=None,
        agency=agencies["school"],
        feed=Feed.SCHOOL_ATTENDANCE,
        path=path,
        file_name="a.csv",
    )
    assert stalled.resumed
    again = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    assert again.pk == batch.pk
    assert again.status == BatchStatus.DONE
    assert ImportedRow.objects.count() == 10
    assert again.rows_seen == 10


def test_reimporting_the_same_file_adds_nothing(agencies, tmp_path: Path):
    name, _ = EXAMPLE_FILES[Feed.HEALTH_ATTENDANCE]
    first = run_import(EXAMPLES / name, feed=Feed.HEALTH_ATTENDANCE, agency=agencies["health"])
    rows, records = ImportedRow.objects.count(), AgencyRecord.objects.count()
    second = run_import(EXAMPLES / name, feed=Feed.HEALTH_ATTENDANCE, agency=agencies["health"])
    assert second.pk == first.pk
    assert (ImportedRow.objects.count(), AgencyRecord.objects.count()) == (rows, records)
    assert ImportBatch.objects.count() == 1


def test_the_same_rows_in_another_file_are_not_added_again(agencies, tmp_path: Path):
    name, _ = EXAMPLE_FILES[Feed.SCHOOL_ATTENDANCE]
    run_import(EXAMPLES / name, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    copy = tmp_path / "renamed-and-reordered.csv"
    with (EXAMPLES / name).open(newline="") as handle:
        lines = handle.read().splitlines()
    copy.write_text("\n".join([lines[0], *reversed(lines[1:]), ""]))
    before = ImportedRow.objects.count()
    second = run_import(copy, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    assert second.rows_duplicate == second.rows_seen == before
    assert ImportedRow.objects.count() == before


def test_each_row_and_record_remembers_its_file_and_row(agencies, tmp_path: Path):
    from records.tests.helpers import young_person

    name, _ = EXAMPLE_FILES[Feed.POLICE_MISSING]
    path = tmp_path / "police-october.csv"
    shutil.copy(EXAMPLES / name, path)
    batch = run_import(path, feed=Feed.POLICE_MISSING, agency=agencies["police"])
    third = ImportedRow.objects.get(batch=batch, row_number=4)
    assert third.batch.file_name == "police-october.csv"
    assert third.payload["episode_reference"] == "EBP-MISS-2026-0433"

    from imports.actions import do_attach_row

    record = do_attach_row(actor=None, row=third, young_person=young_person(), how="clerical")
    assert record is not None
    assert record.facts["imported_from"] == {
        "batch": batch.pk,
        "file": "police-october.csv",
        "row": 4,
    }
    assert record.record_type.code == "missing-episode"
    assert record.ended_at is not None
    assert record.location == "Hotel, Bridge Street (synthetic)"


def test_sexual_health_attendance_is_held_as_sexual_health(agencies):
    from imports.actions import do_attach_row
    from records.tests.helpers import young_person

    name, _ = EXAMPLE_FILES[Feed.HEALTH_ATTENDANCE]
    batch = run_import(EXAMPLES / name, feed=Feed.HEALTH_ATTENDANCE, agency=agencies["health"])
    row = ImportedRow.objects.get(batch=batch, payload__service_type="sexual_health")
    record = do_attach_row(actor=None, row=row, young_person=young_person(), how="clerical")
    assert record is not None
    assert record.category == "sexual_health"
    assert record.record_type.code == "sexual-health-attendance"


def test_the_job_runs_again_without_adding_anything(agencies):
    name, _ = EXAMPLE_FILES[Feed.SOCIAL_CARE_STATUS]
    batch = run_import(EXAMPLES / name, feed=Feed.SOCIAL_CARE_STATUS, agency=agencies["csc"])
    count = ImportedRow.objects.count()
    run_batch(batch.pk)
    assert ImportedRow.objects.count() == count


def test_an_import_row_with_a_spoofed_name_or_impossible_birth_date_is_refused_by_row(
    agencies, tmp_path: Path
):
    rows = [
        attendance(upn=""),
        attendance(upn="", family_name="Smith\u202eoj"),
        attendance(upn="", given_name="Kay\u200bla"),
        attendance(upn="", date_of_birth="2099-01-01"),
        attendance(upn="", date_of_birth="1800-06-01"),
        attendance(upn="", given_name="Łucja", family_name="Wójcik-محمد"),
    ]
    batch = run_import(
        write_csv(tmp_path / "n.csv", rows), feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"]
    )
    problems = {
        (p.row_number, p.field, p.rule) for p in ImportRejection.objects.filter(batch=batch)
    }
    assert problems == {
        (
            3,
            "family_name",
            "must not contain right-to-left override or other text direction characters",
        ),
        (4, "given_name", "must not contain invisible zero-width characters"),
        (5, "date_of_birth", "must not be in the future"),
        (
            6,
            "date_of_birth",
            "must be within the last 30 years "
            "(the young person age rule: Tessera holds children and young people)",
        ),
    }
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 4)


def test_an_import_cell_holding_a_nul_byte_is_refused_not_stored(agencies, tmp_path: Path):
    batch = run_import(
        write_csv(tmp_path / "z.csv", [attendance(upn="", school="Eastbrook\x00Academy")]),
        feed=Feed.SCHOOL_ATTENDANCE,
        agency=agencies["school"],
    )
    problem = batch.rejections.get()
    assert (problem.row_number, problem.field) == (2, "school")
    assert "NUL" in problem.rule
