"""Building assessments for tests through the real actions."""

from __future__ import annotations

from datetime import date

from assessment import queries
from assessment.actions import Given, do_assess
from assessment.models import Answer, Assessment, Level
from governance.actions import do_add_relationship
from governance.models import RelationshipKind
from partnership.models import User
from people.models import YoungPerson


def person(born: date, given: str = "Jordan") -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given, family_name="Testperson", date_of_birth=born, is_synthetic=True
    )


def join_case_team(user: User, young_person: YoungPerson) -> None:
    do_add_relationship(
        actor=None,
        young_person=young_person,
        user=user,
        kind=RelationshipKind.CASE_TEAM,
        reason="Allocated for the test",
    )


def answers(present: tuple[str, ...] = (), not_known: tuple[str, ...] = ()) -> dict[str, Given]:
    """An answer for every active indicator: those named present (with evidence), the rest not
    present unless named not known."""
    given = {}
    for indicator in queries.current_tool().indicators.filter(is_active=True):
        code = indicator.code
        if code in present:
            given[code] = Given(
                Answer.PRESENT, evidence=f"Seen: {code}", evidence_source="Police log 12"
            )
        elif code in not_known:
            given[code] = Given(Answer.NOT_KNOWN)
        else:
            given[code] = Given(Answer.NOT_PRESENT)
    return given


def assess(
    actor: User,
    young_person: YoungPerson,
    on: date,
    *,
    present: tuple[str, ...] = (),
    chosen: Level | None = None,
    reason: str = "",
    **extra: object,
) -> Assessment:
    """Assess, choosing the suggested level unless ``chosen`` is given."""
    given = answers(present)
    if chosen is None:
        from assessment.actions import suggestion_for

        suggestion, _ = suggestion_for(
            queries.current_tool(),
            {c: g.answer for c, g in given.items()},
            young_person.age_on(on),
        )
        chosen = suggestion.level
    return do_assess(
        actor=actor,
        young_person=young_person,
        assessed_on=on,
        answers=given,
        chosen_level=chosen,
        reason_for_difference=reason,
        **extra,  # type: ignore[arg-type]
    )
