"""Agency import files: the batch, its rejected rows and every accepted row with its identity.

An :class:`ImportBatch` is one file from one agency for one feed. Each accepted row becomes an
:class:`ImportedRow` holding the identity exactly as the file gave it (normalised) and the row's
facts; the row stays ``pending`` until it is linked to a young person (deterministically by a
valid UPN or NHS number here, otherwise by the matching app), and then remembers the agency
record it produced. Each rejected row is an :class:`ImportRejection` naming the row, the field
and the rule it broke.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from partnership.models import Agency
from people.models import Gender, YoungPerson
from records.models import AgencyRecord


class Feed(models.TextChoices):
    SCHOOL_ATTENDANCE = "school_attendance", "School attendance"
    POLICE_MISSING = "police_missing", "Police missing episodes"
    HEALTH_ATTENDANCE = "health_attendance", "Health attendances"
    SOCIAL_CARE_STATUS = "social_care_status", "Social care status"
    CONCERNS = "concerns", "Concerns"
    SCHOOL_ROLL = "school_roll", "School roll"


# A job that has committed nothing for this long is taken to have been stopped.
STALLED_AFTER = timedelta(minutes=15)


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Phase(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    READING = "reading", "Reading and checking rows"
    LINKING = "linking", "Linking by UPN and NHS number"
    MATCHING = "matching", "Matching the remaining rows"
    FINISHED = "finished", "Finished"


class ImportBatch(models.Model):
    """One file imported (or being imported) by one agency for one feed."""

    feed = models.CharField(max_length=30, choices=Feed.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who imported the file; empty when an operator ran the command as the system.",
    )
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="Where the job reads the file from."
    )
    file_format = models.CharField(max_length=4, default="csv")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.WAITING)
    rows_seen = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(
        default=0, help_text="Rows already imported from another file: not added again."
    )
    rows_linked = models.PositiveIntegerField(
        default=0, help_text="Rows linked by a valid UPN or NHS number."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent of the file read.")
    checkpoint_row = models.PositiveIntegerField(
        default=0, help_text="The last row whose chunk is committed: a re-run resumes after it."
    )
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the job: a chunk committed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Re-importing the same file finds this batch instead of adding anything.
            models.UniqueConstraint(
                fields=["agency", "feed", "sha256"], name="import_batch_file_once"
            )
        ]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_feed_display()} from {self.file_name}"

    @property
    def is_active(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    def is_stalled(self, now: datetime) -> bool:
        """Running (or queued) with no sign of life for a while: its job was stopped."""
        last = self.heartbeat_at or self.created_at
        return self.is_active and last is not None and now - last > STALLED_AFTER


class ImportRejection(models.Model):
    """One problem with one row: the row number, the column and the rule it broke.

    ``kept`` marks an identifier that failed its check: the identifier is not trusted (never
    used to link), but the row itself is kept and matched on its other fields.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField(help_text="Data row number; the header is row 1.")
    field = models.CharField(max_length=60)
    rule = models.TextField()
    kept = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "row_number", "pk"]
        indexes = [models.Index(fields=["batch", "row_number"], name="import_rejection_row_idx")]

    def __str__(self) -> str:
        return f"Row {self.row_number}, {self.field}: {self.rule}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be matched"
    LINKED = "linked", "Linked to a young person"
    IN_REVIEW = "in_review", "In clerical review"
    NEW_PERSON = "new_person", "New young person created"


class LinkedHow(models.TextChoices):
    NONE = "", "Not linked"
    UPN = "upn", "Unique Pupil Number"
    NHS = "nhs", "NHS number"
    PROBABILISTIC = "probabilistic", "Probabilistic match"
    CLERICAL = "clerical", "Clerical review"
    NEW_PERSON = "new_person", "New young person"


class ImportedRow(models.Model):
    """One accepted row of an import file: who it is about (as the file said) and what it says.

    Identity fields are normalised (identifiers in Tessera's stored form, blank when absent or
    untrusted); ``payload`` holds the feed's facts (dates as ISO text).
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    # Copied from the batch so one row's natural key is unique per agency and feed.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    feed = models.CharField(max_length=30, choices=Feed.choices)
    row_number = models.PositiveIntegerField(help_text="Data row number; the header is row 1.")
    natural_key = models.CharField(
        max_length=64, help_text="SHA-256 of the feed's key fields: the same fact is added once."
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    postcode = models.CharField(max_length=8, blank=True)
    upn = models.CharField(max_length=13, blank=True, db_index=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    school = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="The agency's own reference for this person."
    )
    payload = models.JSONField(default=dict)
    match_status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        AgencyRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency record this row produced, when it was linked.",
    )
    linked_how = models.CharField(
        max_length=15, choices=LinkedHow.choices, default=LinkedHow.NONE, blank=True
    )
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="imported_row_once"),
            models.UniqueConstraint(
                fields=["agency", "feed", "natural_key"], name="imported_fact_once"
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "match_status"], name="imported_row_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number} of batch {self.batch_id}"
