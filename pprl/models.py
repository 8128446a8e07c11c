"""Privacy-preserving linkage: submitted encodings files, the notices they give, disclosure.

Only what the process needs is kept. A submitted file's encodings are compared and discarded;
what stays is the file's counts and, for each encoding that matched, a notice holding the
submitting agency's own reference and (hidden from that agency) the young person it matched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnership.models import Agency


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be compared"
    RUNNING = "running", "Being compared"
    DONE = "done", "Compared"
    FAILED = "failed", "Could not be compared"


class EncodingSubmission(models.Model):
    """One encodings file an agency submitted. An upload is compared by a background job
    (``pprl.tasks.compare_encodings``); its status says where that has got to."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    file_name = models.CharField(max_length=200)
    fingerprint = models.CharField(
        max_length=32, help_text="Identifies the secret and settings the file was encoded with."
    )
    rows_compared = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    notices_given = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(
        default=list, blank=True, help_text="Row number, column and rule for each rejected row."
    )
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DONE
    )
    error = models.TextField(blank=True, help_text="Why the file could not be compared.")
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="The upload, kept only until it has been compared."
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"Encodings file {self.file_name} ({self.submitted_at:%d %b %Y})"

    @property
    def is_active(self) -> bool:
        return self.status in (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)


class LinkNotice(models.Model):
    """'Another agency holds records on this young person (your reference X).'

    The young person is never shown to the submitting agency until a holding agency decides
    to share."""

    submission = models.ForeignKey(
        EncodingSubmission, on_delete=models.CASCADE, related_name="notices"
    )
    reference = models.CharField(max_length=100, help_text="The submitting agency's reference.")
    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(help_text="Dice similarity of the encodings.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["submission", "reference", "pk"]

    def __str__(self) -> str:
        return f"Notice for reference {self.reference}"


class DisclosureStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a decision"
    SHARED = "shared", "Shared"
    DECLINED = "declined", "Not shared"


class DisclosureRequest(models.Model):
    """A request, after a notice, to one holding agency to say who the young person is."""

    notice = models.ForeignKey(LinkNotice, on_delete=models.CASCADE, related_name="requests")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    holding_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    purpose = models.TextField(help_text="Why the requesting agency needs to know.")
    status = models.CharField(
        max_length=20, choices=DisclosureStatus.choices, default=DisclosureStatus.AWAITING
    )
    decision = models.OneToOneField(
        "governance.SharingDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "holding_agency"], name="pprl_one_request_per_holder"
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure request {self.pk} ({self.get_status_display()})"
