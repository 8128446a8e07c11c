"""Each rule raises an alert on its pattern, and not just below its threshold, outside its
window, for a benign value, or when the rule is switched off. Records are saved through the
records action, as a form or an import saves them, and the alert follows in the same call."""

from __future__ import annotations

import pytest

from alerts.models import BenignValue
from alerts.tests.helpers import (
    alerts_for,
    disable,
    evidence_of,
    person,
    record,
    set_parameters,
)

pytestmark = pytest.mark.django_db


# --- several agencies concerned -------------------------------------------------------------


def test_concerns_from_three_agencies_within_the_window_raise_one_alert(agencies):
    kayla = person()
    made = [
        record(agencies, kayla, "concern", agency="school", days_ago=40),
        record(agencies, kayla, "concern", agency="health", days_ago=30),
        record(agencies, kayla, "gifts", agency="charity", days_ago=5),
    ]
    [alert] = alerts_for("several_agencies_concerned")
    assert evidence_of(alert) == {r.pk for r in made}
    assert set(alert.young_people.values_list("pk", flat=True)) == {kayla.pk}


def test_concerns_from_two_agencies_or_spread_beyond_the_window_raise_nothing(agencies):
    kayla, jay = person(), person("Jay")
    record(agencies, kayla, "concern", agency="school", days_ago=40)
    record(agencies, kayla, "concern", agency="school", days_ago=30)
    record(agencies, kayla, "concern", agency="health", days_ago=5)
    # Three agencies, but 100 days apart end to end (the window is 60 days).
    record(agencies, jay, "concern", agency="school", days_ago=110)
    record(agencies, jay, "concern", agency="health", days_ago=60)
    record(agencies, jay, "concern", agency="charity", days_ago=5)
    assert alerts_for("several_agencies_concerned") == []


def test_a_switched_off_rule_raises_nothing(agencies):
    disable("several_agencies_concerned")
    kayla = person()
    for agency in ("school", "health", "charity"):
        record(agencies, kayla, "concern", agency=agency, days_ago=5)
    assert alerts_for("several_agencies_concerned") == []


def test_new_parameters_apply_to_the_next_record(agencies):
    set_parameters("several_agencies_concerned", agencies=2)
    kayla = person()
    record(agencies, kayla, "concern", agency="school", days_ago=5)
    record(agencies, kayla, "concern", agency="health", days_ago=4)
    [alert] = alerts_for("several_agencies_concerned")
    assert alert.rule_version.number == 2


# --- health near missing --------------------------------------------------------------------


def test_a_sexual_health_visit_days_after_a_return_raises_an_alert(agencies):
    kayla = person()
    episode = record(agencies, kayla, "missing-episode", days_ago=20, hours=30)
    visit = record(agencies, kayla, "sexual-health-attendance", agency="health", days_ago=15)
    [alert] = alerts_for("health_near_missing")
    assert evidence_of(alert) == {episode.pk, visit.pk}


def test_a_health_visit_weeks_after_a_return_or_a_gp_visit_raises_nothing(agencies):
    kayla = person()
    record(agencies, kayla, "missing-episode", days_ago=40, hours=5)
    record(agencies, kayla, "emergency-attendance", agency="health", days_ago=30)
    record(agencies, kayla, "health-attendance", agency="health", days_ago=39)
    assert alerts_for("health_near_missing") == []


# --- repeat missing -------------------------------------------------------------------------


def test_three_episodes_in_ninety_days_raise_an_alert_and_two_do_not(agencies):
    kayla, jay = person(), person("Jay")
    made = [record(agencies, kayla, "missing-episode", days_ago=d, hours=4) for d in (80, 40, 2)]
    record(agencies, jay, "missing-episode", days_ago=80, hours=4)
    record(agencies, jay, "missing-episode", days_ago=2, hours=4)
    record(agencies, jay, "missing-episode", days_ago=200, hours=4)  # outside 90 days
    [alert] = alerts_for("repeat_missing")
    assert evidence_of(alert) == {r.pk for r in made}


