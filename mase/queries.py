"""Reading MASE meetings, disruption plans and partnership activity: who may see what.

Meetings hold case content, so only roles that read it see them: the coordinator sees every
meeting and runs them; any other case-content role sees the meetings their agency attends (and
on them only the items the gate lets them see, see ``mase.volt``). Strategic leads see the
attendance report and partnership activity, which hold no case content. Administrators and
community partners see nothing here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import Action
from cases.queries import actions_visible_to
from governance import policy
from governance.permissions import Capability, may
from mase.models import (
    ActivityKind,
    Attendance,
    DisruptionPlan,
    Meeting,
    MeetingStatus,
    OrganisationKind,
    PartnershipActivity,
    Presence,
    Section,
)
from partnership.models import Agency, AgencyKind, User


def can_run_meetings(user: Any) -> bool:
    """The CSE coordinator schedules and runs MASE meetings."""
    return may(user, Capability.RUN_MASE_MEETINGS)


def can_see_partnership_picture(user: Any) -> bool:
    """Attendance by agency and partnership activity: no case content in either."""
    return may(user, Capability.SEE_PARTNERSHIP_PICTURE)


def meetings_for(user: Any) -> QuerySet[Meeting]:
    if not policy.reads_case_content(user):
        return Meeting.objects.none()
    meetings = Meeting.objects.select_related("chair")
    if may(user, Capability.SEE_EVERY_MEETING):
        return meetings
    if user.agency_id is None:
        return Meeting.objects.none()
    attending = Attendance.objects.filter(agency_id=user.agency_id).values("meeting_id")
    return meetings.filter(pk__in=attending)


def meeting_or_404(user: Any, pk: int) -> Meeting:
    try:
        return meetings_for(user).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def next_meeting(user: Any) -> Meeting | None:
    """The next scheduled meeting this user may see."""
    return (
        meetings_for(user)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now() - timedelta(hours=4))
        .order_by("starts_at")
        .first()
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


# --- Disruption plans --------------------------------------------------------------------


def disruption_plans_for(user: Any) -> QuerySet[DisruptionPlan]:
    """The coordinator and analysts see every plan; anyone else who reads case content sees the
    plans their agency leads or owns an action in."""
    if not policy.reads_case_content(user):
        return DisruptionPlan.objects.none()
    plans = DisruptionPlan.objects.select_related("lead_agency", "meeting")
    if may(user, Capability.SEE_EVERY_DISRUPTION_PLAN):
        return plans
    if user.agency_id is None:
        return DisruptionPlan.objects.none()
    return plans.filter(
        Q(lead_agency_id=user.agency_id) | Q(actions__action__owner_agency_id=user.agency_id)
    ).distinct()


def disruption_plan_or_404(user: Any, pk: int) -> DisruptionPlan:
    try:
        return disruption_plans_for(user).get(pk=pk)
    except DisruptionPlan.DoesNotExist:
        raise Http404 from None


def can_view_plan(user: Any, plan: DisruptionPlan) -> bool:
    return disruption_plans_for(user).filter(pk=plan.pk).exists()


# --- Periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive

    @classmethod
    def last_months(cls, months: int = 12, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(since=today - timedelta(days=round(months * 30.44)), until=today)

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def ends(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


# --- Attendance by agency ----------------------------------------------------------------


@dataclass
class AgencyAttendance:
    agency: Agency
    present: int = 0
    apologies: int = 0
    held: int = 0

    @property
    def absent(self) -> int:
        return max(self.held - self.present - self.apologies, 0)

    @property
    def is_voluntary(self) -> bool:
        return self.agency.kind == AgencyKind.VOLUNTARY_SECTOR


@dataclass
class AttendanceReport:
    period: Period
    held: int
    rows: list[AgencyAttendance]
    voluntary_meetings: int = 0
    """Meetings at which at least one voluntary sector agency was present."""

    @property
    def voluntary_rows(self) -> list[AgencyAttendance]:
        return [row for row in self.rows if row.is_voluntary]


def attendance_report(period: Period) -> AttendanceReport:
    """For each partnership agency, how many meetings held in the period it attended, sent
    apologies to, or missed. Every agency is listed, so an agency that never comes shows too."""
    held = list(
        Meeting.objects.filter(
            status=MeetingStatus.HELD, starts_at__gte=period.starts, starts_at__lt=period.ends
        ).values_list("pk", flat=True)
    )
    present: dict[int, set[int]] = defaultdict(set)
    apologies: dict[int, set[int]] = defaultdict(set)
    rows = Attendance.objects.filter(meeting_id__in=held).values_list(
        "agency_id", "meeting_id", "presence", "agency__kind"
    )
    voluntary_meetings: set[int] = set()
    for agency_id, meeting_id, presence, kind in rows:
        if presence == Presence.PRESENT:
            present[agency_id].add(meeting_id)
            if kind == AgencyKind.VOLUNTARY_SECTOR:
                voluntary_meetings.add(meeting_id)
        elif presence == Presence.APOLOGIES:
            apologies[agency_id].add(meeting_id)
    agencies = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.COMMUNITY_PARTNER)
    report_rows = [
        AgencyAttendance(
            agency=agency,
            present=len(present[agency.pk]),
            apologies=len(apologies[agency.pk] - present[agency.pk]),
            held=len(held),
        )
        for agency in agencies.order_by("name")
    ]
    return AttendanceReport(
        period=period,
        held=len(held),
        rows=report_rows,
        voluntary_meetings=len(voluntary_meetings),
    )


# --- Partnership activity ----------------------------------------------------------------


@dataclass
class ActivityTotal:
    label: str
    sessions: int = 0
    attendees: int = 0
    businesses: int = 0
    schools: int = 0


@dataclass
class ActivitySummary:
    period: Period
    activities: list[PartnershipActivity]
    by_kind: list[ActivityTotal] = field(default_factory=list)
    total: ActivityTotal = field(default_factory=lambda: ActivityTotal("All sessions"))


def activity_in(period: Period, kind: str = "") -> ActivitySummary:
    """Sessions held in the period, newest first, with totals by kind and overall."""
    activities = PartnershipActivity.objects.filter(
        held_on__gte=period.since, held_on__lte=period.until
    )
    if kind:
        activities = activities.filter(kind=kind)
    listed = list(
        activities.select_related("delivered_by_agency")
        .prefetch_related("organisations")
        .order_by("-held_on", "-pk")
    )
    totals = {choice.value: ActivityTotal(choice.label) for choice in ActivityKind}
    overall = ActivityTotal("All sessions")
    for activity in listed:
        businesses = sum(
            1 for o in activity.organisations.all() if o.kind == OrganisationKind.BUSINESS
        )
        schools = sum(1 for o in activity.organisations.all() if o.kind == OrganisationKind.SCHOOL)
        for total in (totals[activity.kind], overall):
            total.sessions += 1
            total.attendees += activity.attendees
            total.businesses += businesses
            total.schools += schools
    return ActivitySummary(
        period=period,
        activities=listed,
        by_kind=[total for total in totals.values() if total.sessions or not kind],
        total=overall,
    )


def next_meeting_lines(user: Any) -> list[tuple[str, str]]:
    """For the coordinator's home page: the next meeting and the state of its agenda, as (text,
    link) pairs. Counts only: the names are on the meeting page, behind the gate."""
    upcoming = next_meeting(user)
    if upcoming is None:
        return []
    url = reverse("mase:meeting", args=[upcoming.pk])
    lines = [
        (
            f"{timezone.localtime(upcoming.starts_at):%A %-d %B %Y, %H:%M}, {upcoming.place} "
            f"(chair: {upcoming.chair})",
            url,
        )
    ]
    if upcoming.agenda_prepared_at is None:
        lines.append(("Agenda not prepared yet", url))
        return lines
    counts = {
        row["section"]: row["n"]
        for row in upcoming.items.values("section").annotate(n=models.Count("pk")).order_by()
    }
    parts = [
        f"{counts[section.value]} {section.label.lower()}"
        for section in Section
        if counts.get(section.value)
    ]
    lines.append(("Agenda: " + (", ".join(parts) if parts else "no items yet"), url))
    return lines


def openable_actions(user: User, shown: Iterable[Action]) -> set[int]:
    """Of the actions a page shows, those this user may open: only these are links (the rest
    are shown as text, since their page would answer "not found" for this user)."""
    ids = {action.pk for action in shown}
    if not ids:
        return set()
    return set(actions_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
