"""The VOLT agenda: assembled from the data when a meeting is prepared, shown through the gate.

Assembly (``candidates``) looks at the data as the person preparing the meeting may see it:

- **Actions carried forward**: every action agreed at an earlier meeting that is still open.
- **Victims**: young people whose newest CSE screening assessment is high, and young people
  whose case review is due within 14 days of the meeting. A young person whose declined consent
  blocks sharing is not put on the agenda from the data: discussing them with other agencies is
  a share, so a decision to share on a lawful basis must be recorded first.
- **Offenders**: phones, vehicles, people and online identities linked in records to two or more
  young people in the six months before the meeting; young people recorded as suspects in that
  time (peers); and active disruption plans against persons of interest.
- **Locations**: places linked to two or more young people, or three or more records, in those
  six months; businesses (community partners) whose concerns were recorded in that time; and
  active disruption plans against places and businesses.
- **Themes and trends**: the kinds of record that rose most in the three months before the
  meeting against the three months before that.

What is stored is the item and what it is about, never a figure. Every viewer's agenda
(``agenda_for``) asks the gate again, item by item: a young person appears only to a viewer with
a need to know them (case team, break-glass, coordinator or MASH screener) while their consent
does not block sharing; a linked identifier or a business only if the viewer can see at least
one of the records behind it; and the figures shown are counted from what that viewer may see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessment.queries import high_risk_young_people
from cases.models import ActionStatus
from cases.queries import cases_due_review
from governance import policy
from governance.models import Level
from mase.models import (
    SECTION_ORDER,
    AgendaItem,
    DisruptionPlan,
    Meeting,
    MeetingAction,
    PlanStatus,
    Section,
    SubjectKind,
    TargetKind,
)
from mase.queries import disruption_plans_for
from partnership.models import Agency, AgencyKind
from people.models import YoungPerson
from records.models import AgencyRecord, LinkKind, PersonCategory, RecordLink, RecordType

LOOKBACK_DAYS = 182  # six months: patterns of exploitation build over months
TREND_DAYS = 91  # quarter on quarter: small monthly counts jump about
MAX_VICTIMS = 30
MAX_DUE_REVIEW = 15
REVIEW_WITHIN_DAYS = 14
MAX_PER_SECTION = 12
OFFENDER_LINK_KINDS = (LinkKind.PERSON, LinkKind.PHONE, LinkKind.VEHICLE, LinkKind.ONLINE)


@dataclass(frozen=True)
class Candidate:
    section: Section
    title: str
    reason: str
    subject_kind: SubjectKind
    young_person: YoungPerson | None = None
    link_kind: str = ""
    link_value: str = ""
    business: Agency | None = None
    record_type: RecordType | None = None
    carried_action: Any = None  # cases.models.Action
    disruption_plan: DisruptionPlan | None = None

    @property
    def key(self) -> tuple[object, ...]:
        return subject_key(
            self.section,
            self.subject_kind,
            getattr(self.young_person, "pk", None),
            self.link_kind,
            self.link_value,
            getattr(self.business, "pk", None),
            getattr(self.record_type, "pk", None),
            getattr(self.carried_action, "pk", None),
            getattr(self.disruption_plan, "pk", None),
        )


def subject_key(*parts: object) -> tuple[object, ...]:
    return tuple(parts)


def item_key(item: AgendaItem) -> tuple[object, ...]:
    return subject_key(
        item.section,
        item.subject_kind,
        item.young_person_id,
        item.link_kind,
        item.link_value,
        item.business_id,
        item.record_type_id,
        item.carried_action_id,
        item.disruption_plan_id,
    )


def _window(
    meeting: Meeting, days: int, *, ending: datetime | None = None
) -> tuple[datetime, datetime]:
    end = ending or meeting.starts_at
    return end - timedelta(days=days), end


# --- Assembly ----------------------------------------------------------------------------


def candidates(preparer: Any, meeting: Meeting) -> list[Candidate]:
    """Everything the data suggests for this meeting, as the preparer may see it."""
    return [
        *carried_forward(preparer, meeting),
        *victims(preparer, meeting),
        *offenders(preparer, meeting),
        *locations(preparer, meeting),
        *themes(preparer, meeting),
    ]


def carried_forward(preparer: Any, meeting: Meeting) -> list[Candidate]:
    links = (
        MeetingAction.objects.filter(
            meeting__starts_at__lt=meeting.starts_at, action__status=ActionStatus.OPEN
        )
        .exclude(meeting=meeting)
        .select_related("meeting", "action", "action__owner_agency", "action__young_person")
        .order_by("action__due_on", "pk")
    )
    return [
        Candidate(
            Section.CARRIED_FORWARD,
            link.action.title[:200],
            f"Agreed on {link.meeting.starts_at:%-d %B %Y}; "
            f"{link.action.owner_agency.short_name}, due {link.action.due_on:%-d %B %Y}",
            SubjectKind.ACTION,
            young_person=link.action.young_person,
            carried_action=link.action,
        )
        for link in links
    ]


def victims(preparer: Any, meeting: Meeting) -> list[Candidate]:
    found: list[Candidate] = []
    seen: set[int] = set()
    meeting_day = meeting.starts_at.date()
    for person, assessment in high_risk_young_people(preparer):
        if len(found) >= MAX_VICTIMS:
            break
        if person.pk in seen or person.consent_blocks_sharing:
            continue
        if assessment.assessed_on > meeting_day:
            continue  # (a meeting prepared after the event shows what was known then)
        seen.add(person.pk)
        found.append(
            Candidate(
                Section.VICTIMS,
                person.full_name,
                "High risk on the CSE screening tool "
                f"(assessed {assessment.assessed_on:%-d %B %Y})",
                SubjectKind.YOUNG_PERSON,
                young_person=person,
            )
        )
    horizon = max((meeting.starts_at - _now()).days, 0) + REVIEW_WITHIN_DAYS
    due = cases_due_review(preparer, within_days=horizon).select_related("young_person")
    for case in due[: MAX_DUE_REVIEW * 2]:
        if len(found) >= MAX_VICTIMS + MAX_DUE_REVIEW:
            break
        if case.young_person_id in seen or case.young_person.consent_blocks_sharing:
            continue
        seen.add(case.young_person_id)
        found.append(
            Candidate(
                Section.VICTIMS,
                case.young_person.full_name,
                f"Case review due {case.next_review_due:%-d %B %Y}",
                SubjectKind.YOUNG_PERSON,
                young_person=case.young_person,
            )
        )
    return found


def _now() -> datetime:
    return timezone.now()


def _recent(viewer: Any, meeting: Meeting, at_least: Level) -> QuerySet[AgencyRecord]:
    since, until = _window(meeting, LOOKBACK_DAYS, ending=min(meeting.starts_at, _now()))
    return policy.records_visible_to(viewer, at_least=at_least).filter(
        occurred_at__gte=since, occurred_at__lt=until
    )


def _recent_links(viewer: Any, meeting: Meeting) -> QuerySet[RecordLink]:
    """Identifiers named in the viewer's fully visible records of the last six months."""
    since, until = _window(meeting, LOOKBACK_DAYS, ending=min(meeting.starts_at, _now()))
    return policy.links_visible_to(viewer, at_least=Level.FULL).filter(
        record__occurred_at__gte=since, record__occurred_at__lt=until
    )


