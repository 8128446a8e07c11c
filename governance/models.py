"""Governance: the append-only, hash-chained audit log (the access gate arrives in policy.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnership.models import Agency, AgencyKind


class AuditObject(models.TextChoices):
    """What an audit event is about. The stored values are part of the hash chain: never change
    one (add a member instead), or old events would no longer verify against their hash."""

    ACTION = "action", "Action"
    AGENCY = "agency", "Agency"
    ALERT = "alert", "Alert"
    ALERT_RULE = "alert_rule", "Alert rule"
    AGENCY_RECORD = "agency_record", "Agency record"
    BENIGN_VALUE = "benign_value", "Benign value"
    BREAK_GLASS = "break_glass", "Break-glass access"
    CASE = "case", "Case"
    CASE_MEMBER = "case_member", "Case member"
    CASE_REVIEW = "case_review", "Case review"
    CONCERN_CATEGORY = "concern_category", "Concern category"
    CONSENT_DECISION = "consent_decision", "Consent decision"
    CSE_ASSESSMENT = "cse_assessment", "CSE assessment"
    DECISION_NOT_TO_ACT = "decision_not_to_act", "Decision not to act"
    DISCLOSURE_REQUEST = "disclosure_request", "Disclosure request"
    DISRUPTION_ACTION = "disruption_action", "Disruption action"
    DISRUPTION_PLAN = "disruption_plan", "Disruption plan"
    ENTITY = "intelligence_entity", "Person of interest, phone, vehicle, identity or place"
    ENTITY_LINK = "entity_link", "Link between entities"
    EXTRACTION_SUGGESTION = "extraction_suggestion", "Suggestion from intelligence text"
    GOVERNANCE_INDEX = "governance_index", "Governance index"
    HOME_PAGE = "home_page", "Home page"
    IMPORT_BATCH = "import_batch", "Import batch"
    IMPORTED_ROW = "imported_row", "Imported row"
    INTELLIGENCE_REPORT = "intelligence_report", "Intelligence report"
    LINKAGE_MODEL = "linkage_model", "Linkage model"
    MASE_ACTION = "mase_action", "MASE action"
    MASE_AGENDA_ITEM = "mase_agenda_item", "MASE agenda item"
    MASE_ATTENDANCE = "mase_attendance", "MASE attendance"
    MASE_MEETING = "mase_meeting", "MASE meeting"
    MATCH_THRESHOLDS = "match_thresholds", "Match thresholds"
    NOTIFICATION = "notification", "Notification"
    PAGE = "page", "Page"
    PARTNERSHIP_ACTIVITY = "partnership_activity", "Partnership activity"
    PPRL_SUBMISSION = "pprl_submission", "Privacy-preserving submission"
    RECEIPT = "receipt", "Receipt"
    RECORD_ACCESS_LOG = "record_access_log", "Record access log"
    RECORDED_IDENTITY = "recorded_identity", "Recorded identity"
    REFERRAL = "referral", "Referral"
    REFERRAL_PATHWAY = "referral_pathway", "Referral pathway"
    RESOLUTION_JUDGEMENT = "resolution_judgement", "Resolution judgement"
    RELATIONSHIP = "relationship", "Relationship"
    REPLAY_RUN = "replay_run", "Alert replay run"
    REVIEW_ITEM = "review_item", "Review item"
    SCREENING = "screening", "Screening"
    SCREENING_TOOL = "screening_tool", "Screening tool"
    SERVICE = "service", "Service"
    SHARING_AGREEMENT = "sharing_agreement", "Sharing agreement"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    SUBJECT_ACCESS = "subject_access", "Subject access"
    TRANSITION_PLAN = "transition_plan", "Transition plan"
    USER = "user", "User"
    YOUNG_PERSON = "young_person", "Young person"


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SECOND_FACTOR_VERIFIED = "second_factor_verified", "Second factor verified"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor failed"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "Second factor set up"
    SIGN_OUT = "sign_out", "Signed out"
    SESSION_EXPIRED = "session_expired", "Session expired"
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    SHARE = "share", "Shared"
    DECLINE_TO_SHARE = "decline_to_share", "Decided not to share"
    BREAK_GLASS = "break_glass", "Break-glass access"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DISPOSE = "dispose", "Disposed"
    CONFIGURE = "configure", "Changed configuration"


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    """One entry in the audit log. Rows are never updated or deleted (database triggers refuse).

    Actor details are copied, not linked, so that the row stays true after people move on and
    no change elsewhere ever needs to touch the log.
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=40, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_username or 'anonymous'}"