def test_episodes_from_a_childrens_home_count_only_when_there_are_many(agencies):
    kayla = person()
    home = {"reported_by": "Children's home staff"}
    for days in (60, 50, 40, 30, 20):
        record(agencies, kayla, "missing-episode", days_ago=days, hours=3, facts=home)
    assert alerts_for("repeat_missing") == []  # five: below the residential threshold of six
    record(agencies, kayla, "missing-episode", days_ago=10, hours=3, facts=home)
    assert len(alerts_for("repeat_missing")) == 1


def test_the_partnership_can_count_childrens_home_episodes_like_any_other(agencies):
    set_parameters("repeat_missing", residential_home_episodes="count")
    kayla = person()
    for days in (30, 20, 10):
        record(
            agencies,
            kayla,
            "missing-episode",
            days_ago=days,
            hours=3,
            facts={"missing_from_location": "Children's home (synthetic)"},
        )
    assert len(alerts_for("repeat_missing")) == 1


# --- absent and missing ---------------------------------------------------------------------


def test_an_absence_the_day_after_a_missing_night_raises_an_alert(agencies):
    kayla = person()
    episode = record(agencies, kayla, "missing-episode", days_ago=10, hours=14)
    absence = record(agencies, kayla, "school-absence", agency="school", days_ago=9)
    [alert] = alerts_for("absent_and_missing")
    assert evidence_of(alert) == {episode.pk, absence.pk}
    assert alert.key.endswith(":missing")


def test_an_absence_days_away_from_any_missing_episode_raises_nothing(agencies):
    kayla = person()
    record(agencies, kayla, "missing-episode", days_ago=20, hours=3)
    record(agencies, kayla, "school-absence", agency="school", days_ago=10)
    assert alerts_for("absent_and_missing") == []


def test_five_days_of_absence_in_a_fortnight_with_no_report_raise_an_alert(agencies):
    kayla, jay = person(), person("Jay")
    for days in (14, 12, 10, 8, 6):
        record(agencies, kayla, "school-absence", agency="school", days_ago=days)
    for days in (14, 12, 10, 8):  # four days only
        record(agencies, jay, "school-absence", agency="school", days_ago=days)
    [alert] = alerts_for("absent_and_missing")
    assert alert.key.endswith(":no_report")
    assert set(alert.young_people.values_list("pk", flat=True)) == {kayla.pk}


# --- lessons missed after registration ------------------------------------------------------


def test_lessons_missed_on_three_days_in_a_fortnight_raise_an_alert(agencies):
    kayla, jay = person(), person("Jay")
    for days in (13, 7, 2):
        record(agencies, kayla, "lesson-missed", agency="school", days_ago=days)
    for days in (30, 16, 2):  # three days, but over four weeks
        record(agencies, jay, "lesson-missed", agency="school", days_ago=days)
    [alert] = alerts_for("lessons_missed_after_registration")
    assert set(alert.young_people.values_list("pk", flat=True)) == {kayla.pk}


# --- shared identifier ----------------------------------------------------------------------

PHONE = ("phone", "020 7946 0123", "Number saved as 'Uncle'")


def test_the_same_phone_in_two_agencies_records_about_two_young_people_links_them(agencies):
    kayla, jay = person(), person("Jay")
    first = record(agencies, kayla, "police-stop", days_ago=20, links=(PHONE,))
    second = record(agencies, jay, "concern", agency="charity", days_ago=3, links=(PHONE,))
    [alert] = alerts_for("shared_identifier")
    assert set(alert.young_people.values_list("pk", flat=True)) == {kayla.pk, jay.pk}
    assert evidence_of(alert) == {first.pk, second.pk}
    assert (alert.shared_kind, alert.shared_value) == ("phone", "+442079460123")


def test_a_phone_named_only_for_one_young_person_links_nobody(agencies):
    kayla = person()
    record(agencies, kayla, "police-stop", days_ago=20, links=(PHONE,))
    record(agencies, kayla, "concern", agency="charity", days_ago=3, links=(PHONE,))
    assert alerts_for("shared_identifier") == []


def test_a_benign_value_never_links_young_people(agencies):
    BenignValue.objects.create(kind="place", value="EB1 1AA", label="Eastbrook Academy")
    kayla, jay = person(), person("Jay")
    school = ("place", "EB1 1AA", "Eastbrook Academy")
    record(agencies, kayla, "police-stop", days_ago=20, links=(school,))
    record(agencies, jay, "police-stop", days_ago=3, links=(school,))
    assert alerts_for("shared_identifier") == []


