"""What each role sees first: the work waiting for them, or what will appear there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.urls import reverse

from alerts.panels import alerts_to_triage
from assessment.panels import reassessment_lines
from cases.panels import actions_you_own, cases_you_lead, overdue_action_lines
from governance.models import BreakGlassAccess, BreakGlassReview
from governance.permissions import Capability, may
from governance.policy import active_relationships
from governance.retention import overdue_for_agency
from mase.queries import next_meeting_lines
from partnership.models import Agency, Role, User
from referrals.queries import receipts_of, screening_queue


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Panel:
    title: str
    empty: str
    items: tuple[Link, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class HomePage:
    title: str
    lead: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)
    template: str = "web/home.html"


_PAGES: dict[str, HomePage] = {
    Role.PRACTITIONER: HomePage(
        title="Your young people",
        lead="Record concerns and episodes, refer, and see each young person's multi-agency "
        "chronology as far as sharing rules allow.",
        panels=(
            Panel(
                "Young people you work with",
                "Young people appear here when you join their case team or make a referral.",
            ),
            Panel(
                "Actions you own",
                "Actions assigned to you from plans and MASE meetings will appear here with "
                "their due dates.",
            ),
            Panel(
                "Significance prompts",
                "If a phone, vehicle or place you record matters to the partnership, you will "
                "be asked here to share what you know.",
            ),
        ),
    ),
    Role.MASH_SCREENER: HomePage(
        title="Referrals to screen",
        lead="Screen each referral within 24 hours: rate it red, amber or green and decide the "
        "next step.",
        panels=(
            Panel(
                "Awaiting screening",
                "New referrals from any agency or community partner will appear here, oldest "
                "first, with the time left on the 24-hour clock.",
            ),
            Panel(
                "Screened in the last 7 days",
                "Referrals you have screened will appear here with your decision.",
            ),
        ),
    ),
    Role.COORDINATOR: HomePage(
        title="Partnership overview",
        lead="Triage cross-agency alerts, lead cases and run the MASE meeting.",
        panels=(
            Panel(
                "Alerts to triage",
                "When low-level concerns from several agencies add up, an alert with its "
                "evidence will appear here for your decision.",
            ),
            Panel("Cases you lead", "Cases where you are lead professional will appear here."),
            Panel(
                "Next MASE meeting",
                "The next meeting's VOLT agenda (victims, offenders, locations, themes) will "
                "appear here once it is scheduled.",
            ),
            Panel(
                "Overdue actions",
                "Actions past their due date, from any agency, will appear here to chase.",
            ),
            Panel(
                "Reassessments due",
                "CSE screening tool reassessments overdue or due in the next two weeks will "
                "appear here.",
            ),
        ),
    ),
    Role.ANALYST: HomePage(
        title="Intelligence",
        lead="Work graded intelligence, the link chart and the problem profile.",
        panels=(
            Panel(
                "Intelligence to assess",
                "New intelligence reports and partner submissions will appear here for "
                "3x5x2 grading.",
            ),
            Panel(
                "Link chart",
                "People, phones, vehicles, places and businesses linked in intelligence will "
                "appear in the link chart, with a table alternative.",
            ),
        ),
    ),
    Role.IG_OFFICER: HomePage(
        title="Information governance",
        lead="Review access, break-glass use, sharing decisions, retention and subject access.",
        panels=(
            Panel(
                "Break-glass uses to review",
                "Each time someone opens a record they were not otherwise entitled to, with "
                "their reason, it will appear here for your review.",
            ),
            Panel(
                "Retention reviews due",
                "Records reaching their review date under the retention schedule will appear here.",
            ),
            Panel(
                "Subject access requests",
                "Requests for everything held about a young person will appear here.",
            ),
        ),
    ),
    Role.STRATEGIC_LEAD: HomePage(
        title="The picture for strategy",
        lead="Aggregated figures with small numbers suppressed, and the problem profile.",
        panels=(
            Panel(
                "Who is being identified",
                "Figures by age, gender, ethnicity and disability will appear here, with counts "
                "under 5 suppressed, so that under-identified groups can be seen.",
            ),
            Panel("Problem profile", "The analysts' current problem profile will appear here."),
        ),
    ),
    Role.COMMUNITY_PARTNER: HomePage(
        title="Tell the partnership about a concern",
        lead="If you are worried that a child or young person is being exploited, tell us. "
        "You will get a receipt. You will not be able to read back what you sent, to "
        "keep the young person safe.",
        panels=(
            Panel(
                "Your receipts",
                "Receipts for concerns you submit will appear here, with their reference "
                "number and the date you sent them.",
            ),
        ),
    ),
    Role.ADMINISTRATOR: HomePage(
        title="Partnership administration",
        lead="Configure agencies, users and sharing rules. Administrators cannot read case "
        "content.",
        panels=(
            Panel("Agencies", "Agencies in the partnership will appear here."),
            Panel("Users", "People with accounts will appear here by agency and role."),
        ),
    ),
}


def for_user(user: User) -> HomePage:
    """The role's page, with the panels that already have live content filled in."""
    page = _PAGES[user.role]
    fill = _FILLERS.get(Role(user.role))
    if fill is None:
        return page
    return replace(page, panels=tuple(fill(user, panel) for panel in page.panels))


