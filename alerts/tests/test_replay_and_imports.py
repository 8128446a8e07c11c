"""Replay sees what the partnership could have known each day; an imported file raises alerts
in its own job; a replay run's alerts download as a spreadsheet-safe CSV."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts import engine
from alerts.actions import do_start_replay
from alerts.models import Alert, ReplayStatus
from alerts.queries import REPLAY_CSV_COLUMNS, replay_csv_rows
from alerts.tasks import run_replay
from alerts.tests.helpers import NOW, alerts_for, person, record
from imports.models import Feed
from imports.tests.helpers import NHS, run_import, write_csv
from people.models import YoungPerson

pytestmark = pytest.mark.django_db


def _local_day(days_ago: float):
    return timezone.localtime(NOW - timedelta(days=days_ago)).date()


def test_a_record_counts_in_a_replay_from_the_day_it_was_recorded(agencies):
    kayla = person()
    record(agencies, kayla, "concern", agency="school", days_ago=30)
    record(agencies, kayla, "concern", agency="health", days_ago=25)
    # Happened 20 days ago, but the charity wrote it down only 5 days ago.
    late = record(agencies, kayla, "concern", agency="charity", days_ago=20, recorded_days_ago=5)
    live = set(Alert.objects.filter(replay_run=None).values_list("pk", flat=True))

    run = do_start_replay(
        actor=None, name="Last six weeks", starts_on=_local_day(40), ends_on=_local_day(1)
    )
    run_replay.enqueue(run.pk)  # the immediate backend runs it here

    run.refresh_from_db()
    assert run.status == ReplayStatus.FINISHED
    assert run.days_done == run.days_total == 40
    [alert] = run.alerts.filter(rule__code="several_agencies_concerned")
    assert timezone.localtime(alert.raised_at).date() == timezone.localtime(late.recorded_at).date()
    assert alert.raised_at > late.occurred_at + timedelta(days=10)
    # The live queue is untouched by the replay.
    assert set(Alert.objects.filter(replay_run=None).values_list("pk", flat=True)) == live


def test_a_replay_with_other_parameters_raises_what_they_would_have(agencies):
    kayla = person()
    record(agencies, kayla, "concern", agency="school", days_ago=12)
    record(agencies, kayla, "concern", agency="health", days_ago=10)
    assert alerts_for("several_agencies_concerned") == []  # two agencies: below the live 3
    run = do_start_replay(
        actor=None,
        name="Two agencies",
        starts_on=_local_day(20),
        ends_on=_local_day(1),
        parameters={"several_agencies_concerned": {"agencies": 2}},
    )
    engine.replay(run)
    [alert] = run.alerts.all()
    assert timezone.localtime(alert.raised_at).date() == _local_day(10)
    assert alerts_for("several_agencies_concerned") == []  # still nothing live


def test_a_replay_must_cover_the_past_and_name_real_rules(agencies, make_user):
    with pytest.raises(ValidationError):
        do_start_replay(actor=None, name="Future", starts_on=_local_day(3), ends_on=_local_day(-3))
    with pytest.raises(ValidationError):
        do_start_replay(
            actor=None,
            name="Wrong",
            starts_on=_local_day(10),
            ends_on=_local_day(1),
            parameters={"no_such_rule": {}},
        )
    with pytest.raises(ValidationError):
        do_start_replay(
            actor=None,
            name="Wrong",
            starts_on=_local_day(10),
            ends_on=_local_day(1),
            parameters={"repeat_missing": {"episodes": -1}},
        )


def test_a_practitioner_cannot_start_a_replay(agencies, make_user):
    with pytest.raises(PermissionDenied):
        do_start_replay(
            actor=make_user(), name="Mine", starts_on=_local_day(10), ends_on=_local_day(1)
        )


def _episodes(tmp_path: Path) -> Path:
    rows = []
    for number, days in enumerate((60, 30, 3), start=1):
        start = timezone.localtime(NOW - timedelta(days=days))
        rows.append(
            {
                "given_name": "Kayla",
                "family_name": "Synthetic-Testperson",
                "date_of_birth": "2011-03-04",
                "nhs_number": NHS,
                "person_reference": "EBP-P-1001",
                "episode_reference": f"EBP-MISS-{number}",
                "missing_from": f"{start:%Y-%m-%d %H:%M}",
                "returned_at": f"{start + timedelta(hours=10):%Y-%m-%d %H:%M}",
                "reported_by": "Mother",
                "recorded_at": f"{start + timedelta(hours=11):%Y-%m-%d %H:%M}",
            }
        )
    return write_csv(tmp_path / "police-missing-synthetic.csv", rows)


def test_importing_a_police_file_raises_an_alert_in_the_import_job(agencies, tmp_path, monkeypatch):
    # Only the deterministic linking (by NHS number) is under test here, not the matching.
    monkeypatch.setattr("imports.actions.do_link_pending_rows", lambda batch_id: None)
    kayla = YoungPerson.objects.create(
        given_name="Kayla",
        family_name="Synthetic-Testperson",
        date_of_birth="2011-03-04",
        nhs_number=NHS,
        is_synthetic=True,
    )
    batch = run_import(_episodes(tmp_path), feed=Feed.POLICE_MISSING, agency=agencies["police"])
    assert batch.rows_linked == 3
    [alert] = alerts_for("repeat_missing")
    assert list(alert.young_people.all()) == [kayla]
    assert alert.evidence.count() == 3

    # A replay's CSV names the agency rows behind the young person, and is safe to open.
    run = do_start_replay(
        actor=None, name="=Import check", starts_on=_local_day(70), ends_on=_local_day(0)
    )
    engine.replay(run)
    rows = list(replay_csv_rows(run))
    assert rows[0] == list(REPLAY_CSV_COLUMNS)
    [row] = [r for r in rows[1:] if r[4] == "Repeatedly missing"]
    cells = dict(zip(REPLAY_CSV_COLUMNS, row, strict=True))
    assert cells["Young person reference"] == f"YP-{kayla.pk}"
    assert (
        "police_missing | police-missing-synthetic.csv | rows 2,3,4 | EBP-P-1001"
        in (cells["Agency row references"])
    )
    assert cells["Raised on"] == _local_day(3).isoformat()
    assert len(cells["Evidence record references"].split()) == 3


def test_csv_cells_that_look_like_formulas_are_made_safe(agencies):
    kayla = person()
    record(agencies, kayla, "missing-episode", days_ago=12, hours=5)
    record(agencies, kayla, "missing-episode", days_ago=8, hours=5)
    record(agencies, kayla, "missing-episode", days_ago=4, hours=5)
    run = do_start_replay(actor=None, name="r", starts_on=_local_day(14), ends_on=_local_day(1))
    engine.replay(run)
    from alerts.models import Rule

    Rule.objects.filter(code="repeat_missing").update(name="=HYPERLINK(1)")
    rows = list(replay_csv_rows(run))
    assert any(row[4] == "'=HYPERLINK(1)" for row in rows[1:])
    path = Path("/dev/null")
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
