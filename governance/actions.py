"""Every governance write: need to know, consent, sharing decisions, break-glass, the agreement."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.defaults import default_sharing_rules
from governance.models import (
    AuditAction,
    AuditObject,
    BreakGlassAccess,
    BreakGlassReview,
    ConsentDecision,
    ConsentStatus,
    LawfulBasis,
    LegitimateRelationship,
    Level,
    Notification,
    RelationshipKind,
    SharingAgreement,
    SharingCategory,
    SharingDecision,
    SharingRule,
)
from governance.permissions import Capability, may
from governance.policy import content_type_names, sharing_rules
from partnership.models import Agency, User
from people.models import YoungPerson
from records.models import AgencyRecord

BREAK_GLASS_HOURS = 4
MIN_REASON_LENGTH = 10


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- Need to know ------------------------------------------------------------------------


def do_add_relationship(
    *,
    actor: User | None,
    young_person: YoungPerson,
    user: User,
    kind: RelationshipKind | str,
    reason: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> LegitimateRelationship:
    """Record a professional's involvement. Coordinators and MASH screeners manage case teams;
    the referral and case workflows add them as a matter of course (``actor=None``)."""
    if actor is not None:
        _require(
            may(actor, Capability.MANAGE_CASE_TEAMS),
            "Only a coordinator or MASH screener can add someone to a case team.",
        )
    if not user.reads_case_content:
        raise ValidationError({"user": "This person's role cannot be part of a case team."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the involvement."})
    with transaction.atomic():
        relationship = LegitimateRelationship.objects.create(
            young_person=young_person,
            user=user,
            kind=RelationshipKind(kind),
            reason=reason.strip(),
            starts_at=starts_at or timezone.now(),
            ends_at=ends_at,
            created_by=actor,
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.RELATIONSHIP,
            object_id=relationship.pk,
            purpose=reason,
            recipient=user.get_username(),
            details={"young_person": young_person.pk, "kind": relationship.kind, "change": "added"},
        )
    return relationship


def do_end_relationship(
    *, actor: User | None, relationship: LegitimateRelationship, reason: str
) -> LegitimateRelationship:
    """End an involvement. The gate reads relationships on every request, so it bites at once."""
    if actor is not None:
        _require(
            may(actor, Capability.MANAGE_CASE_TEAMS),
            "Only a coordinator or MASH screener can change a case team.",
        )
    with transaction.atomic():
        relationship.ends_at = timezone.now()
        relationship.save(update_fields=["ends_at"])
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.RELATIONSHIP,
            object_id=relationship.pk,
            purpose=reason,
            details={"young_person": relationship.young_person_id, "change": "ended"},
        )
    return relationship


# --- Consent and sharing -----------------------------------------------------------------


def do_record_consent(
    *,
    actor: User,
    young_person: YoungPerson,
    status: ConsentStatus | str,
    next_steps_discussed: bool,
    reason_not_sought: str = "",
    notes: str = "",
) -> ConsentDecision:
    _require(may(actor, Capability.RECORD_CONSENT), "You cannot record consent.")
    status = ConsentStatus(status)
    if status == ConsentStatus.NOT_SOUGHT and not reason_not_sought.strip():
        raise ValidationError(
            {
                "reason_not_sought": "Say why consent was not sought, for example because asking "
                "would put the young person at greater risk."
            }
        )
    with transaction.atomic():
        decision = ConsentDecision.objects.create(
            young_person=young_person,
            status=status,
            reason_not_sought=reason_not_sought.strip(),
            next_steps_discussed=next_steps_discussed,
            notes=notes,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        young_person.consent_blocks_sharing = status == ConsentStatus.DECLINED
        young_person.save(update_fields=["consent_blocks_sharing"])
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.CONSENT_DECISION,
            object_id=decision.pk,
            details={"young_person": young_person.pk, "status": status.value},
        )
    return decision


def do_record_sharing_decision(
    *,
    actor: User,
    young_person: YoungPerson,
    shared: bool,
    what: str,
    purpose: str,
    consent_status: ConsentStatus | str,
    next_steps_discussed: bool,
    to_agency: Agency | None = None,
    lawful_basis: LawfulBasis | str = "",
    reason_without_consent: str = "",
    reason_not_shared: str = "",
    record: object | None = None,
) -> SharingDecision:
    """Record what was shared, with whom, why and on what basis; or a decision not to share."""
    _require(may(actor, Capability.RECORD_CONSENT), "You cannot share.")
    consent_status = ConsentStatus(consent_status)
    errors: dict[str, str] = {}
    if not what.strip():
        errors["what"] = "Say what was shared, or considered for sharing."
    if not purpose.strip():
        errors["purpose"] = "Say why."
    if shared:
        if not lawful_basis:
            errors["lawful_basis"] = "Choose the lawful basis for sharing."
        elif lawful_basis == LawfulBasis.CONSENT and consent_status != ConsentStatus.CONSENTED:
            errors["lawful_basis"] = (
                "Consent can only be the basis when the young person consented."
            )
        if consent_status != ConsentStatus.CONSENTED and not reason_without_consent.strip():
            errors["reason_without_consent"] = (
                "Say why sharing went ahead without consent, or why consent was not sought."
            )
    elif not reason_not_shared.strip():
        errors["reason_not_shared"] = "Say why you decided not to share."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = SharingDecision.objects.create(
            young_person=young_person,
            record=record,  # type: ignore[misc]
            from_agency=actor.agency,
            to_agency=to_agency,
            shared=shared,
            what=what.strip(),
            purpose=purpose.strip(),
            lawful_basis=LawfulBasis(lawful_basis) if lawful_basis else "",
            consent_status=consent_status,
            reason_without_consent=reason_without_consent.strip(),
            reason_not_shared=reason_not_shared.strip(),
            next_steps_discussed=next_steps_discussed,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if shared and young_person.consent_blocks_sharing:
            # A recorded decision to share without consent on a lawful basis lifts the block.
            young_person.consent_blocks_sharing = False
            young_person.save(update_fields=["consent_blocks_sharing"])
        audit.record(
            AuditAction.SHARE if shared else AuditAction.DECLINE_TO_SHARE,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=young_person.pk,
            purpose=purpose.strip(),
            recipient=to_agency.short_name if to_agency else "partnership",
            details={"decision": decision.pk, "basis": decision.lawful_basis},
        )
    return decision


# --- Break-glass -------------------------------------------------------------------------


def do_break_glass(*, actor: User, young_person: YoungPerson, reason: str) -> BreakGlassAccess:
    """Open a young person's records beyond entitlement, for a short time, with a reason.

    The agencies whose records become visible and their IG officers are told; the IG officer
    reviews every use.
    """
    _require(
        may(actor, Capability.USE_BREAK_GLASS),
        "Your role cannot use break-glass access.",
    )
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Give the reason in at least {MIN_REASON_LENGTH} characters."}
        )

    now = timezone.now()
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            user=actor,
            young_person=young_person,
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
        )
        owners = (
            AgencyRecord.objects.filter(young_person=young_person, disposed_at__isnull=True)
            .exclude(owning_agency_id=actor.agency_id)
            .values_list("owning_agency_id", flat=True)
            .distinct()
        )
        Notification.objects.bulk_create(
            Notification(
                agency_id=agency_id,
                kind="break_glass",
                message=(
                    f"{actor.get_full_name() or actor.username} ({actor.agency}) used break-glass "
                    "access to a young person's records that include yours."
                ),
                object_type="break_glass",
                object_id=str(access.pk),
                created_at=now,
            )
            for agency_id in sorted(set(owners))
        )
        audit.record(
            AuditAction.BREAK_GLASS,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=young_person.pk,
            purpose=reason.strip(),
            details={"access": access.pk, "hours": BREAK_GLASS_HOURS},
        )
    return access


def do_review_break_glass(
    *, actor: User, access: BreakGlassAccess, justified: bool, note: str
) -> BreakGlassAccess:
    _require(
        may(actor, Capability.OVERSEE_AGENCY_INFORMATION),
        "Only an IG officer reviews break-glass access.",
    )
    if not note.strip():
        raise ValidationError({"note": "Record the reasons for your review decision."})
    with transaction.atomic():
        access.review = BreakGlassReview.JUSTIFIED if justified else BreakGlassReview.NOT_JUSTIFIED
        access.reviewed_by = actor
        access.reviewed_at = timezone.now()
        access.review_note = note.strip()
        access.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.BREAK_GLASS,
            object_id=access.pk,
            details={"review": access.review},
        )
    return access


# --- The information sharing agreement ---------------------------------------------------


def do_save_sharing_agreement(
    *,
    actor: User | None,
    rules: dict[tuple[str, str], int],
    note: str,
    type_names_are_content: dict[str, bool] | None = None,
) -> SharingAgreement:
    """Save a new version of the agreement. Earlier versions are kept unchanged.

    ``type_names_are_content`` says, per category of record, whether record type names are
    content (shown to other agencies only at full level); categories not named keep what the
    version before said. Each version holds a row for every category.
    """
    if actor is not None:
        _require(
            may(actor, Capability.CHANGE_SHARING_AGREEMENT),
            "Only an administrator changes the agreement.",
        )
    if not note.strip():
        raise ValidationError({"note": "Say what changed and why."})
    known = default_sharing_rules()
    unknown = set(rules) - set(known)
    if unknown:
        raise ValidationError({"rules": f"Unknown agency kind or category: {sorted(unknown)[0]}"})
    for key, level in rules.items():
        if level not in Level.values:
            raise ValidationError({"rules": f"Level {level!r} for {key} is not a sharing level."})
    categories = {category for _kind, category in known}
    named = type_names_are_content or {}
    if set(named) - categories:
        unknown_category = sorted(set(named) - categories)[0]
        raise ValidationError({"type_names": f"Unknown category of record: {unknown_category}"})

    with transaction.atomic():
        previous = sharing_rules()
        previous_content = content_type_names()
        merged = {**previous, **rules}
        latest = SharingAgreement.objects.order_by("-version").first()
        agreement = SharingAgreement.objects.create(
            version=(latest.version + 1) if latest else 1,
            created_at=timezone.now(),
            created_by=actor,
            note=note.strip(),
        )
        SharingRule.objects.bulk_create(
            SharingRule(agreement=agreement, viewer_kind=kind, category=category, level=level)
            for (kind, category), level in sorted(merged.items())
        )
        content = {c: named.get(c, c in previous_content) for c in sorted(categories)}
        SharingCategory.objects.bulk_create(
            SharingCategory(agreement=agreement, category=c, type_name_is_content=is_content)
            for c, is_content in content.items()
        )
        changed = {
            f"{kind}/{category}": [previous.get((kind, category)), level]
            for (kind, category), level in merged.items()
            if previous.get((kind, category)) != level
        }
        type_names_changed = {
            c: "content" if is_content else "not content"
            for c, is_content in content.items()
            if is_content != (c in previous_content)
        }
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.SHARING_AGREEMENT,
            object_id=agreement.pk,
            purpose=note.strip(),
            details={
                "version": agreement.version,
                "changed": changed,
                "type_names_changed": type_names_changed,
            },
        )
    return agreement
