"""A small synthetic scenario for the browser tests, built through the real actions.

Casework (cases with a plan, a review and a strategy discussion; a case closed and one awaiting
its strategy discussion; a referral still without an outcome), a screening-tool assessment, a
MASE meeting with its agenda, minutes and an action, a disruption plan, partnership activity,
notifications, an import batch with a rejected row and a row in the clerical review queue, and a
privacy-preserving submission with a disclosure request. Every name is synthetic.

The matching engine is replaced by a stand-in with set scores (as in the matching app's own
tests), so the scenario takes seconds and says exactly which row goes to review.
"""

from __future__ import annotations

import contextlib
import csv
import io
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertEvidence, BenignValue, ReplayRun, ReplayStatus, RuleVersion
from alerts.models import Rule as AlertRule
from assessment.tests.helpers import assess
from cases.actions import (
    do_add_case_member,
    do_assign_action,
    do_close_case,
    do_open_case,
    do_record_review,
    do_record_strategy_discussion,
)
from cases.models import Action, Case, StrategyDiscussion
from imports.actions import do_start_import
from imports.engine import ImportFailed, run_batch
from imports.models import Feed, ImportBatch, ImportedRow, MatchStatus
from mase.actions import (
    do_add_agenda_item,
    do_add_disruption_action,
    do_assign_meeting_action,
    do_create_disruption_plan,
    do_prepare_agenda,
    do_record_activity,
    do_record_attendance,
    do_record_minutes,
    do_schedule_meeting,
)
from mase.models import (
    ActivityKind,
    AgendaItem,
    DisruptionAction,
    DisruptionKind,
    DisruptionPlan,
    Meeting,
    Presence,
    Section,
    TargetKind,
)
from matching import linking
from matching.engine import Candidate, FieldEvidence
from matching.models import ReviewItem
from partnership.models import Agency, AgencyKind, Role, User
from people.identifiers import make_upn
from people.models import Gender, YoungPerson
from pprl import linkage
from pprl.actions import do_request_disclosure, do_submit_encodings
from pprl.models import DisclosureRequest, EncodingSubmission, LinkNotice
from records.actions import do_record
from records.catalogue import ensure_catalogue
from records.models import RecordType
from records.tests.helpers import record
from referrals.actions import do_refer, do_screen
from referrals.models import Referral

# One synthetic person per role, at the kind of agency where they would work.
PEOPLE: dict[Role, tuple[str, str, str]] = {
    Role.PRACTITIONER: ("Sam", "Okafor", "school"),
    Role.MASH_SCREENER: ("Priya", "Shah", "social_care"),
    Role.COORDINATOR: ("Morgan", "Ellis", "youth_charity"),
    Role.ANALYST: ("Chris", "Doyle", "police"),
    Role.IG_OFFICER: ("Aisha", "Rahman", "health"),
    Role.STRATEGIC_LEAD: ("Jo", "Whitfield", "social_care"),
    Role.COMMUNITY_PARTNER: ("Dev", "Patel", "hotel"),
    Role.ADMINISTRATOR: ("Alex", "Hughes", "council_it"),
}

AGENCIES: dict[str, tuple[str, str, AgencyKind]] = {
    "school": ("Eastbrook Academy", "EBA", AgencyKind.EDUCATION),
    "social_care": ("Eastbrook Children's Social Care", "ECSC", AgencyKind.CHILDRENS_SOCIAL_CARE),
    "youth_charity": ("Eastbrook Youth Trust", "EYT", AgencyKind.VOLUNTARY_SECTOR),
    "police": ("Eastbrook Police", "EPOL", AgencyKind.POLICE),
    "health": ("Eastbrook Health NHS Trust", "EHNT", AgencyKind.HEALTH),
    "hotel": ("Station Road Hotel", "SRH", AgencyKind.COMMUNITY_PARTNER),
    "council_it": ("Eastbrook Council IT", "ECIT", AgencyKind.ADULT_SERVICES),
}

EVIDENCE = (
    FieldEvidence("given_name", "Nickname of each other", 3.2),
    FieldEvidence("family_name", "Exact match", 8.5),
    FieldEvidence("date_of_birth", "Exact match", 6.1),
    FieldEvidence("postcode", "Missing on one side", 0.0),
)


