"""Cases and plans in the synthetic Eastbrook demo, made through the real casework actions.

What the coordinator (``csc.coordinator``), the MASH (``csc.mash``) and the practitioners see:

- **Awaiting its strategy discussion**: the first referral the MASH screened for a strategy
  discussion has a case open already, led by Safe Steps (voluntary sector).
- **Open with a plan**: the second screened referral had its strategy discussion yesterday
  (police, children's social care, health, education, Safe Steps); the case is led by the police
  CSE detective, with a school nurse and the school's safeguarding lead in the team and actions
  owned by four agencies (one already done).
- **Review due soon**, **review overdue** (led by the coordinator, with an overdue police
  action), **turning 18** (with a transition plan naming Eastbrook Adult Services and Safe Steps
  as the VAWG partner) and **closed with an outcome** (risk reduced, every action done).
- **Action follows sharing**: three more school referrals screened as single-agency support:
  one answered with an action for the school nurse, one with a recorded decision not to act,
  and one left with neither, so the coordinator's "Referrals without an outcome" list has work.

Dates are counted from today, so "overdue" and "due soon" are true whenever the demo loads.
Everything is marked synthetic. Run after the referrals step and before the MASE step (the
MASE agenda lists cases due review).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from cases.actions import (
    do_add_case_member,
    do_assign_action,
    do_close_case,
    do_complete_action,
    do_decide_not_to_act,
    do_open_case,
    do_record_review,
    do_record_strategy_discussion,
    do_record_views,
    do_save_transition_plan,
)
from cases.models import (
    Action,
    ActionSource,
    Case,
    CaseStatus,
    eighteenth_birthday,
    transition_horizon,
)
from partnership.models import Agency, User
from people.models import YoungPerson
from referrals.actions import do_refer, do_screen
from referrals.models import Referral, ReferralStatus, ScreeningDecision

if TYPE_CHECKING:
    from demo.eastbrook import Generator

NEEDED = (
    "csc.coordinator",
    "csc.mash",
    "police.practitioner",
    "safesteps.practitioner",
    "health.schoolnurse",
    "school.dsl",
)


@dataclass
class _Demo:
    gen: Generator
    rng: random.Random
    users: dict[str, User]
    agencies: dict[str, Agency]
    today: date
    taken: set[int]

    @property
    def coordinator(self) -> User:
        return self.users["csc.coordinator"]

    def user(self, name: str) -> User | None:
        return self.users.get(name)

    def person(self, *, min_age: int = 12, max_age: int = 17) -> YoungPerson | None:
        """A young person not yet on a demo case, of an age that fits."""
        fits = [
            p
            for p in self.gen.registered
            if p.pk not in self.taken and min_age <= p.age_on(self.today) <= max_age
        ]
        if not fits:
            return None
        chosen = self.rng.choice(fits)
        self.taken.add(chosen.pk)
        return chosen

    def action(
        self,
        case: Case | None,
        agency: str,
        title: str,
        due_in: int,
        *,
        owner: str = "",
        done: str = "",
        actor: User | None = None,
        **extra: object,
    ) -> Action | None:
        if agency not in self.agencies:
            return None
        owner_user = self.user(owner) if owner else None
        made = do_assign_action(
            actor=actor or self.coordinator,
            title=title,
            owner_agency=self.agencies[agency],
            owner=owner_user,
            due_on=self.today + timedelta(days=due_in),
            case=case,
            allow_past_due=due_in < 0,
            is_synthetic=True,
            **extra,  # type: ignore[arg-type]
        )
        if done:
            finisher = owner_user or self.coordinator
            do_complete_action(actor=finisher, action=made, note=done)
        return made

    def opened(self, case: Case, days_ago: int) -> None:
        """Back-date a demo case, as if opened ``days_ago`` (reviews follow from it)."""
        opened_at = timezone.now() - timedelta(days=days_ago)
        Case.objects.filter(pk=case.pk).update(
            opened_at=opened_at,
            next_review_due=timezone.localdate(opened_at) + timedelta(days=case.review_every_days),
        )
        case.refresh_from_db()


def generate(gen: Generator) -> int:
    """Make the demo's strategy discussions, cases, plans and decisions; returns cases made."""
    users = gen.user_by_username
    if any(name not in users for name in NEEDED) or not gen.registered:
        gen._progress("cases skipped: the demo staff are not all there")
        return 0
    demo = _Demo(
        gen=gen,
        rng=gen.stream("cases"),
        users=users,
        agencies=gen.agency_by_key,
        today=timezone.localdate(),
        taken=set(Case.objects.values_list("young_person_id", flat=True)),
    )
    made = 0
    made += _from_screened_referrals(demo)
    made += _cases_at_each_stage(demo)
    answered = _action_follows_sharing(demo)
    gen._progress(f"{made} cases, {answered} referrals followed to an action or a decision")
    return made


