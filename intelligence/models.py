"""Graded intelligence, the entities it names (POLE: people, objects, locations, events) and
the analyst's judgements about them.

An intelligence report is graded 3x5x2 (``SourceEvaluation``, ``IntelligenceAssessment``,
``HandlingCode``). What could identify its source is kept in ``SourceDetail``, a separate row
that only the owning agency's gate ever reads: no page, export or query of another agency
touches it (``intelligence.gate``).

Entities are the phones, vehicles, online identities, locations and persons of interest that
reports and records name. Where a value was seen is an ``Occurrence`` (one row per value per
source); which entities go together is computed from occurrences on demand
(``intelligence.queries``), never stored pair by pair. A link an analyst states, or one
inferred by an analysis, is an ``EntityLink`` with its source, grade and whether it was
inferred. Whether two entities are the same is a ``ResolutionJudgement``: audited, and
reversed by marking, never by deleting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Agency, Service
from records.models import AgencyRecord

# --- The 3x5x2 grade ---------------------------------------------------------------------


class SourceEvaluation(models.TextChoices):
    """How far the source can be relied on, judged from its history (the first of 3x5x2)."""

    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    """How the source came to know what it reports (the 5 of 3x5x2)."""

    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B: known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: cannot be judged"
    SUSPECTED_FALSE = "E", "E: suspected to be false or malicious"


class HandlingCode(models.TextChoices):
    """Whether it may be shared (the 2 of 3x5x2)."""

    PERMITTED = "P", "P: may be shared lawfully"
    CONDITIONS = "C", "C: may be shared only under the conditions written"


class IntelligenceReport(models.Model):
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owning_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(
        blank=True, help_text="Handling C: the conditions on sharing, in words."
    )
    shared_with = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        help_text=(
            "The agencies the owner has shared it with: they see it in full, never its source."
            " Under handling C nobody else sees anything of it."
        ),
    )
    occurred_at = models.DateTimeField(help_text="When what it reports happened.")
    recorded_at = models.DateTimeField(help_text="When it was recorded.")
    title = models.CharField(max_length=200)
    text = models.TextField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["owning_agency", "-recorded_at"], name="intel_report_agency_idx"),
            models.Index(fields=["-occurred_at"], name="intel_report_occurred_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling_code="C") | ~Q(handling_conditions=""),
                name="intel_report_c_needs_conditions",
            )
        ]

    def __str__(self) -> str:
        return f"Intelligence report {self.pk}"

    @property
    def grade(self) -> str:
        """The grade as analysts write it: "2 B C"."""
        return f"{self.source_evaluation} {self.intelligence_assessment} {self.handling_code}"


class SourceDetail(models.Model):
    """What could identify the source. Stays with the owning agency: read only by
    ``intelligence.gate.source_detail_for``, which answers nobody outside it."""

    report = models.OneToOneField(
        IntelligenceReport, on_delete=models.CASCADE, related_name="source_detail"
    )
    source_reference = models.CharField(max_length=100, blank=True)
    source_description = models.TextField(blank=True)
    how_obtained = models.TextField(blank=True)
    handler = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Source details of report {self.report_id}"


# --- Entities (POLE) -----------------------------------------------------------------------


class EntityKind(models.TextChoices):
    PERSON = "person", "Person of interest"
    PHONE = "phone", "Phone"
    VEHICLE = "vehicle", "Vehicle"
    ONLINE = "online", "Online identity"
    LOCATION = "location", "Location"


class Entity(models.Model):
    """What every entity has: who first recorded it, and when."""

    created_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        abstract = True


class PersonOfInterest(Entity):
    """An adult (usually) whom intelligence names. Known by aliases and nicknames, each with
    where it came from. Not a young person: young people are ``people.YoungPerson``."""

    label = models.CharField(max_length=200, help_text="The name analysts use for them.")
    description = models.TextField(blank=True)

    entity_kind = EntityKind.PERSON

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class AliasKind(models.TextChoices):
    NAME = "name", "Name"
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname"


class Alias(models.Model):
    """A name a person of interest is known by, and its source."""

    person = models.ForeignKey(PersonOfInterest, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=20, choices=AliasKind.choices)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, help_text="Folded for matching: 'big d' for 'Big D'.")
    source_report = models.ForeignKey(
        IntelligenceReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_record = models.ForeignKey(
        AgencyRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "name"]
        indexes = [models.Index(fields=["key"], name="intel_alias_key_idx")]

    def __str__(self) -> str:
        return self.name


class Phone(Entity):
    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +447700900123.")

    entity_kind = EntityKind.PHONE

    def __str__(self) -> str:
        return self.number

    @property
    def key(self) -> str:
        return self.number


class Vehicle(Entity):
    """A vehicle by its registration, whole or partial (``?`` for each unknown character; a
    partial plate is stored as given, upper case without spaces, e.g. ``AB1?``, ``KX*``)."""

    registration = models.CharField(max_length=10, unique=True)
    is_partial = models.BooleanField(default=False)
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)

    entity_kind = EntityKind.VEHICLE

    def __str__(self) -> str:
        return self.registration

    @property
    def key(self) -> str:
        return self.registration


class OnlineIdentity(Entity):
    platform = models.CharField(max_length=40, help_text="snapchat, instagram, tiktok, …")
    handle = models.CharField(max_length=100, help_text="Lower case, without the @.")

    entity_kind = EntityKind.ONLINE

    class Meta:
        verbose_name_plural = "online identities"
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="intel_online_unique")
        ]

    def __str__(self) -> str:
        return f"{self.platform}: @{self.handle}" if self.platform else f"@{self.handle}"

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle}"


class LocationKind(models.TextChoices):
    ADDRESS = "address", "Address"
    HOT_SPOT = "hot_spot", "Hot spot"
    BUSINESS = "business", "Business"


class BusinessKind(models.TextChoices):
    NONE = "", "Not a business"
    HOTEL = "hotel", "Hotel"
    BED_AND_BREAKFAST = "bed_and_breakfast", "B&B"
    TAXI_FIRM = "taxi_firm", "Taxi firm"
    TAKEAWAY = "takeaway", "Takeaway"
    SHOP = "shop", "Shop"
    PARK = "park", "Park"
    HOUSE = "house", "House"


class Location(Entity):
    kind_of_place = models.CharField(max_length=20, choices=LocationKind.choices)
    business_kind = models.CharField(
        max_length=30, choices=BusinessKind.choices, default=BusinessKind.NONE, blank=True
    )
    name = models.CharField(max_length=200, blank=True, help_text="A business or hot spot's name.")
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True, help_text="Normalised: 'EB1 2AB'.")

    entity_kind = EntityKind.LOCATION

    class Meta:
        indexes = [models.Index(fields=["postcode"], name="intel_location_postcode_idx")]

    def __str__(self) -> str:
        return self.name or self.address or self.postcode

    @property
    def key(self) -> str:
        """What occurrences of this place carry: its postcode, else its name folded."""
        return self.postcode or " ".join((self.name or self.address).casefold().split())


# --- Where values were seen -----------------------------------------------------------------


class OccurrenceKind(models.TextChoices):
    """The kinds of value found in text or entered by hand. A value is normalised by kind."""

    PHONE = "phone", "Phone number"
    REGISTRATION = "registration", "Registration"
    PARTIAL_PLATE = "partial_plate", "Partial plate"
    VEHICLE_DESCRIPTION = "vehicle_description", "Vehicle description"
    POSTCODE = "postcode", "Postcode"
    PLACE = "place", "Place"
    HANDLE = "handle", "Online handle"
    NICKNAME = "nickname", "Name or nickname"


class Visibility(models.TextChoices):
    """Who may see that a value occurred, on top of who may see its source."""

    AS_SOURCE = "as_source", "Whoever may see the source"
    OWNING_AGENCY = "owning_agency", "The owning agency only (used for matching)"


class Occurrence(models.Model):
    """One value seen in one source: an agency record or an intelligence report.

    Links between entities are computed from occurrences sharing a source or a value; no
    table holds every pair. An occurrence is seen by whoever may see its source (at summary
    or more), unless its visibility keeps it to the owning agency.
    """

    kind = models.CharField(max_length=30, choices=OccurrenceKind.choices)
    value = models.CharField(max_length=200, help_text="Normalised: E.164, 'AB12CDE', 'EB1 2AB'.")
    shown_as = models.CharField(max_length=200, blank=True, help_text="As it was written.")
    report = models.ForeignKey(
        IntelligenceReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    record = models.ForeignKey(
        AgencyRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.AS_SOURCE
    )
    seen_at = models.DateTimeField(help_text="When the source says it was seen.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-seen_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "value"], name="intel_occurrence_value_idx"),
            models.Index(fields=["report"], name="intel_occurrence_report_idx"),
            models.Index(fields=["record"], name="intel_occurrence_record_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, record__isnull=True)
                | Q(report__isnull=True, record__isnull=False),
                name="intel_occurrence_one_source",
            ),
            models.UniqueConstraint(
                fields=["kind", "value", "report"],
                condition=Q(report__isnull=False),
                name="intel_occurrence_once_per_report",
            ),
            models.UniqueConstraint(
                fields=["kind", "value", "record"],
                condition=Q(record__isnull=False),
                name="intel_occurrence_once_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class SuggestionDecision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class ExtractionDecision(models.Model):
    """An analyst's answer to one suggestion from a report's text: confirmed (an occurrence was
    made) or rejected (it is not offered again)."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="extraction_decisions"
    )
    kind = models.CharField(max_length=30, choices=OccurrenceKind.choices)
    value = models.CharField(max_length=200)
    decision = models.CharField(max_length=20, choices=SuggestionDecision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "value"], name="intel_extraction_decided_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.kind} {self.value}"


