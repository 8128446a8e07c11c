"""Young people: the canonical subject, and each agency's identity for them "as recorded"."""

from __future__ import annotations

from datetime import date

from django.db import models

from partnership.models import Agency


class Gender(models.TextChoices):
    GIRL = "female", "Female"
    BOY = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    SELF_DESCRIBED = "self_described", "Self-described"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census high-level groups, recorded only as the young person describes themself."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_KNOWN = "not_known", "Not known"
    PREFERS_NOT_TO_SAY = "prefers_not_to_say", "Prefers not to say"


class CareStatus(models.TextChoices):
    NONE = "none", "No current involvement"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    NOT_KNOWN = "not_known", "Not known"


class YoungPerson(models.Model):
    """The child or young adult the partnership is protecting.

    The canonical view is the partnership's best current understanding; what each agency
    recorded is kept unchanged in :class:`RecordedIdentity`.
    """

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    postcode = models.CharField(max_length=8, blank=True)
    upn = models.CharField("Unique Pupil Number", max_length=13, blank=True, db_index=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    # Groups the research says are under-identified: recorded carefully and only optionally.
    ethnicity = models.CharField(
        max_length=20, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    disability = models.CharField(
        max_length=200, blank=True, help_text="Disability or additional needs, if known."
    )
    lgbt_self_described = models.CharField(
        "LGBT (self-described)",
        max_length=200,
        blank=True,
        help_text="Only where the young person chose to share it, in their own words.",
    )
    care_status = models.CharField(
        max_length=30, choices=CareStatus.choices, default=CareStatus.NOT_KNOWN
    )
    voice = models.TextField(
        "The young person's voice",
        blank=True,
        help_text="What the young person has said about their situation, in their own words.",
    )
    consent_blocks_sharing = models.BooleanField(
        default=False,
        help_text="Consent to share was declined and no decision to share without it on a "
        "lawful basis has been recorded since. Kept by governance actions; read by the gate.",
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated demo data: not a real child."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            # The access gate asks "whose consent blocks sharing?" on every list: a few rows.
            models.Index(
                fields=["id"],
                condition=models.Q(consent_blocks_sharing=True),
                name="yp_consent_blocks_idx",
            ),
            models.Index(fields=["family_name", "given_name"], name="yp_name_idx"),
        ]
        verbose_name = "young person"
        verbose_name_plural = "young people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # An agency may have recorded only one of the two names.
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class RecordedIdentity(models.Model):
    """An identity for a young person exactly as one agency recorded it. Never overwritten."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="recorded_identities"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(
        max_length=300, blank=True, help_text="Other names and nicknames, comma separated."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    postcode = models.CharField(max_length=8, blank=True)
    upn = models.CharField("Unique Pupil Number", max_length=13, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="The agency's own reference for this person."
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at"]
        verbose_name_plural = "recorded identities"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} as recorded by {self.agency.short_name}"