def _shared_links(
    viewer: Any, meeting: Meeting, kinds: tuple[str, ...], *, min_people: int, min_records: int
) -> list[dict[str, Any]]:
    """Identifiers linked in the viewer's fully visible recent records to several young people
    (or to several records), most widely linked first."""
    rows = (
        _recent_links(viewer, meeting)
        .filter(kind__in=kinds)
        .values("kind", "value")
        .annotate(
            people=Count("record__young_person", distinct=True),
            records=Count("record", distinct=True),
        )
        .order_by("-people", "-records", "kind", "value")
    )
    return [row for row in rows if row["people"] >= min_people or row["records"] >= min_records][
        :MAX_PER_SECTION
    ]


def _label(preparer: Any, kind: str, value: str) -> str:
    """The identifier with a label someone gave it, read only from records the preparer sees in
    full, as the record page shows links only then: a label in a record they see in summary,
    or not at all, never reaches the agenda."""
    label = (
        policy.links_visible_to(preparer, at_least=Level.FULL)
        .filter(kind=kind, value=value)
        .exclude(label="")
        .values_list("label", flat=True)
        .first()
    )
    kind_name = LinkKind(kind).label.lower()
    return f"{label} ({kind_name} {value})" if label else f"{LinkKind(kind).label} {value}"


