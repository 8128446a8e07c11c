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
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated demo data: not a real child."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = "young person"
        verbose_name_plural = "young people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

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
