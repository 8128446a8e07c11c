"""Lines for home page panels about the screening tool: (text, url) pairs, read through the same
queries as the pages they link to. Counts only: names are on the linked page, behind the gate."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from assessment import queries

Line = tuple[str, str]


def reassessment_lines(user: Any, within_days: int = 14) -> list[Line]:
    """ "Reassessments due": how many are overdue or due soon for this user, linking to the list."""
    rows = queries.reassessments_due(user, within_days)
    if not rows:
        return []
    today = timezone.localdate()
    overdue = sum(1 for row in rows if row.is_overdue(today))
    soon = len(rows) - overdue
    parts = []
    if overdue:
        parts.append(f"{overdue} CSE screening reassessment{'s' if overdue != 1 else ''} overdue")
    if soon:
        parts.append(f"{soon} due in the next {within_days} days")
    return [(", ".join(parts), reverse("assessment:due"))]
