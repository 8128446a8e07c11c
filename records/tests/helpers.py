"""Building records for tests through the real actions."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from partnership.models import User
from people.models import YoungPerson
from records.actions import do_record
from records.models import AgencyRecord, RecordType


def young_person(given: str = "Jordan", family: str = "Testperson") -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given, family_name=family, date_of_birth=date(2011, 3, 4), is_synthetic=True
    )


def record(
    author: User,
    person: YoungPerson,
    *,
    type_code: str = "concern",
    title: str = "Seen getting into a car with an older man",
    days_ago: int = 3,
    **extra: object,
) -> AgencyRecord:
    return do_record(
        actor=author,
        young_person=person,
        record_type=RecordType.objects.get(code=type_code),
        occurred_at=timezone.now() - timedelta(days=days_ago),
        title=title,
        nature=extra.pop("nature", "fact"),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
