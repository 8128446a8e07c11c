"""The partnership: agencies, their services, and the people who sign in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_OFFENDING = "youth_offending", "Youth offending"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    ADULT_SERVICES = "adult_services", "Adult services"
    COMMUNITY_PARTNER = "community_partner", "Community partner"


class ServiceKind(models.TextChoices):
    """Services inside an agency whose records carry their own sharing rules."""

    GENERAL = "general", "General"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    SCHOOL = "school", "School"
    MASH = "mash", "Multi-agency safeguarding hub (MASH)"
    CSE_TEAM = "cse_team", "CSE team"
    INTELLIGENCE = "intelligence", "Intelligence unit"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MASH_SCREENER = "mash_screener", "MASH screener"
    COORDINATOR = "coordinator", "CSE coordinator"
    ANALYST = "analyst", "Analyst"
    IG_OFFICER = "ig_officer", "Information governance officer"
    STRATEGIC_LEAD = "strategic_lead", "Strategic lead"
    COMMUNITY_PARTNER = "community_partner", "Community partner"
    ADMINISTRATOR = "administrator", "System administrator"


# Roles whose work is the content of cases. Administrators and community partners are not
# among them: they configure the system or submit to it, and read no case content.
CASE_CONTENT_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.MASH_SCREENER,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.IG_OFFICER,
    }
)


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    is_statutory = models.BooleanField(
        default=True,
        help_text="Non-statutory agencies (voluntary sector, community partners) are full members.",
    )
    cse_contact = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who other agencies should contact about what this agency holds.",
    )
    is_active = models.BooleanField(default=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated demo data: not a real organisation."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=ServiceKind.choices, default=ServiceKind.GENERAL)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="service_unique_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name}: {self.name}"


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one agency and holds one role there."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def reads_case_content(self) -> bool:
        return self.role in CASE_CONTENT_ROLES and self.is_active

    @property
    def is_community_partner(self) -> bool:
        return self.role == Role.COMMUNITY_PARTNER


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a user for setting up their first authenticator.

    Without it a password alone would be enough to enrol a device, so whoever learnt a password
    could make the second factor theirs. Only a keyed hash is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Enrolment code for {self.user.username}"
