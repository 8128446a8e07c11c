"""The Eastbrook demo has cases at every stage, made through the real actions."""

from __future__ import annotations

import pytest

from cases import queries
from cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    DecisionNotToAct,
    StrategyDiscussion,
    TransitionPlan,
)
from demo.eastbrook import Generator


@pytest.mark.django_db
def test_the_demo_has_cases_at_each_stage_and_referrals_to_chase():
    generator = Generator(seed=2017, size="small")
    generator.run()
    coordinator = generator.user_by_username["csc.coordinator"]
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {CaseStatus.STRATEGY_DISCUSSION, CaseStatus.OPEN, CaseStatus.CLOSED}
    assert Case.objects.filter(status=CaseStatus.CLOSED).exclude(outcome_code="").exists()
    assert StrategyDiscussion.objects.filter(case__isnull=False).exists()
    assert any(case.review_overdue for case in Case.objects.all())
    assert queries.cases_due_review(coordinator).count() >= 2
    assert TransitionPlan.objects.exists()
    assert queries.cases_turning_18(coordinator).exists()
    owners = set(Action.objects.values_list("owner_agency__short_name", flat=True))
    assert len(owners) >= 4
    assert Action.objects.filter(status=ActionStatus.DONE).exists()
    assert queries.overdue_actions().exists()
    assert DecisionNotToAct.objects.exists()
    assert queries.referrals_without_outcome(coordinator).exists()
    assert not Case.objects.filter(is_synthetic=False).exists()
    assert not Action.objects.filter(is_synthetic=False).exists()