def offenders(preparer: Any, meeting: Meeting) -> list[Candidate]:
    found = [
        Candidate(
            Section.OFFENDERS,
            _label(preparer, row["kind"], row["value"])[:200],
            "Linked in records to several young people in the last six months",
            SubjectKind.IDENTIFIER,
            link_kind=row["kind"],
            link_value=row["value"],
        )
        for row in _shared_links(
            preparer, meeting, tuple(OFFENDER_LINK_KINDS), min_people=2, min_records=99999
        )
    ]
    suspects = (
        _recent(preparer, meeting, Level.SUMMARY)
        .filter(person_category=PersonCategory.SUSPECT)
        .values_list("young_person_id", flat=True)
        .order_by()
        .distinct()
    )
    peers = policy.young_people_for(preparer).filter(
        pk__in=list(suspects[:MAX_PER_SECTION]), consent_blocks_sharing=False
    )
    for person in peers.order_by("family_name", "given_name"):
        found.append(
            Candidate(
                Section.OFFENDERS,
                person.full_name,
                "Recorded as a suspect in the last six months (a peer who may be exploiting or "
                "being exploited)",
                SubjectKind.YOUNG_PERSON,
                young_person=person,
            )
        )
    found += _plans(preparer, (TargetKind.PERSON,), Section.OFFENDERS)
    return found


def _plans(preparer: Any, kinds: tuple[str, ...], section: Section) -> list[Candidate]:
    plans = disruption_plans_for(preparer).filter(status=PlanStatus.ACTIVE, target_kind__in=kinds)
    return [
        Candidate(
            section,
            f"Disruption plan: {plan.target}"[:200],
            f"Active disruption plan led by {plan.lead_agency.short_name}",
            SubjectKind.DISRUPTION_PLAN,
            disruption_plan=plan,
        )
        for plan in plans[:MAX_PER_SECTION]
    ]


def locations(preparer: Any, meeting: Meeting) -> list[Candidate]:
    found = [
        Candidate(
            Section.LOCATIONS,
            _label(preparer, row["kind"], row["value"])[:200],
            "A place linked in records to several young people in the last six months",
            SubjectKind.IDENTIFIER,
            link_kind=row["kind"],
            link_value=row["value"],
        )
        for row in _shared_links(preparer, meeting, (LinkKind.PLACE,), min_people=2, min_records=3)
    ]
    businesses = (
        _recent(preparer, meeting, Level.SUMMARY)
        .filter(owning_agency__kind=AgencyKind.COMMUNITY_PARTNER)
        .values("owning_agency")
        .annotate(records=Count("pk"))
        .order_by("-records")
    )
    agencies = Agency.objects.in_bulk([row["owning_agency"] for row in businesses])
    for row in businesses[:MAX_PER_SECTION]:
        agency = agencies[row["owning_agency"]]
        found.append(
            Candidate(
                Section.LOCATIONS,
                agency.name,
                "A business whose concerns were recorded in the last six months",
                SubjectKind.BUSINESS,
                business=agency,
            )
        )
    found += _plans(preparer, (TargetKind.LOCATION, TargetKind.BUSINESS), Section.LOCATIONS)
    return found


