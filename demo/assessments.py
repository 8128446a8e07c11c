"""CSE screening assessments in the synthetic Eastbrook demo, made through the real action.

A share of the young people (those with a case team first, then others, at most
:data:`MAX_ASSESSED`) get one to three assessments over the past year, each by a case-team
practitioner where there is one and otherwise by the children's social care coordinator. Each
young person follows a trajectory (rising, falling after support, steady or a single
assessment), so the history page shows realistic trends; a few are high, and about one in four
has a reassessment overdue. Now and then the professional chooses a level other than the
suggestion, with their reason.

Who, which trajectory and which indicators are fixed by the seed (stream ``"assessments"``).
Dates are counted back from the real today, as with the referral clock, so that "overdue" is
true whenever the demo is loaded. Everything is marked synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from assessment.actions import Given, do_assess, latest_due_date, suggestion_for
from assessment.models import Answer, IndicatorKind, Level, level_rank
from assessment.queries import current_tool
from governance.models import LegitimateRelationship
from governance.permissions import Capability, may
from partnership.models import User
from people.models import YoungPerson

if TYPE_CHECKING:
    from demo.eastbrook import Generator

MAX_ASSESSED = 120
SHARE_ASSESSED = 0.35

# What an assessor might write: the fact with its source, and their opinion, per indicator.
EVIDENCE: dict[str, tuple[str, str, str]] = {
    "prior_abuse": (
        "Subject of a child protection plan for neglect and sexual abuse, 2019-2021.",
        "Children's social care case file",
        "Earlier abuse makes it harder for her to recognise grooming.",
    ),
    "looked_after": ("Looked after under section 20 since March.", "CSC placement record", ""),
    "placement_moves": (
        "Three placement moves in the last twelve months.",
        "CSC placement record",
        "",
    ),
    "learning_disability": (
        "Education, health and care plan for moderate learning difficulty.",
        "School SENCO",
        "",
    ),
    "substance_misuse": (
        "Found intoxicated in the park twice in May.",
        "Police incident log",
        "The alcohol may be being given to him by older males.",
    ),
    "school_absence": ("Attendance 61% this term; two fixed-term exclusions.", "School DSL", ""),
    "gang_association": (
        "Seen with members of a known group at the Riverside retail park.",
        "Police intelligence summary",
        "",
    ),
    "exploited_peers": (
        "Close friend is on a CSE plan.",
        "MASE meeting minutes",
        "Peer recruitment is likely.",
    ),
    "domestic_abuse": ("Police called to domestic incidents at home three times.", "Police", ""),
    "missing_episodes": (
        "Reported missing four times in six weeks, twice overnight.",
        "Police missing persons log",
        "Return interviews suggest she stays with older males.",
    ),
    "missing_from_care": (
        "Absent from the children's home on three weekends.",
        "Residential home incident reports",
        "",
    ),
    "older_associates": (
        "Says her boyfriend is 24 and collects her from school.",
        "School DSL, disclosure to teacher",
        "The age gap and control suggest grooming.",
    ),
    "gifts_money_phones": (
        "Has a new phone and designer clothes; family cannot explain them.",
        "Parent, to the social worker",
        "",
    ),
    "sexual_health": (
        "Attended the sexual health clinic twice this term.",
        "Sexual health clinic (shared with consent)",
        "",
    ),
    "hotels_taxis": (
        "Seen arriving at the Riverside Lodge Hotel late at night with an adult man.",
        "Community partner concern, hotel duty manager",
        "",
    ),
    "online_contact": (
        "Sent images to an adult contact on a social media app.",
        "Police digital media investigator",
        "",
    ),
    "found_with_adults_of_concern": (
        "Found by patrol at 2am in a car with two adults known to police.",
        "Police stop record",
        "",
    ),
    "changed_behaviour": (
        "Withdrawn in class; keeps her phone hidden.",
        "Form tutor",
        "Marked change since the summer.",
    ),
    "self_harm": ("Seen in the emergency department after self-harm.", "ED liaison nurse", ""),
    "injuries": ("Bruising to the arms, unexplained.", "School nurse", ""),
}

DIFFERING_REASONS = {
    "up": "Information from the MASE meeting about the adults involved raises my concern "
    "beyond what the indicators show.",
    "down": "The indicators date from before she moved placement; the risk has reduced since "
    "and she is engaging well with her support worker.",
}

# Trajectories: the target level at each assessment, oldest first.
TRAJECTORIES: tuple[tuple[str, ...], ...] = (
    ("low", "medium", "high"),
    ("high", "medium", "low"),
    ("medium", "high"),
    ("high", "high"),
    ("low", "low"),
    ("medium", "medium", "low"),
    ("high",),
    ("medium",),
    ("not_apparent", "low"),
)


def _assessor(generator: Generator, young_person: YoungPerson) -> User:
    users = generator.user_by_username
    team = set(
        LegitimateRelationship.objects.filter(young_person=young_person).values_list(
            "user__username", flat=True
        )
    )
    for username in sorted(team):
        user = users.get(username)
        # A practitioner or screener of the team: one who assesses only in a case team.
        if (
            user is not None
            and may(user, Capability.ASSESS)
            and not may(user, Capability.ASSESS_WITHOUT_CASE_TEAM)
        ):
            return user
    return users["csc.coordinator"]


def _answers(
    rng: random.Random, target: str, codes_by_kind: dict[str, list[str]]
) -> dict[str, Given]:
    """Answers that land near ``target``: more warning signs for higher levels."""
    vulnerabilities, signs = {
        "not_apparent": (rng.randint(0, 1), 0),
        "low": (rng.randint(1, 2), 0),
        "medium": (rng.randint(1, 2), 1),
        "high": (rng.randint(2, 3), rng.randint(2, 3)),
    }[target]
    present = set(rng.sample(codes_by_kind[IndicatorKind.VULNERABILITY], vulnerabilities))
    present |= set(rng.sample(codes_by_kind[IndicatorKind.WARNING_SIGN], signs))
    unknown = set(rng.sample(sorted(set(EVIDENCE) - present), rng.randint(0, 3)))
    given: dict[str, Given] = {}
    for code in (c for kind in codes_by_kind.values() for c in kind):
        if code in present:
            fact, source, opinion = EVIDENCE.get(
                code, ("Recorded by the assessor.", "Case file", "")
            )
            given[code] = Given(Answer.PRESENT, fact, source, opinion)
        elif code in unknown:
            given[code] = Given(Answer.NOT_KNOWN)
        else:
            given[code] = Given(Answer.NOT_PRESENT)
    return given


def _dates(rng: random.Random, count: int, overdue: bool, today: date) -> list[date]:
    last = today - timedelta(days=rng.randint(100, 170) if overdue else rng.randint(5, 80))
    dates = [last]
    for _ in range(count - 1):
        dates.insert(0, dates[0] - timedelta(days=rng.randint(60, 88)))
    return dates


def generate(gen: Generator) -> int:
    """Assess a share of Eastbrook's young people; returns how many assessments were made."""
    rng = gen.stream("assessments")
    today = timezone.localdate()
    tool = current_tool()
    codes_by_kind: dict[str, list[str]] = {
        IndicatorKind.VULNERABILITY: [],
        IndicatorKind.WARNING_SIGN: [],
    }
    for indicator in tool.indicators.filter(is_active=True):
        codes_by_kind[indicator.kind].append(indicator.code)
    in_teams = set(LegitimateRelationship.objects.values_list("young_person_id", flat=True))
    eligible = [p for p in gen.registered if 10 <= p.age_on(today) <= 17]
    with_team = [p for p in eligible if p.pk in in_teams]
    others = [p for p in eligible if p.pk not in in_teams]
    wanted = min(MAX_ASSESSED, max(1, round(len(eligible) * SHARE_ASSESSED)))
    chosen: Sequence[YoungPerson] = (with_team + rng.sample(others, len(others)))[:wanted]
    made = 0
    for young_person in chosen:
        trajectory = rng.choice(TRAJECTORIES)
        overdue = rng.random() < 0.25
        assessor = _assessor(gen, young_person)
        for target, on in zip(
            trajectory, _dates(rng, len(trajectory), overdue, today), strict=True
        ):
            if young_person.age_on(on) < 10:
                continue
            given = _answers(rng, target, codes_by_kind)
            suggestion, _ = suggestion_for(
                tool, {code: g.answer for code, g in given.items()}, young_person.age_on(on)
            )
            chosen_level, reason = suggestion.level, ""
            if rng.random() < 0.15:
                rank = level_rank(suggestion.level)
                step = 1 if rank < 3 and (rank == 0 or rng.random() < 0.5) else -1
                chosen_level = [Level.NOT_APPARENT, Level.LOW, Level.MEDIUM, Level.HIGH][
                    rank + step
                ]
                reason = DIFFERING_REASONS["up" if step > 0 else "down"]
            sooner = chosen_level == Level.HIGH and rng.random() < 0.5
            do_assess(
                actor=assessor,
                young_person=young_person,
                assessed_on=on,
                answers=given,
                chosen_level=chosen_level,
                reason_for_difference=reason,
                summary_opinion="Synthetic demo assessment.",
                next_due=on + timedelta(days=30) if sooner else latest_due_date(on),
                version=tool,
                is_synthetic=True,
            )
            made += 1
    gen._progress(f"{made} CSE screening assessments of {len(chosen)} young people")
    return made
