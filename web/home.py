"""What each role sees first: the work waiting for them, or what will appear there."""

from __future__ import annotations

from dataclasses import dataclass, field

from partnership.models import Role, User


@dataclass(frozen=True)
class Panel:
    title: str
    empty: str
    items: tuple[str, ...] = ()


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
    return _PAGES[user.role]
