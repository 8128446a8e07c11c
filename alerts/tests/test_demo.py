"""The demo town arrives with the live alerts its records give, not a flood of them."""

from __future__ import annotations

import pytest

from alerts.models import Alert
from demo.eastbrook import Generator

pytestmark = pytest.mark.django_db


def test_the_demo_loader_leaves_a_queue_of_live_alerts_including_the_hidden_cluster(
    monkeypatch,
):
    monkeypatch.setattr("demo.imports.generate", lambda gen: None)  # the imports' own test
    generator = Generator(seed=2017, size="tiny")
    summary = generator.run()
    live = Alert.objects.filter(replay_run=None)
    assert summary.alerts == live.count() > 0
    # A handful per town, not one per young person.
    assert live.count() < len(generator.registered) // 2
    # The cluster's members share a phone, a vehicle or a place: the rules join them.
    assert plan_cluster_linked(generator, live)


def plan_cluster_linked(generator: Generator, live) -> bool:
    plan = generator.record_plan
    assert plan is not None
    members = {
        generator.registered[index].pk for cluster in plan.clusters for index in cluster.members
    }
    shared = live.filter(rule__code="shared_identifier")
    return any(
        set(alert.young_people.values_list("pk", flat=True)) <= members
        and alert.young_people.count() >= 2
        for alert in shared
    )
