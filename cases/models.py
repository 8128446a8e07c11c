"""Cases and plans: the case, its team, strategy discussions, actions, reviews, transition at 18,
and the decision not to act on a referral (action follows sharing).

The tables keep the names they had in the old ``casework`` app (``db_table``), so moving the
models here copied no data."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnership.models import Agency
from people.models import YoungPerson
from referrals.models import Rating, Referral

# --- Cases and plans ---------------------------------------------------------------------

DEFAULT_REVIEW_DAYS = 42
TRANSITION_MONTHS = 6


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def eighteenth_birthday(born: date) -> date:
    return _add_months(born, 18 * 12)


def transition_horizon(today: date | None = None) -> date:
    """Young people whose 18th birthday falls on or before this day are flagged for transition."""
    return _add_months(today or timezone.localdate(), TRANSITION_MONTHS)


def born_on_or_before_for_transition(today: date | None = None) -> date:
    """The latest date of birth that makes someone 18 by the transition horizon."""
    return _add_months(transition_horizon(today), -18 * 12)


class CaseStatus(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class OutcomeCode(models.TextChoices):
    NO_CASE_NEEDED = "no_case_needed", "No case needed after the strategy discussion"
    RISK_REDUCED = "risk_reduced", "Risk reduced: no longer at risk of exploitation"
    RISK_MANAGED = "risk_managed", "Risk managed by a single agency"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area (case transferred)"
    ADULT_SERVICES = "adult_services", "Transferred to adult services at 18"
    DISENGAGED = "disengaged", "Young person disengaged despite efforts"
    CUSTODY = "custody", "In custody"
    OTHER = "other", "Other (explained in the closing note)"


class Case(models.Model):
    """A multi-agency case for one young person: a lead professional, a team, a plan, reviews."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="cases")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_led",
        help_text="The lead professional, from any agency (voluntary sector included).",
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=30, choices=CaseStatus.choices, default=CaseStatus.STRATEGY_DISCUSSION
    )
    opened_at = models.DateTimeField()
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    review_every_days = models.PositiveIntegerField(default=DEFAULT_REVIEW_DAYS)
    next_review_due = models.DateField()
    review_overdue_notified_on = models.DateField(
        null=True, blank=True, help_text="Written only by the overdue job."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome_code = models.CharField(max_length=30, choices=OutcomeCode.choices, blank=True)
    closure_note = models.TextField(blank=True)
    young_persons_views = models.TextField(
        blank=True, help_text="What the young person says, in their own words where possible."
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "casework_case"
        ordering = ["next_review_due", "pk"]
        indexes = [
            models.Index(fields=["status", "next_review_due"]),
            models.Index(fields=["young_person", "status"]),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def review_overdue(self) -> bool:
        return self.is_open and self.next_review_due < timezone.localdate()

    @property
    def eighteenth_birthday(self) -> date:
        return eighteenth_birthday(self.young_person.date_of_birth)

    @property
    def turns_18_soon(self) -> bool:
        """Open, and the young person turns 18 within six months (or already has)."""
        return self.is_open and self.eighteenth_birthday <= transition_horizon()


class CaseMember(models.Model):
    """A named person in the case team. Membership gives need to know while it lasts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    relationship = models.ForeignKey(
        "governance.LegitimateRelationship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "casework_casemember"
        ordering = ["added_at", "pk"]
        indexes = [models.Index(fields=["user", "removed_at"])]

    def __str__(self) -> str:
        return f"Member of case {self.case_id}"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionSource(models.TextChoices):
    PLAN = "plan", "Case plan"
    MASE = "mase", "MASE meeting"
    DISRUPTION = "disruption", "Disruption plan"
    REFERRAL = "referral", "Referral"


class Action(models.Model):
    """Something an agency has agreed to do, by a date: from a plan, a meeting or a referral."""

    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_owned",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion_note = models.TextField(blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    source = models.CharField(
        max_length=20, choices=ActionSource.choices, default=ActionSource.PLAN
    )
    overdue_notified_on = models.DateField(
        null=True, blank=True, help_text="Written only by the overdue-actions job."
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "casework_action"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["owner_agency", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


# --- Strategy discussions, reviews, transition, and action following sharing -----------------


class StrategyDecision(models.TextChoices):
    OPEN_CASE = "open_case", "Open a multi-agency case"
    SINGLE_AGENCY = "single_agency", "Single-agency support"
    NO_CASE = "no_case", "No case needed"


class StrategyDiscussion(models.Model):
    """Agencies meet (or call) to decide whether a multi-agency case is needed."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategy_discussions",
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategy_discussions",
    )
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agencies_present = models.ManyToManyField(Agency, related_name="+")
    attendees = models.TextField(blank=True, help_text="Names and roles of who took part.")
    summary = models.TextField()
    decision = models.CharField(max_length=20, choices=StrategyDecision.choices)
    decision_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "casework_strategydiscussion"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.pk}"


class CaseReview(models.Model):
    """A review of the case by its team: what changed, the risk now, and when to meet next."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField()
    risk_rating = models.CharField(max_length=10, choices=Rating.choices)
    risk_notes = models.TextField(blank=True)
    next_review_due = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "casework_casereview"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of case {self.case_id} on {self.held_on}"


class TransitionPlan(models.Model):
    """Who takes over when the young person turns 18: adult services and the
    violence-against-women-and-girls (VAWG) partner, with named contacts and a handover date."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="transition_plan")
    adult_services_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adult_services_contact = models.CharField(max_length=200, blank=True)
    vawg_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vawg_contact = models.CharField(max_length=200, blank=True)
    handover_on = models.DateField()
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "casework_transitionplan"

    def __str__(self) -> str:
        return f"Transition plan for case {self.case_id}"


class DecisionNotToAct(models.Model):
    """The recorded decision that an accepted referral needs no further action by anyone."""

    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="decision_not_to_act"
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "casework_decisionnottoact"

    def __str__(self) -> str:
        return f"Decision not to act on referral {self.referral_id}"
