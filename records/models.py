"""Agency records: concerns, episodes, indicators and notes about a young person.

Every record is owned by one agency. What another agency sees of it is decided by the access
gate in ``governance.policy`` from the record's category and classification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnership.models import Agency, Service
from people.models import YoungPerson


class RecordCategory(models.TextChoices):
    """The rows of the information sharing agreement: what kind of information this is."""

    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    INTELLIGENCE = "intelligence", "Intelligence-derived"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary sector"
    COMMUNITY = "community", "Community partner"


class RecordKind(models.TextChoices):
    CONCERN = "concern", "Concern"
    EPISODE = "episode", "Episode"
    INDICATOR = "indicator", "Indicator"
    NOTE = "note", "Note"


class IndicatorKind(models.TextChoices):
    NONE = "", "Not an indicator"
    VULNERABILITY = "vulnerability", "Vulnerability factor"
    WARNING_SIGN = "warning_sign", "Warning sign"


class Nature(models.TextChoices):
    """DPA 2018 s.38: fact kept apart from opinion."""

    FACT = "fact", "Fact"
    OPINION = "opinion", "Professional opinion"
    ALLEGATION = "allegation", "Allegation"


class PersonCategory(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class Classification(models.TextChoices):
    """How tightly the owning agency holds this record, on top of the sharing agreement."""

    STANDARD = "standard", "Standard"
    SENSITIVE = "sensitive", "Sensitive: case team only"
    RESTRICTED = "restricted", "Restricted: owning service only"


class RecordType(models.Model):
    """The catalogue of record types, held as data and editable by administrators."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    indicator_kind = models.CharField(
        max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.NONE, blank=True
    )
    description = models.TextField(blank=True)
    has_end = models.BooleanField(
        default=False, help_text="Has an end, such as a return from a missing episode."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AgencyRecord(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="records")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=RecordCategory.choices)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="records")
    owning_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(help_text="When it happened.")
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When it ended, for example the return from missing."
    )
    recorded_at = models.DateTimeField(help_text="When it was recorded.")
    location = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="Details particular to the type.")
    nature = models.CharField(max_length=20, choices=Nature.choices)
    person_category = models.CharField(
        max_length=20, choices=PersonCategory.choices, default=PersonCategory.VICTIM
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.STANDARD
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    review_due = models.DateField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(
                fields=["young_person", "-occurred_at", "-id"], name="record_chronology_idx"
            ),
            models.Index(fields=["owning_agency", "-occurred_at", "-id"], name="record_agency_idx"),
            models.Index(fields=["record_type", "-occurred_at", "-id"], name="record_type_idx"),
            models.Index(fields=["-occurred_at", "-id"], name="record_recent_idx"),
            models.Index(fields=["review_due"], name="record_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type.name} ({self.owning_agency.short_name})"

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None


class RecordVersion(models.Model):
    """A record as it was before each change: every change keeps history."""

    record = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["record", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="record_version_unique")
        ]

    def __str__(self) -> str:
        return f"version {self.version} of record {self.record_id}"


class LinkKind(models.TextChoices):
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    PHONE = "phone", "Phone"
    VEHICLE = "vehicle", "Vehicle"
    ONLINE = "online", "Online identity"


class RecordLink(models.Model):
    """A person, place, phone, vehicle or online identity named in a record."""

    record = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    value = models.CharField(max_length=200, help_text="Normalised: E.164 phone, VRM, postcode.")
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="record_link_value_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class ConcernCategory(models.Model):
    """The categories a low-level concern is filed under (the ``concerns`` import feed and the
    concern record's facts), held as data so the partnership can add or retire one."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "concern categories"

    def __str__(self) -> str:
        return self.name
