"""``manage.py evaluate_rules``: in full with progress, and a replay with its CSV."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from alerts import engine
from alerts.models import Alert, FullEvaluation, ReplayRun
from alerts.queries import REPLAY_CSV_COLUMNS
from alerts.tests.helpers import NOW, person, record

pytestmark = pytest.mark.django_db


def _town(agencies):
    with engine.paused():
        for name in ("Kayla", "Jay"):
            young_person = person(name)
            for days in (30, 20, 10):
                record(agencies, young_person, "missing-episode", days_ago=days, hours=4)


def test_the_full_evaluation_raises_the_alerts_and_says_how_far_it_got(agencies):
    _town(agencies)
    out = StringIO()
    call_command("evaluate_rules", stdout=out)
    assert Alert.objects.filter(rule__code="repeat_missing", replay_run=None).count() == 2
    text = out.getvalue()
    assert "2/2 (100%" in text
    assert "2 young people: 2 alerts raised" in text
    assert FullEvaluation.objects.get().finished_at is not None


def test_a_replay_from_the_command_writes_its_csv(agencies, tmp_path):
    _town(agencies)
    target = tmp_path / "replay.csv"
    start = (NOW.date().toordinal() - 40, NOW.date().toordinal() - 1)
    first, last = (NOW.date().fromordinal(day).isoformat() for day in start)
    call_command(
        "evaluate_rules",
        "--replay",
        first,
        last,
        "--name",
        "Last month",
        "--csv",
        str(target),
        stdout=StringIO(),
    )
    run = ReplayRun.objects.get(name="Last month")
    assert run.alerts.count() == 2
    assert not Alert.objects.filter(replay_run=None).exists()
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(REPLAY_CSV_COLUMNS)
    assert len(rows) == 3