def _from_screened_referrals(demo: _Demo) -> int:
    """The referrals the MASH screened for a strategy discussion become cases."""
    screened = list(
        Referral.objects.filter(
            status=ReferralStatus.SCREENED,
            screening__decision=ScreeningDecision.STRATEGY_DISCUSSION,
            young_person__isnull=False,
            cases__isnull=True,
        ).order_by("pk")[:2]
    )
    made = 0
    for index, referral in enumerate(screened):
        young_person = referral.young_person
        assert young_person is not None
        if Case.objects.filter(young_person=young_person).exclude(status="closed").exists():
            continue
        demo.taken.add(young_person.pk)
        if index == 0:
            do_open_case(
                actor=demo.coordinator,
                young_person=young_person,
                lead=demo.users["safesteps.practitioner"],
                referral=referral,
                status=CaseStatus.STRATEGY_DISCUSSION,
                lead_role="Specialist CSE youth worker",
                is_synthetic=True,
            )
        else:
            discussion = do_record_strategy_discussion(
                actor=demo.coordinator,
                young_person=young_person,
                referral=referral,
                held_on=demo.today - timedelta(days=1),
                chair=demo.coordinator,
                agencies_present=[
                    demo.agencies[key]
                    for key in ("police", "csc", "health", "education", "safesteps")
                    if key in demo.agencies
                ],
                attendees="Exploitation coordinator (chair); DC, child exploitation team; "
                "MASH social worker; school nurse; designated safeguarding lead; Safe Steps "
                "youth worker.",
                summary="Police shared two missing episodes in the last month, both ending at "
                "the Riverside retail park. School reports falling attendance and a new phone. "
                "Health: attended the walk-in centre once, gave a false address. Safe Steps "
                "already know her from detached sessions.",
                decision="open_case",
                decision_reason="Several agencies hold concerns that fit a pattern of grooming.",
                lead=demo.users["police.practitioner"],
                review_every_days=28,
                is_synthetic=True,
            )
            case = discussion.case
            assert case is not None
            do_add_case_member(
                actor=demo.coordinator,
                case=case,
                user=demo.users["health.schoolnurse"],
                role="School nurse",
            )
            do_add_case_member(
                actor=demo.coordinator,
                case=case,
                user=demo.users["school.dsl"],
                role="Designated safeguarding lead",
            )
            lead = demo.users["police.practitioner"]
            demo.action(
                case,
                "police",
                "Child abduction warning notice to the adult seen collecting her",
                10,
                owner="police.practitioner",
                actor=lead,
            )
            demo.action(
                case,
                "health",
                "Weekly drop-in with the school nurse",
                5,
                owner="health.schoolnurse",
            )
            demo.action(
                case,
                "education",
                "Attendance and safe-travel plan agreed with the family",
                3,
                owner="school.dsl",
                done="Plan agreed at a meeting with mum; taxi to and from school for 4 weeks.",
            )
            demo.action(case, "safesteps", "Weekly one-to-one sessions with Safe Steps", 14)
        made += 1
    return made