def test_a_third_young_person_joins_the_open_alert(agencies):
    kayla, jay, sam = person(), person("Jay"), person("Sam")
    record(agencies, kayla, "police-stop", days_ago=20, links=(PHONE,))
    record(agencies, jay, "police-stop", days_ago=10, links=(PHONE,))
    third = record(agencies, sam, "concern", agency="charity", days_ago=3, links=(PHONE,))
    [alert] = alerts_for("shared_identifier")
    assert set(alert.young_people.values_list("pk", flat=True)) == {kayla.pk, jay.pk, sam.pk}
    assert third.pk in evidence_of(alert)


# --- older associate ------------------------------------------------------------------------


def test_an_adult_whose_age_is_recorded_and_is_much_older_raises_an_alert(agencies):
    kayla = person()  # 15 (born 2011)
    found = record(
        agencies,
        kayla,
        "found-with-adult",
        days_ago=5,
        links=(("person", "Jay Synthetic", "Jay, aged 24"),),
    )
    [alert] = alerts_for("older_associate")
    assert evidence_of(alert) == {found.pk}
    assert alert.shared_value == "Jay Synthetic"


def test_a_peer_or_an_adult_without_an_age_raises_nothing(agencies):
    kayla = person()
    record(agencies, kayla, "police-stop", days_ago=5, links=(("person", "Sam", "Sam (17)"),))
    record(agencies, kayla, "police-stop", days_ago=4, links=(("person", "Jay", "Jay"),))
    record(
        agencies,
        kayla,
        "police-stop",
        days_ago=3,
        facts={"associate_age": 19},  # four years older only
        links=(("person", "Lee", "Lee"),),
    )
    assert alerts_for("older_associate") == []


# --- escalating -----------------------------------------------------------------------------


def test_concerns_doubling_in_the_last_month_raise_an_alert(agencies):
    kayla = person()
    record(agencies, kayla, "concern", agency="school", days_ago=100)
    recent = [record(agencies, kayla, "concern", agency="school", days_ago=d) for d in (20, 10, 2)]
    [alert] = alerts_for("escalating")
    assert evidence_of(alert) == {r.pk for r in recent}


def test_a_steady_rate_of_concerns_raises_nothing(agencies):
    kayla = person()
    # One every ten days since before the look-back: three a month, month after month.
    for days in range(400, 0, -10):
        record(agencies, kayla, "concern", agency="school", days_ago=days)
    assert alerts_for("escalating") == []


# --- vulnerability meets warning sign -------------------------------------------------------


def test_looked_after_known_to_social_care_and_a_school_warning_sign_raise_an_alert(agencies):
    kayla = person()
    in_care = record(agencies, kayla, "in-care", agency="csc", days_ago=200)
    gifts = record(agencies, kayla, "gifts", agency="school", days_ago=3)
    [alert] = alerts_for("vulnerability_meets_warning_sign")
    assert evidence_of(alert) == {in_care.pk, gifts.pk}


def test_a_warning_sign_from_the_agency_that_knows_the_vulnerability_raises_nothing(agencies):
    kayla = person()
    record(agencies, kayla, "in-care", agency="csc", days_ago=200)
    record(agencies, kayla, "gifts", agency="csc", days_ago=3)
    assert alerts_for("vulnerability_meets_warning_sign") == []


def test_a_vulnerability_recorded_before_the_look_back_still_stands(agencies):
    kayla = person()
    in_care = record(agencies, kayla, "in-care", agency="csc", days_ago=800)  # over two years
    gifts = record(agencies, kayla, "gifts", agency="school", days_ago=3)
    [alert] = alerts_for("vulnerability_meets_warning_sign")
    assert evidence_of(alert) == {in_care.pk, gifts.pk}


def test_concerns_before_the_look_back_count_for_nothing(agencies):
    kayla = person()
    for agency in ("school", "health", "charity"):
        record(agencies, kayla, "concern", agency=agency, days_ago=400)
    assert alerts_for("several_agencies_concerned") == []
