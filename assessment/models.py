"""The CSE screening tool: indicators held as data in versions, and assessments made with them.

The tool only *suggests* a level. The professional chooses the level and says why when it
differs from the suggestion. Evidence (fact, with its source) is kept apart from professional
opinion, answer by answer (DPA 2018 s.38).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnership.models import Agency
from people.models import YoungPerson

REASSESS_WITHIN_MONTHS = 3


class Level(models.TextChoices):
    NOT_APPARENT = "not_apparent", "Not apparent"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# Lowest to highest, for ordering and charts.
LEVEL_ORDER: tuple[Level, ...] = (Level.NOT_APPARENT, Level.LOW, Level.MEDIUM, Level.HIGH)


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(Level(level))


class IndicatorKind(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability factor"
    WARNING_SIGN = "warning_sign", "Warning sign"


class Answer(models.TextChoices):
    PRESENT = "present", "Present"
    NOT_PRESENT = "not_present", "Not present"
    NOT_KNOWN = "not_known", "Not known"


class ToolVersion(models.Model):
    """One version of the screening tool: its indicators, weights and level thresholds.

    Versions are never edited once saved; a change to wording, weights or thresholds makes a
    new version, so every assessment can be read against the tool it was made with.
    """

    number = models.PositiveIntegerField(unique=True)
    low_from = models.PositiveSmallIntegerField(
        help_text="A score at or above this suggests LOW (any indicator present, by default)."
    )
    medium_from = models.PositiveSmallIntegerField(
        help_text="A score at or above this suggests MEDIUM."
    )
    high_from = models.PositiveSmallIntegerField(
        help_text="A score at or above this suggests HIGH."
    )
    young_age = models.PositiveSmallIntegerField(
        default=13,
        help_text="At this age or under, any one indicator marked for young children, present, "
        "suggests HIGH on its own.",
    )
    reason = models.TextField(help_text="Why this version was made.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Screening tool version {self.number}"


class Indicator(models.Model):
    version = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=40)
    wording = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    weight = models.PositiveSmallIntegerField()
    high_if_young = models.BooleanField(
        "Any one of these at 13 or under",
        default=False,
        help_text="Present at the tool's young age or under, this alone suggests HIGH.",
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_per_version")
        ]

    def __str__(self) -> str:
        return self.wording


class Assessment(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, related_name="cse_assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Copied at the time, so the assessment stays with the agency that made it.
    assessor_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    age_at_assessment = models.PositiveSmallIntegerField()
    score = models.PositiveIntegerField()
    suggested_level = models.CharField(max_length=20, choices=Level.choices)
    suggestion_reason = models.CharField(max_length=300)
    chosen_level = models.CharField(max_length=20, choices=Level.choices)
    reason_for_difference = models.TextField(blank=True)
    summary_opinion = models.TextField(
        "Professional opinion", blank=True, help_text="The assessor's overall view, as opinion."
    )
    next_due = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            models.Index(fields=["young_person", "-assessed_on"], name="assessment_yp_date_idx"),
            models.Index(fields=["next_due"], name="assessment_next_due_idx"),
        ]

    def __str__(self) -> str:
        return f"CSE screening of {self.young_person_id} on {self.assessed_on}"

    @property
    def differs(self) -> bool:
        return self.chosen_level != self.suggested_level

    def is_overdue(self, today: date | None = None) -> bool:
        return self.next_due < (today or timezone.localdate())

    @property
    def chosen_rank(self) -> int:
        return level_rank(self.chosen_level)


class AssessmentAnswer(models.Model):
    """One indicator's answer, with the evidence (fact and source) apart from opinion."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices)
    evidence = models.TextField(blank=True, help_text="Fact: what was seen, heard or recorded.")
    evidence_source = models.CharField(
        max_length=200, blank=True, help_text="Where the fact comes from (agency, record, person)."
    )
    opinion = models.TextField(blank=True, help_text="Professional opinion, kept apart from fact.")

    class Meta:
        ordering = ["indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.answer}"