def _cases_at_each_stage(demo: _Demo) -> int:
    made = 0
    lead_of = {
        "review_due": "safesteps.practitioner",
        "review_overdue": "csc.coordinator",
        "closed": "csc.practitioner",
    }
    # Review due within the fortnight.
    if (person := demo.person()) is not None and (lead := demo.user(lead_of["review_due"])):
        case = do_open_case(
            actor=demo.coordinator, young_person=person, lead=lead, is_synthetic=True
        )
        demo.opened(case, 33)  # reviewed every 42 days: due in 9
        demo.action(case, "youthproject", "Invite to the Thursday girls' group", 12)
        demo.action(
            case,
            "housing",
            "Check who else is living at the flat",
            20,
            owner="housing.practitioner",
        )
        do_record_views(
            actor=lead,
            case=case,
            views="Says she is 'fine' and the older lads are 'just mates'. Wants to keep going "
            "to football. Told her youth worker on 2 visits that she does not want police "
            "involved.",
        )
        made += 1
    # Review overdue, led by the coordinator, with an overdue action.
    if (person := demo.person()) is not None:
        case = do_open_case(
            actor=demo.coordinator,
            young_person=person,
            lead=demo.coordinator,
            lead_role="Exploitation coordinator",
            is_synthetic=True,
        )
        demo.opened(case, 60)  # due 18 days ago
        if (officer := demo.user("police.practitioner")) is not None:
            do_add_case_member(
                actor=demo.coordinator, case=case, user=officer, role="Investigating officer"
            )
        demo.action(
            case,
            "police",
            "Return home interview after the latest missing episode",
            -4,
            owner="police.practitioner",
        )
        demo.action(case, "yos", "Referral to the Youth Offending Service knife-crime course", 7)
        made += 1
    # Turning 18 within six months, with its transition plan.
    horizon = transition_horizon(demo.today)
    nearly = [
        p
        for p in demo.gen.registered
        if p.pk not in demo.taken and demo.today < eighteenth_birthday(p.date_of_birth) <= horizon
    ]
    if nearly and "adults" in demo.agencies:
        person = demo.rng.choice(nearly)
        demo.taken.add(person.pk)
        case = do_open_case(
            actor=demo.coordinator,
            young_person=person,
            lead=demo.users["safesteps.practitioner"],
            is_synthetic=True,
        )
        demo.opened(case, 20)
        do_save_transition_plan(
            actor=demo.coordinator,
            case=case,
            handover_on=eighteenth_birthday(person.date_of_birth),
            adult_services_agency=demo.agencies["adults"],
            adult_services_contact="Transitions social worker, Eastbrook Adult Services "
            "transitions team (synthetic), 01632 960 118",
            vawg_agency=demo.agencies.get("safesteps"),
            vawg_contact="Safe Steps independent sexual violence adviser (synthetic)",
            notes="She has asked to keep the same youth worker for 3 months after 18. Adult "
            "safeguarding to attend the next review.",
        )
        demo.action(case, "adults", "Care Act assessment before her 18th birthday", 45)
        made += 1
    # Closed with an outcome.
    if (person := demo.person(min_age=13, max_age=16)) is not None and (
        lead := demo.user(lead_of["closed"])
    ):
        case = do_open_case(
            actor=demo.coordinator, young_person=person, lead=lead, is_synthetic=True
        )
        demo.opened(case, 120)
        demo.action(
            case,
            "education",
            "Mentor at school twice a week",
            30,
            done="Mentoring ran for 10 weeks; attendance back to 96%.",
        )
        demo.action(
            case,
            "police",
            "Disrupt contact with the older male via his probation officer",
            20,
            done="Licence condition added; no contact seen since.",
        )
        do_record_review(
            actor=demo.coordinator,
            case=case,
            held_on=demo.today - timedelta(days=78),
            summary="Mentoring started; no missing episodes since the plan began.",
            risk_rating="amber",
            risk_notes="Still messages the older male online.",
            next_review_due=demo.today + timedelta(days=1),
        )
        do_close_case(
            actor=demo.coordinator,
            case=case,
            outcome_code="risk_reduced",
            note="No missing episodes for 3 months, back in school full time, no contact with "
            "the older male. Contact the school's safeguarding lead if concerns return.",
        )
        made += 1
    return made


def _action_follows_sharing(demo: _Demo) -> int:
    """Three school referrals screened as single-agency support: an action, a decision not to
    act, and one left with neither for the coordinator to chase."""
    dsl, screener = demo.users["school.dsl"], demo.users["csc.mash"]
    answered = 0
    outcomes = ("action", "decision", "neither")
    for outcome in outcomes:
        person = demo.person(min_age=11, max_age=16)
        if person is None:
            break
        referral = do_refer(
            actor=dsl,
            young_person=person,
            concern={
                "action": "Talking about a 'boyfriend' of 19 she met online; sends him photos.",
                "decision": "Seen at the bus station with older boys after school twice.",
                "neither": "Has started wearing expensive trainers and will not say where from.",
            }[outcome],
            consent_status="consented",
            lawful_basis="consent",
            next_steps_discussed=True,
            received_at=timezone.now() - timedelta(days=6),
            is_synthetic=True,
        )
        do_screen(
            actor=screener,
            referral=referral,
            rating="green" if outcome != "action" else "amber",
            rationale="One agency's concern, no other agency holds anything in the last year.",
            decision=ScreeningDecision.SINGLE_AGENCY,
        )
        if outcome == "action":
            demo.action(
                None,
                "health",
                "School nurse session on online safety and healthy relationships",
                9,
                owner="health.schoolnurse",
                actor=screener,
                young_person=person,
                referral=referral,
                source=ActionSource.REFERRAL,
            )
            answered += 1
        elif outcome == "decision":
            do_decide_not_to_act(
                actor=demo.coordinator,
                referral=referral,
                reason="The school's pastoral team already has a plan in place; the bus "
                "station is on the police patrol plan. No multi-agency action needed.",
                is_synthetic=True,
            )
            answered += 1
    return answered
