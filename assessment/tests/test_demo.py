"""The Eastbrook demo's screening assessments: made through the action, synthetic, with trends,
some high and some reassessments overdue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessment import queries
from assessment.models import Assessment, Level
from demo.eastbrook import Generator
from partnership.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_assesses_a_share_of_young_people_with_trends():
    generator = Generator(seed=2017, size="tiny")
    generator.run()
    assessments = list(Assessment.objects.all())
    people = {a.young_person_id for a in assessments}
    assert 0 < len(people) < len(generator.registered)
    assert all(a.is_synthetic for a in assessments)
    per_person = [sum(1 for a in assessments if a.young_person_id == p) for p in people]
    assert max(per_person) >= 2
    assert max(per_person) <= 3
    assert all(a.age_at_assessment <= 17 for a in assessments)
    assert all(a.differs == bool(a.reason_for_difference) for a in assessments)
    coordinator = User.objects.get(username="csc.coordinator")
    assert queries.high_risk_young_people(coordinator)
    today = timezone.localdate()
    assert any(a.is_overdue(today) for a in queries.reassessments_due(coordinator))
    assert {a.chosen_level for a in assessments} >= {Level.LOW, Level.MEDIUM, Level.HIGH}