class StandInEngine:
    """Scores pairs by name from a table; identical names score 0.999."""

    def __init__(self, table: Mapping[tuple[str, str], float]) -> None:
        self.table = dict(table)

    def score(
        self, left: Iterable[Mapping[str, Any]], right: Iterable[Mapping[str, Any]], model: Any
    ) -> list[Candidate]:
        found = []
        known = list(left)
        for r in right:
            r_name = f"{r['given_name']} {r['family_name']}"
            for candidate in known:
                if candidate["id"] == r["id"]:
                    continue
                l_name = f"{candidate['given_name']} {candidate['family_name']}"
                probability = self.table.get((r_name, l_name))
                if probability is None and r_name == l_name:
                    probability = 0.999
                if probability is not None:
                    found.append(
                        Candidate(str(candidate["id"]), str(r["id"]), 10.0, probability, EVIDENCE)
                    )
        return found


@dataclass(frozen=True)
class Scenario:
    coordinator: User
    practitioner: User
    screener: User
    administrator: User
    case: Case  # open, with a plan, a review and the strategy discussion that opened it
    closed_case: Case
    awaiting_case: Case  # awaiting its strategy discussion
    discussion: StrategyDiscussion
    plan_action: Action  # owned by the practitioner, open
    referral_with_outcome: Referral
    referral_without_outcome: Referral
    assessment_pk: int
    young_person: YoungPerson
    meeting: Meeting
    item: AgendaItem
    disruption_plan: DisruptionPlan
    disruption_action: DisruptionAction
    batch: ImportBatch
    queued_batch: ImportBatch
    review_item: ReviewItem
    linked_row: ImportedRow
    submission: EncodingSubmission
    notice: LinkNotice
    disclosure: DisclosureRequest
    alert: Alert  # open, about Casey: evidence from the school, Health (sexual health), the charity
    other_alert: Alert  # open, about Casey too: where the first may be merged
    unrelated_alert: Alert  # open, about a young person the school's practitioner does not know
    waiting_referral: Referral  # about that young person, awaiting screening
    alert_rule: AlertRule
    benign: BenignValue
    replay_run: ReplayRun

    def urls(self) -> dict[str, object]:
        """The ids that the page table's paths are filled in with."""
        return {
            "case": self.case.pk,
            "closed_case": self.closed_case.pk,
            "awaiting_case": self.awaiting_case.pk,
            "discussion": self.discussion.pk,
            "action": self.plan_action.pk,
            "referral": self.referral_without_outcome.pk,
            "referral_with_outcome": self.referral_with_outcome.pk,
            "assessment": self.assessment_pk,
            "young_person": self.young_person.pk,
            "meeting": self.meeting.pk,
            "item": self.item.pk,
            "plan": self.disruption_plan.pk,
            "disruption_action": self.disruption_action.pk,
            "batch": self.batch.pk,
            "queued_batch": self.queued_batch.pk,
            "review_item": self.review_item.pk,
            "linked_row": self.linked_row.pk,
            "submission": self.submission.pk,
            "notice": self.notice.pk,
            "disclosure": self.disclosure.pk,
            "alert": self.alert.pk,
            "other_alert": self.other_alert.pk,
            "unrelated_alert": self.unrelated_alert.pk,
            "waiting_referral": self.waiting_referral.pk,
            "alert_rule": self.alert_rule.pk,
            "benign": self.benign.pk,
            "replay_run": self.replay_run.pk,
        }


def _child(given: str, family: str, born: date, postcode: str = "") -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given,
        family_name=family,
        date_of_birth=born,
        gender=Gender.GIRL,
        postcode=postcode,
        is_synthetic=True,
    )


def _screened_referral(
    practitioner: User, screener: User, child: YoungPerson, concern: str
) -> Referral:
    referral = do_refer(
        actor=practitioner,
        young_person=child,
        concern=concern,
        consent_status="consented",
        lawful_basis="consent",
        next_steps_discussed=True,
        is_synthetic=True,
    )
    do_screen(
        actor=screener,
        referral=referral,
        rating="red",
        rationale="Older adults, cars and unexplained gifts: warning signs of exploitation.",
        decision="strategy_discussion",
    )
    return Referral.objects.get(pk=referral.pk)


