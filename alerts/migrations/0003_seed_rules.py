"""The rules library's rows: one Rule per rule in ``alerts/rules.py``, with version 1 holding
its default parameters. Names, descriptions and the research they cite are copied here as they
stood, so that a later change to the code does not rewrite history."""

from typing import Any

from django.db import migrations
from django.utils import timezone

LOW_LEVEL = (
    '"concerns which initially appear to be of a low level when viewed in isolation may be '
    'escalated when considered alongside what is known by other agencies"'
)

RULES: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    (
        "several_agencies_concerned",
        "Several agencies concerned",
        "Concerns or warning signs about the same young person from {agencies} or more "
        "different agencies within {window_days} days.",
        f"The research briefing: {LOW_LEVEL}. No single agency sees the pattern; together they "
        "may.",
        {"agencies": 3, "window_days": 60, "include_warning_signs": True},
    ),
    (
        "health_near_missing",
        "Health attendance near a missing episode",
        "A sexual health, emergency department or school nurse attendance within {days} days "
        "of a missing episode's start or return (or while missing).",
        "Sexual health clinic and emergency department visits soon after going missing are "
        "among the signs the research briefing lists of a young person being exploited while "
        "away. Health rarely knows about the missing episode, and the police rarely know about "
        f"the visit: {LOW_LEVEL}.",
        {
            "days": 7,
            "health_types": [
                "sexual-health-attendance",
                "emergency-attendance",
                "school-nurse-contact",
            ],
        },
    ),
    (
        "repeat_missing",
        "Repeatedly missing",
        "{episodes} or more missing episodes within {window_days} days. Episodes from a "
        "residential children's home: {residential_home_episodes} (with 'own_threshold', "
        "{residential_threshold} episodes including them).",
        "Going missing repeatedly is one of the strongest warning signs in the research "
        "briefing. Episodes from residential homes are common and often innocent, so the "
        "partnership chooses how they count: 'count' (like any other), 'ignore' (never), or "
        "'own_threshold' (only when there are many).",
        {
            "episodes": 3,
            "window_days": 90,
            "residential_home_episodes": "own_threshold",
            "residential_threshold": 6,
            "residential_words": ["children's home", "childrens home", "residential", "care home"],
        },
    ),
    (
        "absent_and_missing",
        "Absent from school and missing",
        "An unauthorised absence on the days of a police missing report (or {days_after_return} "
        "day after the return); or {absence_days} or more days of unauthorised absence within "
        "{window_days} days with no missing report.",
        "Schools see the absence, the police see the missing report; neither sees both. The "
        "research briefing lists unexplained absence and going missing together as a warning "
        "sign, and an absence pattern with no report may be a young person missing whom nobody "
        "reported.",
        {
            "days_after_return": 1,
            "absence_days": 5,
            "window_days": 14,
            "absence_types": ["school-absence"],
        },
    ),
    (
        "lessons_missed_after_registration",
        "Lessons missed after registration",
        "Present at registration, then absent from lessons, on {days} or more days within "
        "{window_days} days.",
        "Leaving school after the register is taken is how a young person is collected during "
        "the day without an absence being recorded; the research briefing names truanting and "
        "leaving school during the day among the warning signs.",
        {"days": 3, "window_days": 14},
    ),
    (
        "shared_identifier",
        "Shared adult, car, phone or place",
        "The same person of interest, vehicle, phone, place or online identity named in records "
        "about {young_people} or more young people, from any agencies, unless the coordinator "
        "lists it as benign (a school, a police station, a helpline, a children's home's own "
        "address).",
        "Exploitation is organised: one adult, car, phone or flat links several victims. Each "
        "agency holds one piece; the link shows only when they are put together, as the "
        f"research briefing says: {LOW_LEVEL}.",
        {"young_people": 2, "kinds": ["person", "vehicle", "phone", "place", "online"]},
    ),
    (
        "older_associate",
        "Older associate",
        "A young person linked to an adult ({adult_age} or over) who is {years_older} or more "
        "years older, where a record gives the adult's age or date of birth.",
        "An older 'boyfriend' or 'friend' is the commonest route into sexual exploitation the "
        "research briefing describes. Only records that give the adult's age can show the gap "
        "(an age in the person link's label, or the record's associate_age or "
        "associate_date_of_birth): a person named without an age cannot raise this prompt.",
        {"years_older": 5, "adult_age": 18},
    ),
    (
        "escalating",
        "Escalating concerns",
        "Concerns in {recent_days} days at least {ratio} times the rate of the {prior_days} "
        "days before (and at least {min_recent} of them).",
        "Exploitation ramps up over weeks: the research briefing describes grooming that "
        "escalates. A rising rate of concerns, from any agencies, is a prompt to look again.",
        {
            "recent_days": 30,
            "prior_days": 90,
            "ratio": 2,
            "min_recent": 3,
            "include_warning_signs": True,
        },
    ),
    (
        "vulnerability_meets_warning_sign",
        "Vulnerability meets warning sign",
        "A vulnerability known to one agency (looked after, child in need, a protection plan, "
        "out of education, a pupil referral unit, any vulnerability indicator) and a warning "
        "sign recorded by another agency while it stands.",
        "The research briefing: vulnerable young people (looked after, out of school, in a "
        "pupil referral unit) are over-represented among victims, and the agency that knows the "
        f"vulnerability is rarely the one that sees the warning sign. {LOW_LEVEL}.",
        {
            "vulnerability_types": ["child-in-need", "child-protection-plan"],
            "pru_words": ["pupil referral", "PRU", "alternative provision"],
            "warning_concern_categories": [
                "older_associate",
                "unexplained_gifts_or_money",
                "seen_in_hotspot",
            ],
        },
    ),
)


def seed(apps: Any, schema_editor: Any) -> None:
    rule_model = apps.get_model("alerts", "Rule")
    version_model = apps.get_model("alerts", "RuleVersion")
    for position, (code, name, description, why, parameters) in enumerate(RULES, start=1):
        rule, made = rule_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "why": why,
                "position": position,
                "is_enabled": True,
            },
        )
        if made or not version_model.objects.filter(rule=rule).exists():
            version_model.objects.create(
                rule=rule,
                number=1,
                parameters=parameters,
                reason="The library's default parameters.",
                created_at=timezone.now(),
            )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_full_evaluation")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