class AuditChainHead(models.Model):
    """The single row naming the newest entry, so that truncating the tail is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at entry {self.seq}"


# --- The information sharing agreement, held as data -------------------------------------


class Level(models.IntegerChoices):
    """How much of a record a viewer sees. Ordered: a higher level includes the lower ones."""

    NONE = 0, "Nothing"
    EXISTENCE = 1, "Existence only"
    SUMMARY = 2, "Summary"
    FULL = 3, "Full"


class SharingAgreement(models.Model):
    """One version of the partnership's information sharing agreement. The newest is in force."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(help_text="What changed and why.")

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Information sharing agreement, version {self.version}"


class SharingRule(models.Model):
    """What a kind of agency sees of another agency's records of one category."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="rules")
    viewer_kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    category = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "viewer_kind", "category"], name="sharing_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.viewer_kind} sees {self.category} at {Level(self.level).label}"


class SharingCategory(models.Model):
    """What one version of the agreement says of a category of record as a whole."""

    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(max_length=20)
    type_name_is_content = models.BooleanField(
        help_text="The record type's name says what happened, so it is shown only at full "
        "level; below that another agency sees a generic label."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "category"], name="sharing_category_unique"
            )
        ]

    def __str__(self) -> str:
        said = "content" if self.type_name_is_content else "not content"
        return f"{self.category}: type name is {said}"


# --- Need to know ------------------------------------------------------------------------


class RelationshipKind(models.TextChoices):
    CASE_TEAM = "case_team", "Case team member"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    SCREENER = "screener", "Screener of a referral"
    REFERRER = "referrer", "Referrer"


class LegitimateRelationship(models.Model):
    """A professional's recorded involvement with a young person: the basis of need to know."""

    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="relationships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relationships"
    )
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "young_person"], name="relationship_user_yp_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for young person {self.young_person_id}"


# --- Consent and lawful basis ------------------------------------------------------------


class ConsentStatus(models.TextChoices):
    INFORMED = "informed", "Informed: told what will be shared"
    CONSENTED = "consented", "Consented"
    DECLINED = "declined", "Declined"
    NOT_SOUGHT = "not_sought", "Not sought"


class LawfulBasis(models.TextChoices):
    """The bases a share may rest on (UK GDPR and the Data Protection Act 2018)."""

    CONSENT = "consent", "UK GDPR Art. 6(1)(a) and Art. 9(2)(a): consent"
    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        "UK GDPR Art. 6(1)(e) public task, and Art. 9(2)(g) with DPA 2018 Sch. 1 para 18 "
        "(safeguarding of children and individuals at risk)",
    )
    VITAL_INTERESTS = (
        "vital_interests",
        "UK GDPR Art. 6(1)(d) and Art. 9(2)(c): vital interests",
    )
    LEGAL_OBLIGATION = "legal_obligation", "UK GDPR Art. 6(1)(c): legal obligation"
    LAW_ENFORCEMENT = (
        "law_enforcement",
        "DPA 2018 Part 3, s.35 with Sch. 8 para 4 (safeguarding of children), for law "
        "enforcement purposes",
    )


class ConsentDecision(models.Model):
    """The young person's consent to sharing, as it stands at a point in time."""

    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="consent_decisions"
    )
    status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    reason_not_sought = models.TextField(blank=True)
    next_steps_discussed = models.BooleanField(
        help_text="What happens next was discussed with the young person."
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.recorded_at:%d %b %Y})"


class SharingDecision(models.Model):
    """A decision to share, or not to share, with whom, why and on what basis."""

    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="sharing_decisions"
    )
    record = models.ForeignKey(
        "records.AgencyRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sharing_decisions",
    )
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared = models.BooleanField(help_text="False records a decision not to share.")
    what = models.TextField(help_text="What was shared, or considered for sharing.")
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices, blank=True)
    consent_status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    reason_without_consent = models.TextField(
        blank=True, help_text="Why sharing went ahead without consent, or consent was not sought."
    )
    reason_not_shared = models.TextField(blank=True)
    next_steps_discussed = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        verb = "Shared" if self.shared else "Not shared"
        return f"{verb} on {self.decided_at:%d %b %Y}"


# --- Break-glass -------------------------------------------------------------------------


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassAccess(models.Model):
    """Access beyond entitlement, given a reason, for a short time, reviewed by IG."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    young_person = models.ForeignKey(
        "people.YoungPerson", on_delete=models.CASCADE, related_name="break_glass"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(
        max_length=20, choices=BreakGlassReview.choices, default=BreakGlassReview.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"Break-glass by user {self.user_id} on {self.granted_at:%d %b %Y %H:%M}"


# --- Retention ---------------------------------------------------------------------------


class RetentionRule(models.Model):
    """When records of a category come up for review: at an age of the young person, or after
    a number of years from recording, whichever is later."""

    category = models.CharField(max_length=20, unique=True)
    review_at_age = models.PositiveSmallIntegerField(null=True, blank=True)
    review_after_years = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return f"Retention for {self.category}"
