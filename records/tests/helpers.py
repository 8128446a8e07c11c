"""Building records for tests through the real actions."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code
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


def next_code(user: User) -> str:
    """A code the user's authenticator shows now that has not been used yet (each code is good
    once: the step signing in used is spent, the next one is accepted early)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        step = int(time.time() - device.t0) // device.step
        for ahead in range(device.tolerance + 1):
            if step + ahead > device.last_t:
                return current_code(device, steps_ago=-ahead)
        time.sleep(1)


def export_csv(
    client: Client,
    user: User,
    person: YoungPerson,
    *,
    purpose: str = "subject_access",
    detail: str = "Subject access request SAR-2026-041 from the young person's mother",
) -> Any:
    """Export a chronology the way a user does: say why, enter a new code, come back for it."""
    path = f"/young-people/{person.pk}/export/"
    asked = client.post(path, {"purpose": purpose, "detail": detail})
    assert asked.status_code == 302, asked.status_code
    assert asked["Location"].startswith("/sign-in/confirm/"), asked["Location"]
    confirmed = client.post(asked["Location"], {"code": next_code(user)})
    assert confirmed.status_code == 302, confirmed.content[:300]
    assert confirmed["Location"] == path, confirmed["Location"]
    return client.get(path)
