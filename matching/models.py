"""Matching imported rows to young people: models, thresholds, the review queue and judgements.

An imported row (``imports.ImportedRow``) is linked to a young person automatically, sent to the
clerical review queue, or becomes a new young person, by the feed's thresholds. What people
decide is kept: a rejected pair is never proposed again, and every link can be undone with a
reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Defaults in code for a feed with no saved thresholds (probabilities, 0 to 1).
DEFAULT_AUTO_LINK_FROM = 0.95
DEFAULT_REVIEW_FROM = 0.30


class LinkageModel(models.Model):
    """The trained linkage model for one feed: parameters estimated without labelled data."""

    feed = models.CharField(max_length=40, unique=True)
    model = models.JSONField(help_text="The trained Splink model (its settings, as JSON).")
    trained_at = models.DateTimeField()
    rows_used = models.PositiveIntegerField(help_text="Register and imported rows trained on.")

    class Meta:
        ordering = ["feed"]

    def __str__(self) -> str:
        return f"Linkage model for {self.feed}, trained {self.trained_at:%d %b %Y}"


class MatchThresholds(models.Model):
    """One version of a feed's thresholds. The newest version for a feed is in force.

    A row whose best candidate's probability is at or above ``auto_link_from`` is linked
    automatically; from ``review_from`` up to that, it goes to clerical review; below
    ``review_from``, a new young person is created.
    """

    feed = models.CharField(max_length=40)
    auto_link_from = models.FloatField()
    review_from = models.FloatField()
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(help_text="Why the thresholds were changed.")

    class Meta:
        ordering = ["feed", "-set_at", "-pk"]
        verbose_name_plural = "match thresholds"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_from__gte=0)
                & models.Q(auto_link_from__lte=1)
                & models.Q(review_from__lte=models.F("auto_link_from")),
                name="match_thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.feed}: link from {self.auto_link_from}, review from {self.review_from}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    LINKED = "linked", "Linked"
    REJECTED = "rejected", "Not the same young person"
    UNSURE = "unsure", "Unsure"
    SUPERSEDED = "superseded", "Another candidate was chosen"


class ReviewItem(models.Model):
    """One imported row and one candidate young person, for a person to decide."""

    row = models.ForeignKey(
        "imports.ImportedRow", on_delete=models.CASCADE, related_name="review_items"
    )
    candidate = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="+")
    # Empty when the pair was not scored (a link by UPN or NHS number that was undone).
    probability = models.FloatField(null=True, blank=True)
    match_weight = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(
        default=list, blank=True, help_text="Per field: field, label, weight (from the engine)."
    )
    via_row = models.ForeignKey(
        "imports.ImportedRow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Another row of the same import that matched this one and this candidate.",
    )
    via_probability = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="review_item_queue_idx")]

    def __str__(self) -> str:
        return f"Review of row {self.row_id} against young person {self.candidate_id}"

    @property
    def is_waiting(self) -> bool:
        return self.status in (ReviewStatus.OPEN, ReviewStatus.UNSURE)


class Verdict(models.TextChoices):
    SAME = "same", "Same young person"
    DIFFERENT = "different", "Not the same young person"
    # A link was undone: the pair is never linked automatically again, only reviewed.
    UNDONE = "undone", "Link undone"


class MatchJudgement(models.Model):
    """A person's judgement on a pair: an identity as an agency recorded it x a young person.

    ``identity_key`` is a keyed hash of the row's agency and identity fields, so the judgement
    holds for the same identity in any later import, and no name is stored twice.
    """

    identity_key = models.CharField(max_length=64, db_index=True)
    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="+"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    row = models.ForeignKey(
        "imports.ImportedRow", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.identity_key[:8]} x {self.young_person_id}"


class UndoLink(models.Model):
    """A link between an imported row and a young person that was undone, and why."""

    row = models.ForeignKey("imports.ImportedRow", on_delete=models.CASCADE, related_name="+")
    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="+"
    )
    linked_how = models.CharField(max_length=40, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-undone_at", "-pk"]

    def __str__(self) -> str:
        return f"Link of row {self.row_id} to young person {self.young_person_id} undone"
