"""When a feed's saved model is estimated again. Synthetic data; the engine is a stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from imports.models import Feed
from matching import linking
from matching.actions import do_save_linkage_model
from matching.tests.helpers import batch, person, rows, use_stand_in

pytestmark = pytest.mark.django_db


def _trainings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    use_stand_in(monkeypatch)
    sizes: list[int] = []

    def train(left: list[Any], right: list[Any]) -> dict[str, Any]:
        sizes.append(len(left) + len(right))
        return {"stand_in": True, "estimated": True}

    monkeypatch.setattr(linking, "train", train)
    return sizes


def test_a_model_that_kept_the_starting_values_is_estimated_again_with_more_data(
    agencies, monkeypatch
):
    trainings = _trainings(monkeypatch)
    do_save_linkage_model(
        actor=None, feed=Feed.SCHOOL_ATTENDANCE, model={"estimated": False}, rows_used=2
    )
    person("Jessica", "Smith")
    pending = rows(batch(agencies["school"], None), "Zofia Nowak", "Kai Okafor")

    linking.plan_rows(feed=Feed.SCHOOL_ATTENDANCE, actor=None, pending=pending)

    assert trainings == [3]  # one young person and two rows: more than the 2 it was made on


def test_an_estimated_model_is_kept_until_the_data_has_doubled(agencies, monkeypatch):
    trainings = _trainings(monkeypatch)
    do_save_linkage_model(
        actor=None, feed=Feed.SCHOOL_ATTENDANCE, model={"estimated": True}, rows_used=2
    )
    person("Jessica", "Smith")
    pending = rows(batch(agencies["school"], None), "Zofia Nowak", "Kai Okafor")

    linking.plan_rows(feed=Feed.SCHOOL_ATTENDANCE, actor=None, pending=pending)

    assert trainings == []


def test_a_starting_values_model_is_not_estimated_again_on_no_more_data(agencies, monkeypatch):
    trainings = _trainings(monkeypatch)
    do_save_linkage_model(
        actor=None, feed=Feed.SCHOOL_ATTENDANCE, model={"estimated": False}, rows_used=3
    )
    person("Jessica", "Smith")
    pending = rows(batch(agencies["school"], None), "Zofia Nowak", "Kai Okafor")

    linking.plan_rows(feed=Feed.SCHOOL_ATTENDANCE, actor=None, pending=pending)

    assert trainings == []
