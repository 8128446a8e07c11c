"""Building intelligence for tests, through the same actions as everything else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from intelligence.actions import do_record_intelligence
from intelligence.models import IntelligenceReport
from partnership.actions import do_create_agency
from partnership.models import Agency, AgencyKind, User

SOURCE_SECRET = "SOURCE-REF-4471-Kestrel"
HANDLER_SECRET = "DC Handler Marlow"


def report(author: User, **overrides: Any) -> IntelligenceReport:
    fields: dict[str, Any] = {
        "title": "Adult collecting girls from the park",
        "text": (
            'A man known as "Big D" collects girls from Eastbrook Park in a silver Ford Focus '
            "AB12 CDE and gives them his number 07700 900123. Snap: bigd_eb."
        ),
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "occurred_at": timezone.now() - timedelta(days=3),
        "source_reference": SOURCE_SECRET,
        "source_description": "Works at the takeaway opposite the park",
        "handler": HANDLER_SECRET,
    }
    fields.update(overrides)
    return do_record_intelligence(actor=author, **fields)


def second_police_force() -> Agency:
    return do_create_agency(
        actor=None, name="Otherborough Police", short_name="OBP", kind=AgencyKind.POLICE
    )
