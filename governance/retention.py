"""Retention review dates from the schedule held as data (defaults in governance.defaults)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from governance.defaults import DEFAULT_RETENTION
from governance.models import RetentionRule
from records.models import AgencyRecord


def schedule() -> dict[str, tuple[int | None, int | None]]:
    rules = dict(DEFAULT_RETENTION)
    for rule in RetentionRule.objects.all():
        rules[rule.category] = (rule.review_at_age, rule.review_after_years)
    return rules


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def review_due(
    category: str,
    date_of_birth: date,
    recorded_at: datetime,
    rules: dict[str, tuple[int | None, int | None]] | None = None,
) -> date:
    """The later of the young person's review age and the years after recording."""
    at_age, after_years = (rules or schedule()).get(category, (25, None))
    candidates = []
    if at_age is not None:
        candidates.append(_add_years(date_of_birth, at_age))
    if after_years is not None:
        candidates.append(_add_years(recorded_at.date(), after_years))
    return max(candidates) if candidates else _add_years(date_of_birth, 25)


def overdue_for_agency(agency_id: int, today: date | None = None) -> QuerySet:  # type: ignore[type-arg]

    today = today or timezone.localdate()
    return AgencyRecord.objects.filter(
        owning_agency_id=agency_id, disposed_at__isnull=True, review_due__lte=today
    ).select_related("record_type", "young_person")