def _practitioner(user: User, panel: Panel) -> Panel:
    if panel.title == "Young people you work with":
        return replace(
            panel,
            items=_my_young_people(user),
            links=(
                Link("Find a young person", reverse("people:list")),
                Link("Records across the partnership", reverse("records:list")),
            ),
        )
    if panel.title == "Significance prompts":
        return replace(panel, links=(Link("Your notifications", reverse("notifications:list")),))
    if panel.title == "Actions you own":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in actions_you_own(user)),
            links=(
                Link("All your actions", reverse("cases:my-actions")),
                Link("Your cases", reverse("cases:list")),
            ),
        )
    return panel


def _my_young_people(user: User) -> tuple[Link, ...]:
    rows = (
        active_relationships(user)
        .select_related("young_person")
        .order_by("young_person__family_name", "young_person__given_name")[:20]
    )
    seen: dict[int, Link] = {}
    for row in rows:
        person = row.young_person
        seen.setdefault(
            person.pk,
            Link(
                f"{person.full_name} ({row.get_kind_display().lower()})",
                reverse("people:detail", args=[person.pk]),
            ),
        )
    return tuple(seen.values())


def _coordinator(user: User, panel: Panel) -> Panel:
    if panel.title == "Alerts to triage":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in alerts_to_triage(user)),
            links=(Link("All alerts", reverse("alerts:queue")),),
        )
    if panel.title == "Cases you lead":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in cases_you_lead(user)),
            links=(Link("All cases", reverse("cases:list")),),
        )
    if panel.title == "Overdue actions":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in overdue_action_lines(user)),
            links=(Link("Actions", reverse("cases:my-actions")),),
        )
    if panel.title == "Next MASE meeting":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in next_meeting_lines(user)),
            links=(Link("MASE meetings", reverse("mase:index")),),
        )
    if panel.title == "Reassessments due":
        return replace(
            panel,
            items=tuple(Link(text, url) for text, url in reassessment_lines(user)),
            links=(Link("All reassessments due", reverse("assessment:due")),),
        )
    return panel


def _ig_officer(user: User, panel: Panel) -> Panel:
    if panel.title == "Break-glass uses to review":
        pending = BreakGlassAccess.objects.filter(
            review=BreakGlassReview.PENDING, user__agency_id=user.agency_id or 0
        ).count()
        items = (
            (
                Link(
                    f"{pending} awaiting review from your agency", reverse("governance:break-glass")
                ),
            )
            if pending
            else ()
        )
        return replace(
            panel,
            items=items,
            links=(Link("Break-glass review queue", reverse("governance:break-glass")),),
        )
    if panel.title == "Retention reviews due":
        overdue = overdue_for_agency(user.agency_id).count() if user.agency_id else 0
        items = (
            (Link(f"{overdue} records past their review date", reverse("governance:retention")),)
            if overdue
            else ()
        )
        return replace(
            panel,
            items=items,
            links=(Link("Retention review queue", reverse("governance:retention")),),
        )
    if panel.title == "Subject access requests":
        return replace(
            panel,
            links=(
                Link("Start a subject access export", reverse("governance:subject-access-start")),
            ),
        )
    return panel


def _administrator(user: User, panel: Panel) -> Panel:
    if panel.title == "Agencies":
        agencies = Agency.objects.filter(is_active=True).order_by("name")
        return replace(
            panel,
            items=tuple(Link(agency.name, "") for agency in agencies),
            links=(
                Link("Information sharing agreement", reverse("governance:agreement")),
                Link("Referral pathways", reverse("cases:pathways")),
                *(
                    (Link("Concern categories", reverse("records:concern-categories")),)
                    if may(user, Capability.EDIT_CONCERN_CATEGORIES)
                    else ()
                ),
            ),
        )
    if panel.title == "Users":
        count = User.objects.filter(is_active=True).count()
        return replace(panel, items=(Link(f"{count} active accounts", ""),))
    return panel


def _partner(user: User, panel: Panel) -> Panel:
    if panel.title == "Your receipts":
        receipts = receipts_of(user)[:20]
        return replace(
            panel,
            items=tuple(
                Link(
                    f"{r.receipt}, sent {r.received_at:%d %b %Y}",
                    reverse("referrals:receipt", args=[r.receipt]),
                )
                for r in receipts
            ),
            links=(Link("Tell us about a concern", reverse("referrals:partner-concern")),),
        )
    return panel


def _screener(user: User, panel: Panel) -> Panel:
    if panel.title == "Awaiting screening":
        waiting = list(screening_queue(user)[:10])
        return replace(
            panel,
            items=tuple(
                Link(
                    f"{r.receipt} from {r.referring_agency.short_name}: "
                    + ("overdue" if r.is_overdue else f"{r.hours_left} hours left"),
                    reverse("referrals:screen", args=[r.pk]),
                )
                for r in waiting
            ),
            links=(Link("All referrals to screen", reverse("referrals:mash-queue")),),
        )
    return _coordinator(user, panel)


def _strategic(user: User, panel: Panel) -> Panel:
    if panel.title == "Problem profile":
        return replace(
            panel, links=(Link("Information sharing agreement", reverse("governance:agreement")),)
        )
    return panel


_FILLERS = {
    Role.PRACTITIONER: _practitioner,
    Role.MASH_SCREENER: _screener,
    Role.COMMUNITY_PARTNER: _partner,
    Role.COORDINATOR: _coordinator,
    Role.ANALYST: _practitioner,
    Role.IG_OFFICER: _ig_officer,
    Role.ADMINISTRATOR: _administrator,
    Role.STRATEGIC_LEAD: _strategic,
}
