"""Building agency records for the alert tests, through the real records action."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from alerts.models import Alert, Rule, RuleVersion
from people.models import YoungPerson
from records.actions import LinkInput, do_record
from records.models import AgencyRecord, RecordType

NOW = timezone.now()


def person(given: str = "Kayla", born: date = date(2011, 3, 4)) -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given, family_name="Synthetic-Testperson", date_of_birth=born, is_synthetic=True
    )


def record(
    agencies: dict[str, Any],
    young_person: YoungPerson,
    type_code: str,
    *,
    agency: str = "police",
    days_ago: float = 10,
    hours: float | None = None,
    recorded_days_ago: float | None = None,
    facts: dict[str, Any] | None = None,
    links: tuple[tuple[str, str, str], ...] = (),
    title: str = "Synthetic test record",
    at: datetime | None = None,
) -> AgencyRecord:
    occurred = at or NOW - timedelta(days=days_ago)
    ended = occurred + timedelta(hours=hours) if hours is not None else None
    # Written down an hour after it happened (or ended), unless the test says when.
    recorded = min((ended or occurred) + timedelta(hours=1), timezone.now())
    if recorded_days_ago is not None:
        recorded = NOW - timedelta(days=recorded_days_ago)
    return do_record(
        actor=None,
        agency=agencies[agency],
        young_person=young_person,
        record_type=RecordType.objects.get(code=type_code),
        occurred_at=occurred,
        ended_at=ended,
        recorded_at=recorded,
        title=title,
        nature="fact",
        facts=facts or {},
        links=[LinkInput(kind, value, label) for kind, value, label in links],
        is_synthetic=True,
    )


def alerts_for(code: str, **filters: Any) -> list[Alert]:
    return list(Alert.objects.filter(rule__code=code, replay_run=None, **filters).order_by("pk"))


def evidence_of(alert: Alert) -> set[int]:
    return set(alert.evidence.values_list("record_id", flat=True))


def set_parameters(code: str, **changes: Any) -> None:
    rule = Rule.objects.get(code=code)
    current = rule.current_version
    assert current is not None
    RuleVersion.objects.create(
        rule=rule,
        number=current.number + 1,
        parameters={**current.parameters, **changes},
        reason="Test",
    )


def disable(code: str) -> None:
    Rule.objects.filter(code=code).update(is_enabled=False)
