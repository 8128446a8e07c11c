"""MASE meetings: attendance, the VOLT agenda, minutes, actions, disruption and partnership work.

Actions agreed at a meeting and disruption actions are casework ``Action`` rows (one model for
every tracked action, so "actions you own" and the overdue job cover them); this app links them
to the meeting, the agenda item or the disruption plan and keeps what only MASE needs (the kind
of disruption and its outcome).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnership.models import Agency
from people.models import YoungPerson
from records.models import RecordType


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    starts_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    agenda_prepared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"], name="mase_meeting_when_idx")]

    def __str__(self) -> str:
        return f"MASE meeting, {self.starts_at:%d %b %Y}"


class Presence(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"


class Attendance(models.Model):
    """One agency's (and usually one named person's) place at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="For someone without a Tessera account."
    )
    presence = models.CharField(max_length=20, choices=Presence.choices, default=Presence.INVITED)

    class Meta:
        ordering = ["agency__name", "pk"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.agency.short_name})"

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return str(self.person)
        return self.name or "Agency representative"


class Section(models.TextChoices):
    """VOLT, then the actions carried forward, then anything else the chair adds."""

    CARRIED_FORWARD = "carried_forward", "Actions carried forward"
    VICTIMS = "victims", "Victims"
    OFFENDERS = "offenders", "Offenders"
    LOCATIONS = "locations", "Locations"
    THEMES = "themes", "Themes and trends"
    OTHER = "other", "Any other business"


SECTION_ORDER = [section.value for section in Section]


class ItemSource(models.TextChoices):
    ASSEMBLED = "assembled", "From the data"
    ADDED = "added", "Added by the chair"
    CARRIED = "carried", "Carried forward"


class SubjectKind(models.TextChoices):
    """What an agenda item is about, so that the gate can be asked again for each viewer."""

    NONE = "", "Nothing in particular"
    YOUNG_PERSON = "young_person", "Young person"
    IDENTIFIER = "identifier", "Linked person, phone, vehicle or place"
    BUSINESS = "business", "Business"
    RECORD_TYPE = "record_type", "Kind of record"
    ACTION = "action", "Action"
    DISRUPTION_PLAN = "disruption_plan", "Disruption plan"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=20, choices=Section.choices)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it is on the agenda.")
    source = models.CharField(max_length=20, choices=ItemSource.choices)
    subject_kind = models.CharField(
        max_length=20, choices=SubjectKind.choices, default=SubjectKind.NONE, blank=True
    )
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link_kind = models.CharField(max_length=20, blank=True)
    link_value = models.CharField(max_length=200, blank=True)
    business = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_type = models.ForeignKey(
        RecordType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_action = models.ForeignKey(
        "cases.Action", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disruption_plan = models.ForeignKey(
        "mase.DisruptionPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minuted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.title}"


class MeetingAction(models.Model):
    """An action agreed at a meeting: the casework action, and where it was agreed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    action = models.OneToOneField(
        "cases.Action", on_delete=models.PROTECT, related_name="mase_meeting_link"
    )

    def __str__(self) -> str:
        return f"Action {self.action_id} from meeting {self.meeting_id}"


class TargetKind(models.TextChoices):
    PERSON = "person", "Person of interest"
    LOCATION = "location", "Location"
    BUSINESS = "business", "Business"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class DisruptionPlan(models.Model):
    """A plan to disrupt an exploiter, a place or a business."""

    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target = models.CharField(
        max_length=200, help_text="Who or where, as the partnership knows them."
    )
    link_kind = models.CharField(max_length=20, blank=True)
    link_value = models.CharField(max_length=200, blank=True)
    aim = models.TextField(blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="disruption_plans"
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"Disruption plan: {self.target}"


class DisruptionKind(models.TextChoices):
    ABDUCTION_WARNING = "abduction_warning", "Child abduction warning notice"
    LICENSING_VISIT = "licensing_visit", "Licensing visit"
    HOTEL_ENGAGEMENT = "hotel_engagement", "Engagement with a hotel or B&B"
    TAXI_ENGAGEMENT = "taxi_engagement", "Engagement with a taxi firm"
    ARREST = "arrest", "Arrest"
    OTHER = "other", "Other disruption"


class DisruptionOutcome(models.TextChoices):
    NOT_YET = "", "Not yet known"
    ACHIEVED = "achieved", "Achieved what was intended"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    NOT_PURSUED = "not_pursued", "Not pursued"


class DisruptionAction(models.Model):
    plan = models.ForeignKey(DisruptionPlan, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=30, choices=DisruptionKind.choices)
    action = models.OneToOneField(
        "cases.Action", on_delete=models.PROTECT, related_name="mase_disruption_link"
    )
    outcome = models.CharField(
        max_length=20,
        choices=DisruptionOutcome.choices,
        default=DisruptionOutcome.NOT_YET,
        blank=True,
    )
    outcome_note = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.plan})"


class ActivityKind(models.TextChoices):
    TRAINING = "training", "Training for professionals"
    COMMUNITY_AWARENESS = "community_awareness", "Community awareness session"


class OrganisationKind(models.TextChoices):
    BUSINESS = "business", "Business"
    SCHOOL = "school", "School"


class PartnershipActivity(models.Model):
    """Training and community-awareness sessions, for the strategic picture."""

    held_on = models.DateField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    delivered_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    delivered_by_name = models.CharField(max_length=200, blank=True)
    attendees = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "partnership activities"

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"


class ActivityOrganisation(models.Model):
    """A business or school that sent people to a session (by name: they need no account)."""

    activity = models.ForeignKey(
        PartnershipActivity, on_delete=models.CASCADE, related_name="organisations"
    )
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