def type_counts(viewer: Any, meeting: Meeting, *, periods_back: int) -> Counter[int]:
    """Records the viewer sees at summary or more, by record type, in one three-month period
    (0 = the three months before the meeting, 1 = the three months before that)."""
    end = min(meeting.starts_at, _now()) - timedelta(days=TREND_DAYS * periods_back)
    since, until = _window(meeting, TREND_DAYS, ending=end)
    rows = (
        policy.records_visible_to(viewer, at_least=Level.SUMMARY)
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .values("record_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["record_type"]: row["n"] for row in rows})


def themes(preparer: Any, meeting: Meeting) -> list[Candidate]:
    recent = type_counts(preparer, meeting, periods_back=0)
    before = type_counts(preparer, meeting, periods_back=1)
    rising = sorted(
        (type_id for type_id in recent if recent[type_id] > before.get(type_id, 0)),
        key=lambda type_id: (
            -(recent[type_id] - before.get(type_id, 0)),
            -recent[type_id],
            type_id,
        ),
    )[:5]
    reason = "Recorded more often in the last three months than in the three months before"
    if not rising:
        rising = [type_id for type_id, _ in recent.most_common(3)]
        reason = "Among the kinds of record made most often in the last three months"
    types = RecordType.objects.in_bulk(rising)
    return [
        Candidate(
            Section.THEMES,
            types[type_id].name,
            reason,
            SubjectKind.RECORD_TYPE,
            record_type=types[type_id],
        )
        for type_id in rising
    ]


# --- Each viewer's agenda ----------------------------------------------------------------


@dataclass
class ItemView:
    item: AgendaItem
    figures: str = ""
    actions: list[Any] = field(default_factory=list)  # casework Actions agreed on this item


@dataclass
class SectionView:
    section: Section
    items: list[ItemView]

    @property
    def label(self) -> str:
        return self.section.label


@dataclass
class Agenda:
    sections: list[SectionView]
    hidden: int = 0
    """Items about young people, places or records this viewer may not see."""
    actions: list[Any] = field(default_factory=list)
    """The actions agreed at this meeting that the viewer may see (casework Actions)."""

    @property
    def actions_done(self) -> int:
        return sum(1 for action in self.actions if action.status == "done")

    @property
    def actions_open(self) -> int:
        return sum(1 for action in self.actions if action.status == "open")

    @property
    def actions_overdue(self) -> int:
        return sum(1 for action in self.actions if action.is_overdue)

    @property
    def count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def visible_young_people(viewer: Any, ids: set[int]) -> set[int]:
    """The young people among ``ids`` this viewer may see named on an agenda: with a need to
    know them, while their declined consent does not block sharing."""
    viewers = policy.viewers_for(viewer, ids)
    return {pk for pk, v in viewers.items() if v.need_to_know and not v.consent_blocks}


def agenda_for(viewer: Any, meeting: Meeting) -> Agenda:
    items = list(
        meeting.items.select_related(
            "young_person", "business", "record_type", "carried_action", "disruption_plan"
        ).order_by("position", "pk")
    )
    agreed = (
        MeetingAction.objects.filter(meeting=meeting)
        .select_related("action", "action__owner_agency", "action__owner", "action__young_person")
        .order_by("action__due_on", "pk")
    )
    people = {item.young_person_id for item in items if item.young_person_id}
    people |= {link.action.young_person_id for link in agreed if link.action.young_person_id}
    allowed_people = visible_young_people(viewer, people)

    plan_ids = {item.disruption_plan_id for item in items if item.disruption_plan_id}
    allowed_plans = set(
        disruption_plans_for(viewer).filter(pk__in=plan_ids).values_list("pk", flat=True)
    )
    now_counts = before_counts = None
    if any(item.subject_kind == SubjectKind.RECORD_TYPE for item in items):
        now_counts = type_counts(viewer, meeting, periods_back=0)
        before_counts = type_counts(viewer, meeting, periods_back=1)
    linked = _identifier_figures(
        viewer,
        meeting,
        {(i.link_kind, i.link_value) for i in items if i.subject_kind == SubjectKind.IDENTIFIER},
    )
    by_business = _business_figures(
        viewer,
        meeting,
        {i.business_id for i in items if i.subject_kind == SubjectKind.BUSINESS and i.business_id},
    )
    by_item: dict[int, list[Any]] = {}
    shown_actions = []
    for link in agreed:
        if link.action.young_person_id and link.action.young_person_id not in allowed_people:
            continue
        shown_actions.append(link.action)
        if link.item_id is not None:
            by_item.setdefault(link.item_id, []).append(link.action)

    sections: dict[str, list[ItemView]] = {key: [] for key in SECTION_ORDER}
    hidden = 0
    for item in items:
        if item.young_person_id and item.young_person_id not in allowed_people:
            hidden += 1
            continue
        figures = ""
        if item.subject_kind == SubjectKind.IDENTIFIER:
            people_seen, records_seen = linked.get((item.link_kind, item.link_value), (0, 0))
            if not records_seen:
                hidden += 1
                continue
            figures = (
                f"Linked to {people_seen} young {'person' if people_seen == 1 else 'people'} in "
                f"{records_seen} record{'s' if records_seen != 1 else ''} you can see "
                "(last six months)"
            )
        elif item.subject_kind == SubjectKind.BUSINESS:
            count = by_business.get(item.business_id or 0, 0)
            if not count:
                hidden += 1
                continue
            figures = f"{count} record{'s' if count != 1 else ''} you can see (last six months)"
        elif item.subject_kind == SubjectKind.RECORD_TYPE and now_counts is not None:
            assert before_counts is not None
            assert item.record_type_id is not None
            figures = (
                f"{now_counts.get(item.record_type_id, 0)} in the last three months against "
                f"{before_counts.get(item.record_type_id, 0)} in the three months before "
                "(records you can see)"
            )
        elif item.subject_kind == SubjectKind.DISRUPTION_PLAN:
            if item.disruption_plan_id not in allowed_plans:
                hidden += 1
                continue
        elif item.subject_kind == SubjectKind.ACTION and item.carried_action is not None:
            action = item.carried_action
            figures = f"{action.get_status_display()}" + (
                " and overdue" if getattr(action, "is_overdue", False) else ""
            )
        sections[item.section].append(
            ItemView(item=item, figures=figures, actions=by_item.get(item.pk, []))
        )
    return Agenda(
        sections=[SectionView(Section(key), views) for key, views in sections.items() if views],
        hidden=hidden,
        actions=shown_actions,
    )


def _identifier_figures(
    viewer: Any, meeting: Meeting, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(young people, records) the viewer sees in full behind each identifier: one query."""
    if not pairs:
        return {}
    wanted = Q(pk__in=[])
    for kind, value in pairs:
        wanted |= Q(kind=kind, value=value)
    rows = (
        _recent_links(viewer, meeting)
        .filter(wanted)
        .values("kind", "value")
        .annotate(
            people=Count("record__young_person", distinct=True),
            records=Count("record", distinct=True),
        )
        .order_by()
    )
    return {(row["kind"], row["value"]): (row["people"], row["records"]) for row in rows}


def _business_figures(viewer: Any, meeting: Meeting, ids: set[int]) -> dict[int, int]:
    """Records the viewer sees at summary or more from each business: one query."""
    if not ids:
        return {}
    rows = (
        _recent(viewer, meeting, Level.SUMMARY)
        .filter(owning_agency_id__in=ids)
        .values("owning_agency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owning_agency"]: row["n"] for row in rows}


def item_visible_to(viewer: Any, item: AgendaItem) -> bool:
    """One item, decided as ``agenda_for`` decides it (for the item's own page)."""
    agenda = agenda_for(viewer, item.meeting)
    return any(view.item.pk == item.pk for section in agenda.sections for view in section.items)
