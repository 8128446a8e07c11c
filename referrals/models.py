"""Referrals, their pathways and MASH screening: the start of "referral to outcome".

The tables keep the names they had in the old ``casework`` app (``db_table``), so moving the
models here copied no data."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnership.models import Agency
from people.models import YoungPerson

SCREENING_HOURS = 24


class ReferralSource(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    COMMUNITY_PARTNER = "community_partner", "Community partner"


class ReferralKind(models.TextChoices):
    """What the referral is mainly about: pathways may send each kind to a different agency."""

    SEXUAL_EXPLOITATION = "sexual_exploitation", "Child sexual exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Child criminal exploitation (county lines)"
    MISSING = "missing", "Going missing"
    ONLINE = "online", "Online grooming or abuse"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    OTHER = "other", "Something else or not sure"


class ReferralStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting_screening", "Awaiting screening"
    SCREENED = "screened", "Screened"


class ReferralPathway(models.Model):
    """Which agency receives referrals (held as data; the MASH host by default).

    A pathway for a source with no kind covers every kind from that source; a pathway for a
    source and kind takes precedence over it.
    """

    source = models.CharField(max_length=30, choices=ReferralSource.choices)
    kind = models.CharField(
        max_length=30,
        choices=ReferralKind.choices,
        blank=True,
        help_text="Leave blank for every kind of referral from this source.",
    )
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "casework_referralpathway"
        ordering = ["source", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind"], name="referral_pathway_unique")
        ]

    def __str__(self) -> str:
        what = self.get_kind_display() if self.kind else "All"
        return f"{what} {self.get_source_display().lower()} referrals go to {self.receiving_agency}"


class Referral(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    source = models.CharField(max_length=30, choices=ReferralSource.choices)
    kind = models.CharField(max_length=30, choices=ReferralKind.choices, blank=True)
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    receipt = models.CharField(max_length=12, unique=True)
    received_at = models.DateTimeField()
    concern = models.TextField(help_text="What the referrer is worried about, in their words.")
    subject_description = models.TextField(
        blank=True, help_text="For a community partner: who they saw, as best they can describe."
    )
    where = models.CharField(max_length=200, blank=True)
    when_seen = models.CharField(max_length=100, blank=True)
    vehicles = models.CharField(max_length=200, blank=True)
    phones = models.CharField(max_length=200, blank=True)
    consent_status = models.CharField(max_length=20, blank=True)
    lawful_basis = models.CharField(max_length=40, blank=True)
    reason_without_consent = models.TextField(blank=True)
    status = models.CharField(
        max_length=30, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_SCREENING
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        db_table = "casework_referral"
        ordering = ["received_at"]
        indexes = [models.Index(fields=["receiving_agency", "status", "received_at"])]

    def __str__(self) -> str:
        return f"Referral {self.receipt}"

    @property
    def due_by(self):  # type: ignore[no-untyped-def]
        return self.received_at + timedelta(hours=SCREENING_HOURS)

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.AWAITING_SCREENING and timezone.now() > self.due_by

    @property
    def hours_left(self) -> float:
        return round((self.due_by - timezone.now()).total_seconds() / 3600, 1)


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ScreeningDecision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    SINGLE_AGENCY = "single_agency", "Single-agency support"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    CSE_CASE = "cse_case", "Case for the CSE team"


class Screening(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="screening")
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField()
    rating = models.CharField(max_length=10, choices=Rating.choices)
    rationale = models.TextField()
    decision = models.CharField(max_length=30, choices=ScreeningDecision.choices)
    decision_reason = models.TextField(blank=True)
    within_clock = models.BooleanField()

    class Meta:
        db_table = "casework_screening"

    def __str__(self) -> str:
        return f"Screening of {self.referral.receipt}: {self.get_rating_display()}"