def _attendance_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _pupil(given: str, family: str, born: str, **changes: str) -> dict[str, str]:
    return {
        "school": "Eastbrook Academy (synthetic)",
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "gender": "F",
        "postcode": "EB1 2AB",
        "upn": "",
        "attendance_date": "2026-10-05",
        "level": "session",
        "session": "AM",
        "lesson": "",
        "code": "O",
        **changes,
    }


def build(
    agencies: dict[str, Agency],
    make_user: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Scenario:
    ensure_catalogue()  # the live-server tests empty the database, migration data included
    coordinator = make_user(Role.COORDINATOR)
    practitioner = make_user(Role.PRACTITIONER)
    screener = make_user(Role.MASH_SCREENER)
    administrator = make_user(Role.ADMINISTRATOR)
    today = timezone.localdate()
    born = today - timedelta(days=14 * 366)

    # --- Casework ---------------------------------------------------------------------------
    casey = _child("Casey", "Synthetic-Example", born, "EB1 2AB")
    riley = _child("Riley", "Synthetic-Madeup", born - timedelta(days=200))
    jordan = _child("Jordan", "Synthetic-Sample", born - timedelta(days=400))
    taylor = _child("Taylor", "Synthetic-Person", today - timedelta(days=17 * 366 + 100))

    referral = _screened_referral(
        practitioner, screener, casey, "Collected from school by older men in different cars."
    )
    discussion = do_record_strategy_discussion(
        actor=coordinator,
        young_person=casey,
        referral=referral,
        held_on=today,
        chair=coordinator,
        agencies_present=[agencies["school"], agencies["police"], agencies["social_care"]],
        summary="School: collected by older men. Police: the car is known.",
        decision="open_case",
        lead=practitioner,
        is_synthetic=True,
    )
    assert discussion.case is not None
    case = discussion.case
    do_add_case_member(actor=coordinator, case=case, user=screener, role="MASH link")
    plan_action = do_assign_action(
        actor=coordinator,
        case=case,
        title="Daily check-in with Casey at school",
        owner_agency=agencies["school"],
        owner=practitioner,
        due_on=today + timedelta(days=14),
        is_synthetic=True,
    )
    do_record_review(
        actor=coordinator,
        case=case,
        held_on=today,
        summary="No further sightings; Casey engaging with the school nurse.",
        risk_rating="amber",
        next_review_due=today + timedelta(days=42),
    )
    without_outcome = _screened_referral(
        practitioner, screener, riley, "Missing overnight twice; new phone and clothes."
    )
    closed_case = do_open_case(actor=coordinator, young_person=jordan, lead=practitioner)
    do_close_case(
        actor=coordinator,
        case=closed_case,
        outcome_code="risk_reduced",
        note="Risk reduced. Contact the school if concerns return.",
    )
    awaiting_case = do_open_case(
        actor=coordinator, young_person=taylor, lead=coordinator, status="strategy_discussion"
    )

    # --- The screening tool -------------------------------------------------------------------
    made = assess(
        coordinator,
        casey,
        today - timedelta(days=100),
        present=("older_associates", "missing_episodes"),
    )

    # --- MASE ---------------------------------------------------------------------------------
    meeting = do_schedule_meeting(
        actor=coordinator,
        starts_at=timezone.now() - timedelta(days=1),
        chair=coordinator,
        place="Eastbrook Town Hall, room 2 (synthetic)",
    )
    do_record_attendance(
        actor=coordinator,
        meeting=meeting,
        agency=agencies["police"],
        name="DS Synthetic",
        presence=Presence.PRESENT,
    )
    do_record_attendance(
        actor=coordinator,
        meeting=meeting,
        agency=agencies["social_care"],
        person=screener,
        presence=Presence.PRESENT,
    )
    item = do_add_agenda_item(
        actor=coordinator,
        meeting=meeting,
        section=Section.VICTIMS,
        title="Casey: older men collecting from school",
        young_person=casey,
    )
    do_prepare_agenda(actor=coordinator, meeting=meeting)  # VOLT items from the data
    do_add_agenda_item(
        actor=coordinator,
        meeting=meeting,
        section=Section.LOCATIONS,
        title="Hotel on the ring road",
    )
    do_record_minutes(
        actor=coordinator, item=item, minutes="Agreed a plan across school, police and health."
    )
    do_assign_meeting_action(
        actor=coordinator,
        item=item,
        title="Child abduction warning notice to the driver",
        owner_agency=agencies["police"],
        due_on=today + timedelta(days=7),
    )
    plan = do_create_disruption_plan(
        actor=coordinator,
        target_kind=TargetKind.PERSON,
        target="Adult known as 'Jay' (synthetic)",
        lead_agency=agencies["youth_charity"],
        meeting=meeting,
    )
    disruption_action = do_add_disruption_action(
        actor=coordinator,
        plan=plan,
        kind=DisruptionKind.TAXI_ENGAGEMENT,
        title="Brief the taxi firm's drivers",
        owner_agency=agencies["youth_charity"],
        owner=coordinator,
        due_on=today + timedelta(days=7),
    )
    do_add_disruption_action(
        actor=coordinator,
        plan=plan,
        kind=DisruptionKind.HOTEL_ENGAGEMENT,
        title="Visit the hotel on the ring road with the MASH social worker",
        owner_agency=agencies["social_care"],
        due_on=today + timedelta(days=10),
    )
    do_record_activity(
        actor=coordinator,
        held_on=today - timedelta(days=3),
        title="Taxi drivers' evening",
        kind=ActivityKind.COMMUNITY_AWARENESS,
        delivered_by_agency=agencies["youth_charity"],
        attendees=12,
        businesses="Brook Cars",
    )

    # --- An import with a rejected row, a linked row and a row for clerical review -------------
    tyler = _child("Tyler", "Synthetic-Brown", date(2011, 3, 4), "EB1 2AB")
    _child("Jessica", "Synthetic-Smith", date(2011, 5, 6), "EB1 2AB")
    engine = StandInEngine(
        {
            ("Tayla Synthetic-Brown", "Tyler Synthetic-Brown"): 0.60,  # between: review
            ("Jess Synthetic-Smith", "Jessica Synthetic-Smith"): 0.99,  # above: linked
        }
    )
    monkeypatch.setattr(linking, "score", engine.score)
    monkeypatch.setattr(linking, "train", lambda left, right: {"stand_in": True})
    path = _attendance_csv(
        tmp_path / "synthetic-attendance.csv",
        [
            _pupil("Tayla", "Synthetic-Brown", "2011-03-04"),
            _pupil("Jess", "Synthetic-Smith", "2011-05-06", upn=make_upn(881, 4001, 20, 17)),
            _pupil("Ruby", "Synthetic-Okafor", "2011-07-08", code="??", session="PM"),
        ],
    )
    started = do_start_import(
        actor=practitioner,
        agency=agencies["school"],
        feed=Feed.SCHOOL_ATTENDANCE,
        path=path,
        file_name=path.name,
    )
    with contextlib.suppress(ImportFailed):
        run_batch(started.batch.pk, chunk=3)
    batch = ImportBatch.objects.get(pk=started.batch.pk)
    assert batch.rejections.exists(), "the scenario needs a rejected row"
    review_item = ReviewItem.objects.get(candidate=tyler)
    linked_row = ImportedRow.objects.get(batch=batch, match_status=MatchStatus.LINKED)

    # A second file, queued and not yet run: its page polls for progress with htmx.
    waiting = _attendance_csv(
        tmp_path / "synthetic-attendance-week-2.csv",
        [_pupil("Tayla", "Synthetic-Brown", "2011-03-04", attendance_date="2026-10-12")],
    )
    queued = do_start_import(
        actor=practitioner,
        agency=agencies["school"],
        feed=Feed.SCHOOL_ATTENDANCE,
        path=waiting,
        file_name=waiting.name,
    ).batch

    # --- Privacy-preserving linkage: the charity holds a record on Casey; the school asks ----
    retail_park = record(coordinator, casey, title="Seen at the retail park late at night")
    settings = linkage.partnership_settings()
    assert settings is not None, "the scenario needs a PPRL secret in the settings"
    identities = (
        "reference,given_name,family_name,date_of_birth,sex,postcode\n"
        f"SCH-{secrets.randbelow(900) + 100},Casey,Synthetic-Exampel,{born.isoformat()},"
        "female,EB1 2AB\n"
    )
    encoded = io.StringIO()
    linkage.write_encodings(encoded, settings, linkage.read_identities(io.StringIO(identities)))
    submission = do_submit_encodings(
        actor=practitioner, file_name="pupils.csv", handle=io.BytesIO(encoded.getvalue().encode())
    )
    notice = LinkNotice.objects.get(submission=submission)
    (disclosure, *_) = do_request_disclosure(
        actor=practitioner,
        notice=notice,
        purpose="Pupil missing from lessons after registration on six days this term.",
    )

    # --- Alerts: prompts for professional curiosity, made directly (the rules are the engine's) --
    alerts = _alerts(agencies, practitioner, coordinator, casey, retail_park, today)

    return Scenario(
        coordinator=coordinator,
        practitioner=practitioner,
        screener=screener,
        administrator=administrator,
        case=case,
        closed_case=closed_case,
        awaiting_case=awaiting_case,
        discussion=discussion,
        plan_action=plan_action,
        referral_with_outcome=referral,
        referral_without_outcome=without_outcome,
        assessment_pk=made.pk,
        young_person=casey,
        meeting=meeting,
        item=item,
        disruption_plan=plan,
        disruption_action=disruption_action,
        batch=batch,
        queued_batch=queued,
        review_item=review_item,
        linked_row=linked_row,
        submission=submission,
        notice=notice,
        disclosure=disclosure,
        **alerts,
    )


def _alert(rule: AlertRule, people: list[YoungPerson], evidence: list[Any], days_ago: int) -> Alert:
    raised = timezone.now() - timedelta(days=days_ago)
    version = rule.versions.order_by("-number")[0]
    alert = Alert.objects.create(
        rule=rule,
        rule_version=version,
        key=f"scenario:{rule.code}:{'-'.join(str(p.pk) for p in people)}:{days_ago}",
        raised_at=raised,
        updated_at=raised,
        is_synthetic=True,
    )
    alert.young_people.set(people)
    for item in evidence:
        AlertEvidence.objects.create(alert=alert, record=item, added_at=raised)
    return alert


def _alerts(
    agencies: dict[str, Agency],
    practitioner: User,
    coordinator: User,
    casey: YoungPerson,
    charity: Any,
    today: date,
) -> dict[str, Any]:
    several = AlertRule.objects.create(
        code="scenario-several-agencies",
        name="Several agencies concerned (scenario)",
        description="Concerns or warning signs from 3 or more agencies about the same young "
        "person within 30 days.",
        why="Concerns that look low-level alone may be escalated when seen alongside what "
        "other agencies know.",
    )
    RuleVersion.objects.create(
        rule=several, number=1, parameters={"agencies": 3, "days": 30}, reason="Defaults."
    )
    school = record(practitioner, casey, title="Left after registration with an older girl")
    clinic = do_record(
        actor=None,
        agency=agencies["health"],
        young_person=casey,
        record_type=RecordType.objects.get(code="sexual-health-attendance"),
        occurred_at=timezone.now() - timedelta(days=4),
        title="Attended the clinic with an older male",
        nature="fact",
        is_synthetic=True,
    )
    robin = _child("Robin", "Synthetic-Alert", today - timedelta(days=15 * 366))
    police = do_record(
        actor=None,
        agency=agencies["police"],
        young_person=robin,
        record_type=RecordType.objects.get(code="concern"),
        occurred_at=timezone.now() - timedelta(days=2),
        title="Seen at the station with two older men",
        nature="fact",
        is_synthetic=True,
    )
    return {
        "alert": _alert(several, [casey], [school, clinic, charity], days_ago=2),
        "other_alert": _alert(several, [casey], [charity], days_ago=20),
        "unrelated_alert": _alert(several, [robin], [police], days_ago=1),
        "waiting_referral": do_refer(
            actor=coordinator,
            young_person=robin,
            concern="Seen at the station with older men twice this week.",
            consent_status="consented",
            lawful_basis="consent",
            next_steps_discussed=True,
            is_synthetic=True,
        ),
        "alert_rule": several,
        "benign": BenignValue.objects.create(
            kind="phone", value="+441134960000", label="Eastbrook Academy office (synthetic)"
        ),
        "replay_run": ReplayRun.objects.create(
            name="Several agencies, last term (synthetic)",
            starts_on=today - timedelta(days=120),
            ends_on=today - timedelta(days=30),
            status=ReplayStatus.FINISHED,
            days_done=91,
            days_total=91,
            created_by=coordinator,
        ),
    }
