"""Small factories for alerts: rules, versions, alerts and their evidence, made directly (the
rules library and its seed are the engine's; these tests need only rows to triage)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertEvidence, AlertStatus, ReplayRun, Rule, RuleVersion
from people.models import YoungPerson
from records.models import AgencyRecord


@pytest.fixture
def make_rule(db) -> Callable[..., Rule]:
    made = {"n": 0}

    def make(
        code: str | None = None,
        name: str | None = None,
        parameters: dict[str, Any] | None = None,
        **extra: Any,
    ) -> Rule:
        made["n"] += 1
        n = made["n"]
        rule = Rule.objects.create(
            code=code or f"test-rule-{n}",
            name=name or f"Test rule {n}",
            description=extra.pop("description", "Concerns from several agencies in a short time."),
            why=extra.pop("why", "Low-level concerns add up when seen together."),
            position=n,
            **extra,
        )
        RuleVersion.objects.create(
            rule=rule,
            number=1,
            parameters=parameters if parameters is not None else {"agencies": 2, "days": 30},
            reason="Defaults.",
        )
        return rule

    return make


@pytest.fixture
def make_alert(db) -> Callable[..., Alert]:
    def make(
        rule: Rule,
        people: Iterable[YoungPerson],
        evidence: Iterable[AgencyRecord] = (),
        *,
        status: str = AlertStatus.OPEN,
        days_ago: int = 1,
        replay_run: ReplayRun | None = None,
        **extra: Any,
    ) -> Alert:
        people = list(people)
        raised = timezone.now() - timedelta(days=days_ago)
        alert = Alert.objects.create(
            rule=rule,
            rule_version=rule.versions.order_by("-number")[0],
            replay_run=replay_run,
            key=f"{rule.code}:{'-'.join(str(p.pk) for p in people)}:{Alert.objects.count()}",
            status=status,
            raised_at=raised,
            updated_at=raised,
            **extra,
        )
        alert.young_people.set(people)
        for record in evidence:
            AlertEvidence.objects.create(alert=alert, record=record, added_at=raised)
        return alert

    return make