# --- Links and judgements ---------------------------------------------------------------------


class LinkType(models.TextChoices):
    ASSOCIATE = "associate", "Associate of"
    USES_PHONE = "uses_phone", "Uses phone"
    DRIVES = "drives", "Drives or is seen in"
    USES_ACCOUNT = "uses_account", "Uses online identity"
    FREQUENTS = "frequents", "Frequents"
    LIVES_AT = "lives_at", "Lives at"
    WORKS_AT = "works_at", "Works at or runs"
    SEEN_WITH = "seen_with", "Seen with"


class EntityLink(models.Model):
    """A link between two entities, stated by an analyst from a source or inferred by an
    analysis (``inferred``). Ends are named by kind and id, so a link can join any two kinds
    (a person and a phone, a vehicle and a place)."""

    from_kind = models.CharField(max_length=20, choices=EntityKind.choices)
    from_id = models.PositiveBigIntegerField()
    to_kind = models.CharField(max_length=20, choices=EntityKind.choices)
    to_id = models.PositiveBigIntegerField()
    link_type = models.CharField(max_length=30, choices=LinkType.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    source_report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_record = models.ForeignKey(
        AgencyRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grade = models.CharField(
        max_length=5, blank=True, help_text="The source report's grade when the link was made."
    )
    inferred = models.BooleanField(default=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["from_kind", "from_id"], name="intel_link_from_idx"),
            models.Index(fields=["to_kind", "to_id"], name="intel_link_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_kind} {self.from_id} {self.link_type} {self.to_kind} {self.to_id}"


class Verdict(models.TextChoices):
    SAME = "same", "The same"
    NOT_SAME = "not_same", "Not the same"
    UNSURE = "unsure", "Unsure"


class ResolutionJudgement(models.Model):
    """An analyst's judgement on whether two entities of one kind are one. "The same" is
    transitive; "not the same" blocks any later judgement that would join them. Reversed by
    marking ``reversed_at``, never deleted."""

    kind = models.CharField(max_length=20, choices=EntityKind.choices)
    first_id = models.PositiveBigIntegerField()
    second_id = models.PositiveBigIntegerField()
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField()
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    judged_at = models.DateTimeField(default=timezone.now)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-judged_at", "-pk"]
        indexes = [models.Index(fields=["kind", "first_id"], name="intel_judgement_first_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_id__lt=models.F("second_id")), name="intel_judgement_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_id} {self.verdict} {self.second_id}"

    @property
    def is_current(self) -> bool:
        return self.reversed_at is None
