"""Joining the dots: rules that notice when agencies' pieces form a pattern, and the alerts
they raise.

An alert is a *prompt for professional curiosity*, never a risk score: it names its rule, the
young person (or people) and the records that triggered it, and a coordinator decides what, if
anything, follows. Rules live in code (``alerts/rules.py``) with their parameters held as data
here, versioned: a change of parameters makes a new ``RuleVersion`` and never edits an old one,
so every alert can be read against the parameters that raised it.

Alerts raised by a replay over history (``ReplayRun``) are kept apart from the live queue: the
live queue is the alerts whose ``replay_run`` is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from people.models import YoungPerson
from records.models import AgencyRecord, LinkKind


class Rule(models.Model):
    """One rule of the library. ``code`` names its implementation in ``alerts.rules``."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(help_text="What the rule notices, in plain English.")
    why = models.TextField(help_text="Why it matters, citing the research where it does.")
    is_enabled = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> RuleVersion | None:
        return self.versions.order_by("-number").first()

    def described(self, parameters: dict[str, object] | None = None) -> str:
        """The description with its parameters filled in ("from 3 or more different agencies
        within 28 days"): the current version's, unless others are given."""
        if parameters is None:
            current = self.current_version
            parameters = current.parameters if current is not None else {}
        return self.description.format_map(_Kept(parameters))


class _Kept(dict[str, object]):
    """Parameters for ``str.format_map``: a placeholder with no parameter stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class RuleVersion(models.Model):
    """A rule's parameters as they were set at one time. Never edited once saved."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    parameters = models.JSONField(default=dict)
    reason = models.TextField(help_text="Why these parameters were set.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="alerts_rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule.name}, version {self.number}"

    @property
    def description(self) -> str:
        """The rule's description with these parameters filled in."""
        return self.rule.described(self.parameters)


class BenignValue(models.Model):
    """A phone, vehicle, place or online identity that never links young people (a school, a
    police station, a helpline, a children's home's own address), curated by the coordinator."""

    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    value = models.CharField(max_length=200, help_text="Normalised as in record links.")
    label = models.CharField(
        max_length=200, help_text="What it is, for example 'Eastbrook Academy'."
    )
    reason = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="alerts_benign_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class ReplayStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class ReplayRun(models.Model):
    """A named run of the rules day by day over history, as the partnership could have seen it
    (a record counts from its ``recorded_at``). Its alerts never reach the live queue."""

    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # {rule code: parameters} as the run used them, which may differ from the live versions.
    parameters = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=ReplayStatus.choices, default=ReplayStatus.QUEUED
    )
    days_done = models.PositiveIntegerField(default=0)
    days_total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    MERGED = "merged", "Merged into another alert"


class DismissReason(models.TextChoices):
    KNOWN_AND_ACTED_ON = "known", "Already known and being acted on"
    EXPLAINED = "explained", "Explained: an innocent reason is known"
    NOT_ENOUGH = "not_enough", "Not enough to act on yet"
    WRONG_LINK = "wrong_link", "Records wrongly linked to this young person"
    BENIGN_VALUE = "benign", "The shared phone, vehicle or place is benign"
    OTHER = "other", "Other (say why)"


class Alert(models.Model):
    """A prompt raised by a rule, with the records that triggered it as its evidence.

    ``key`` identifies the pattern (rule, young people and, for a shared identifier, the value):
    a repeat of the same pattern while an alert is open adds evidence to it instead of raising
    another.
    """

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="alerts")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    replay_run = models.ForeignKey(
        ReplayRun, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    key = models.CharField(max_length=200)
    young_people = models.ManyToManyField(YoungPerson, related_name="alerts")
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField(
        help_text="When the rule first raised it (in a replay: the day)."
    )
    updated_at = models.DateTimeField(help_text="When evidence was last added.")
    # What the shared identifier was, for rules about a shared phone, vehicle, place or adult.
    shared_kind = models.CharField(max_length=20, choices=LinkKind.choices, blank=True)
    shared_value = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=20, choices=DismissReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_alerts"
    )
    # What acceptance led to: a referral opened or updated, or a case action added.
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_action = models.ForeignKey(
        "cases.Action", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["replay_run", "status", "-raised_at"], name="alert_queue_idx"),
            models.Index(fields=["rule", "key", "status"], name="alert_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.name} ({self.get_status_display()})"


class AlertEvidence(models.Model):
    """A record that triggered an alert. Shown to each viewer only at the gate's level."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="evidence")
    record = models.ForeignKey(AgencyRecord, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["alert", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "record"], name="alerts_evidence_unique")
        ]

    def __str__(self) -> str:
        return f"evidence {self.record_id} for alert {self.alert_id}"


class FullEvaluation(models.Model):
    """One run of ``manage.py evaluate_rules`` over every young person, with its checkpoint:
    a run that stops resumes after the last young person whose chunk was committed."""

    as_of = models.DateTimeField(help_text="The moment the rules were evaluated as of.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_young_person_id = models.BigIntegerField(
        default=0, help_text="Checkpoint: every young person up to this id is done."
    )
    young_people_done = models.PositiveIntegerField(default=0)
    young_people_total = models.PositiveIntegerField(default=0)
    shared_done = models.BooleanField(
        default=False, help_text="The shared-identifier rules are done."
    )
    alerts_raised = models.PositiveIntegerField(default=0)
    alerts_updated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"full evaluation as of {self.as_of:%Y-%m-%d %H:%M}"
