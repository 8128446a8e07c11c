"""Names and dates of birth are checked at the door: the form, the action and every import feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.models import Role
from people.actions import do_register_young_person
from people.forms import RegisterForm
from people.identifiers import date_of_birth_problem, name_problem
from people.models import YoungPerson


def _form(**changes: str) -> RegisterForm:
    data = {
        "given_name": "Kayla",
        "family_name": "Synthetic",
        "date_of_birth": "2011-03-04",
        "gender": "female",
        **changes,
    }
    return RegisterForm(data)


@pytest.mark.parametrize(
    "name",
    ["Zoë", "Łukasz Wójcik", "Siobhán Ó Briain", "محمد الحداد", "李小龙", "Anne-Marie O'Neil"],
)
def test_names_in_any_script_are_accepted(name):
    assert name_problem(name) is None
    form = _form(given_name=name)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Smith\u202eoj", "right-to-left override"),
        ("Smith\u2067x\u2069", "right-to-left override"),
        ("Sm\u200bith", "invisible zero-width"),
        ("Smith\ufeff", "invisible zero-width"),
        ("Smi\x1bth", "control characters"),
    ],
)
def test_a_last_name_with_spoofing_characters_is_refused_naming_the_field(name, rule):
    form = _form(family_name=name)
    assert not form.is_valid()
    message = str(form.errors["family_name"][0])
    assert rule in message
    assert message.startswith("Last name must not contain")


def test_a_date_of_birth_in_the_future_is_refused():
    form = _form(date_of_birth="2099-01-01")
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must not be in the future"]


def test_a_date_of_birth_more_than_30_years_ago_is_refused_naming_the_rule():
    form = _form(date_of_birth="1800-01-01")
    assert not form.is_valid()
    message = str(form.errors["date_of_birth"][0])
    assert "within the last 30 years" in message
    assert "young person age rule" in message


def test_the_age_rule_holds_today_and_thirty_years_ago_but_not_the_day_before():
    today = date(2026, 12, 7)
    assert date_of_birth_problem(today, today=today) is None
    assert date_of_birth_problem(date(1996, 12, 7), today=today) is None
    assert date_of_birth_problem(date(1996, 12, 6), today=today) is not None
    assert date_of_birth_problem(today + timedelta(days=1), today=today) is not None


def test_the_age_rule_copes_with_a_29_february_today():
    assert date_of_birth_problem(date(1994, 2, 28), today=date(2024, 2, 29)) is None


@pytest.mark.django_db
def test_the_register_page_refuses_a_date_of_birth_in_2099_and_saves_nothing(signed_in, make_user):
    client = signed_in(make_user(Role.PRACTITIONER, agency="school"))
    response = client.post(
        "/young-people/new/",
        {
            "given_name": "Kayla",
            "family_name": "Synthetic",
            "date_of_birth": "2099-01-01",
            "gender": "female",
        },
    )
    assert response.status_code == 200
    assert b"Date of birth must not be in the future" in response.content
    assert not YoungPerson.objects.exists()


@pytest.mark.django_db
def test_the_action_refuses_a_zero_width_name_from_any_caller(agencies):
    with pytest.raises(ValidationError) as refused:
        do_register_young_person(
            actor=None,
            agency=agencies["school"],
            given_name="Kay\u200dla",
            family_name="Synthetic",
            date_of_birth=timezone.localdate() - timedelta(days=5000),
            gender="female",
        )
    assert "Given name must not contain invisible zero-width characters" in str(refused.value)
    assert not YoungPerson.objects.exists()


@pytest.mark.django_db
def test_the_action_refuses_a_date_of_birth_in_1800(agencies):
    with pytest.raises(ValidationError) as refused:
        do_register_young_person(
            actor=None,
            agency=agencies["school"],
            given_name="Kayla",
            family_name="Synthetic",
            date_of_birth=date(1800, 1, 1),
            gender="female",
        )
    assert "young person age rule" in str(refused.value)
