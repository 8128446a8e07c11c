"""The fairness view counts who is identified against who is known, and hides small counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

import pytest
from django.utils import timezone

from alerts.fairness import fairness
from alerts.models import Alert, ReplayRun, Rule, RuleVersion
from people.models import CareStatus, Gender, YoungPerson

TODAY = date(2026, 12, 1)
_serial = count(1)


def _person(gender: str, born: date = date(2011, 6, 1), **extra: object) -> YoungPerson:
    number = next(_serial)
    return YoungPerson.objects.create(
        given_name=f"Synth{number}",
        family_name="Fairtest",
        date_of_birth=born,
        gender=gender,
        is_synthetic=True,
        **extra,
    )


def _alert(version: RuleVersion, people: list[YoungPerson], raised: date, **extra: object) -> None:
    at = timezone.make_aware(datetime.combine(raised, datetime.min.time()) + timedelta(hours=10))
    for person in people:
        alert = Alert.objects.create(
            rule=version.rule,
            rule_version=version,
            key=f"test:{person.pk}:{raised}",
            raised_at=at,
            updated_at=at,
            **extra,
        )
        alert.young_people.add(person)


@pytest.fixture
def version(db) -> RuleVersion:
    rule = Rule.objects.create(code="fairness-test", name="Test rule", description="d", why="w")
    return RuleVersion.objects.create(rule=rule, number=1, parameters={}, reason="test")


def _table(tables, code):
    return next(table for table in tables if table.dimension.code == code)


def _row(table, group):
    return next(row for row in table.rows if row.group == group)


def test_alerted_young_people_are_counted_by_gender_against_the_register(version):
    girls = [_person(Gender.GIRL) for _ in range(40)]
    boys = [_person(Gender.BOY) for _ in range(60)]
    _alert(version, girls[:20], date(2026, 11, 10))
    _alert(version, boys[:5], date(2026, 11, 12))
    # Neither of these counts: one before the period, one from a replay run.
    _alert(version, boys[5:6], date(2026, 9, 1))
    run = ReplayRun.objects.create(name="last year", starts_on=TODAY, ends_on=TODAY)
    _alert(version, boys[6:12], date(2026, 11, 15), replay_run=run)

    gender = _table(fairness(date(2026, 11, 1), date(2026, 11, 30), on=TODAY), "gender")
    assert _row(gender, "Female").counts["population"] == 40
    assert _row(gender, "Female").counts["alerted"] == 20
    assert _row(gender, "Male").counts["alerted"] == 5
    assert _row(gender, "Female").rates["alerted"] == pytest.approx(0.5)
    # Boys are 60% of the register but 20% of those alerted: named as possibly missed.
    assert any(line.startswith("Male: 60%") and "20%" in line for line in gender.findings)
    assert not any(line.startswith("Female") for line in gender.findings)


def test_a_count_under_five_is_hidden_and_cannot_be_worked_back(version):
    girls = [_person(Gender.GIRL) for _ in range(30)]
    boys = [_person(Gender.BOY) for _ in range(30)]
    _alert(version, girls[:9], date(2026, 11, 3))
    _alert(version, boys[:2], date(2026, 11, 3))

    gender = _table(fairness(date(2026, 11, 1), date(2026, 11, 30), on=TODAY), "gender")
    assert _row(gender, "Male").counts["alerted"] is None
    # The total (11) is known, so the girls' 9 would give the boys' 2 back: hidden as well.
    assert _row(gender, "Female").counts["alerted"] is None
    assert _row(gender, "Male").rates["alerted"] is None
    assert gender.findings == []


def test_age_bands_care_status_and_disability_are_grouped(version):
    tens = [_person(Gender.GIRL, born=date(2016, 5, 1)) for _ in range(7)]  # 10 on 1 Dec 2026
    fifteens = [
        _person(Gender.GIRL, born=date(2011, 1, 1), care_status=CareStatus.LOOKED_AFTER)
        for _ in range(6)
    ]
    _person(Gender.BOY, born=date(2011, 12, 2), disability="Autism (synthetic)")  # 14
    _alert(version, fifteens, date(2026, 11, 20))

    tables = fairness(date(2026, 11, 1), date(2026, 11, 30), on=TODAY)
    ages = _table(tables, "age_band")
    assert _row(ages, "8 to 11").counts["population"] == len(tens)
    assert _row(ages, "14 to 15").counts["population"] == 7
    assert _row(ages, "14 to 15").counts["alerted"] == 6
    assert _row(ages, "8 to 11").counts["alerted"] == 0
    care = _table(tables, "care_status")
    assert _row(care, "Looked after").counts["alerted"] == 6
    disability = _table(tables, "disability")
    # One young person with a disability recorded: hidden, and the other group with it.
    assert _row(disability, "Disability or additional needs recorded").counts["population"] is None
    assert _row(disability, "None recorded").counts["population"] is None
