"""Every write about referrals: referring, a community partner's concern, MASH screening, and
the referral pathways that say which agency receives them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit, policy
from governance.actions import (
    do_add_relationship,
    do_record_sharing_decision,
)
from governance.models import (
    AuditAction,
    AuditObject,
    ConsentStatus,
    RelationshipKind,
)
from governance.permissions import Capability, may
from partnership.models import Agency, AgencyKind, ServiceKind, User
from people import identifiers
from people.models import YoungPerson
from referrals.models import (
    Rating,
    Referral,
    ReferralKind,
    ReferralPathway,
    ReferralSource,
    ReferralStatus,
    Screening,
    ScreeningDecision,
)

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, read out on the phone


def _new_receipt() -> str:
    while True:
        receipt = "TS-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))
        if not Referral.objects.filter(receipt=receipt).exists():
            return receipt


def _agency_of(actor: User) -> Agency:
    if actor.agency is None:
        raise PermissionDenied("Only members of a partnership agency can do this.")
    return actor.agency


def receiving_agency(source: ReferralSource, kind: ReferralKind | str = "") -> Agency:
    """The pathway held as data (for this source and kind, else for the source), or else the
    children's social care agency that hosts the MASH."""
    pathways = ReferralPathway.objects.filter(
        source=source, kind__in={str(kind), ""}, receiving_agency__is_active=True
    ).select_related("receiving_agency")
    for pathway in sorted(pathways, key=lambda p: p.kind == ""):
        return pathway.receiving_agency
    host = (
        Agency.objects.filter(
            kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_active=True, services__kind=ServiceKind.MASH
        ).first()
        or Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_active=True).first()
    )
    if host is None:
        raise ValidationError("No agency receives referrals yet: an administrator must set one up.")
    return host


def do_refer(
    *,
    actor: User,
    young_person: YoungPerson,
    concern: str,
    consent_status: ConsentStatus | str,
    next_steps_discussed: bool,
    lawful_basis: str = "",
    reason_without_consent: str = "",
    kind: ReferralKind | str = "",
    received_at: datetime | None = None,
    is_synthetic: bool = False,
) -> Referral:
    """A practitioner refers a young person to the MASH. The referral is itself a share, so it
    is recorded as a sharing decision with its basis."""
    if not policy.can_record_for(actor):
        raise PermissionDenied("Your role cannot make referrals.")
    if not concern.strip():
        raise ValidationError({"concern": "Say what you are worried about."})
    if kind and kind not in ReferralKind.values:
        raise ValidationError({"kind": "Choose what the referral is mainly about."})
    receiver = receiving_agency(ReferralSource.PRACTITIONER, kind)
    with transaction.atomic():
        referral = Referral.objects.create(
            young_person=young_person,
            source=ReferralSource.PRACTITIONER,
            kind=kind,
            referring_agency=_agency_of(actor),
            referrer=actor,
            receiving_agency=receiver,
            receipt=_new_receipt(),
            received_at=received_at or timezone.now(),
            concern=concern.strip(),
            consent_status=str(consent_status),
            is_synthetic=is_synthetic,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent.strip(),
        )
        do_record_sharing_decision(
            actor=actor,
            young_person=young_person,
            shared=True,
            to_agency=receiver,
            what=f"Referral {referral.receipt}",
            purpose="Referral to the MASH for a multi-agency response",
            consent_status=consent_status,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent,
            next_steps_discussed=next_steps_discussed,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.REFERRAL,
            object_id=referral.pk,
            recipient=receiver.short_name,
            details={"young_person": young_person.pk, "receipt": referral.receipt},
        )
    return referral


def _identifiers(field: str, raw: str, normalise: object) -> str:
    values = []
    for number, part in enumerate(raw.replace(";", ",").split(","), start=1):
        if not part.strip():
            continue
        try:
            values.append(normalise(part))  # type: ignore[operator]
        except identifiers.IdentifierError as error:
            raise ValidationError({field: f"Entry {number}: {error}"}) from error
    return ", ".join(values)


def do_submit_partner_concern(
    *,
    actor: User,
    concern: str,
    subject_description: str = "",
    where: str = "",
    when_seen: str = "",
    vehicles: str = "",
    phones: str = "",
    received_at: datetime | None = None,
    is_synthetic: bool = False,
) -> Referral:
    """A hotel, taxi firm or other community partner tells the partnership what they saw.

    They get a receipt and nothing else: what they sent is not shown back to them.
    """
    if not may(actor, Capability.SUBMIT_PARTNER_CONCERN):
        raise PermissionDenied("This form is for community partners.")
    if not concern.strip():
        raise ValidationError({"concern": "Tell us what you saw or heard."})
    vehicles = _identifiers("vehicles", vehicles, identifiers.normalise_vrm)
    phones = _identifiers("phones", phones, identifiers.normalise_uk_phone)
    receiver = receiving_agency(ReferralSource.COMMUNITY_PARTNER)
    with transaction.atomic():
        referral = Referral.objects.create(
            source=ReferralSource.COMMUNITY_PARTNER,
            referring_agency=_agency_of(actor),
            referrer=actor,
            receiving_agency=receiver,
            receipt=_new_receipt(),
            received_at=received_at or timezone.now(),
            concern=concern.strip(),
            subject_description=subject_description.strip(),
            where=where.strip(),
            when_seen=when_seen.strip(),
            vehicles=vehicles,
            phones=phones,
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.REFERRAL,
            object_id=referral.pk,
            recipient=receiver.short_name,
            details={"receipt": referral.receipt, "source": "community_partner"},
        )
    return referral


def can_screen(user: User, referral: Referral) -> bool:
    return may(user, Capability.SCREEN_REFERRAL, agency=referral.receiving_agency_id)


def do_screen(
    *,
    actor: User,
    referral: Referral,
    rating: Rating | str,
    rationale: str,
    decision: ScreeningDecision | str,
    decision_reason: str = "",
) -> Screening:
    """The MASH decision on a referral: a rating with its rationale, and the next step."""
    if not can_screen(actor, referral):
        raise PermissionDenied("Only a MASH screener of the receiving agency can screen this.")
    errors: dict[str, str] = {}
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the rating."
    if decision == ScreeningDecision.NO_FURTHER_ACTION and not decision_reason.strip():
        errors["decision_reason"] = "Say why no further action is needed."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != ReferralStatus.AWAITING_SCREENING:
            raise ValidationError("This referral has already been screened.")
        screening = Screening.objects.create(
            referral=current,
            screener=actor,
            screened_at=now,
            rating=Rating(rating),
            rationale=rationale.strip(),
            decision=ScreeningDecision(decision),
            decision_reason=decision_reason.strip(),
            within_clock=now <= current.received_at + timedelta(hours=24),
        )
        current.status = ReferralStatus.SCREENED
        current.save(update_fields=["status"])
        if current.young_person is not None:
            do_add_relationship(
                actor=None,
                young_person=current.young_person,
                user=actor,
                kind=RelationshipKind.SCREENER,
                reason=f"Screened referral {current.receipt}",
                ends_at=now + timedelta(days=30),
            )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.SCREENING,
            object_id=screening.pk,
            details={
                "referral": current.pk,
                "rating": screening.rating,
                "decision": screening.decision,
                "within_clock": screening.within_clock,
            },
        )
    return screening


# --- Referral pathways (administrators) --------------------------------------------------------


def _require_administrator(actor: User) -> None:
    if not may(actor, Capability.SET_REFERRAL_PATHWAYS):
        raise PermissionDenied("Only a system administrator can change referral pathways.")


def do_set_pathway(
    *,
    actor: User,
    source: ReferralSource | str,
    receiving_agency: Agency,
    kind: ReferralKind | str = "",
    note: str = "",
) -> ReferralPathway:
    """Say which agency receives referrals from a source (and of a kind)."""
    _require_administrator(actor)
    errors: dict[str, str] = {}
    if source not in ReferralSource.values:
        errors["source"] = "Choose where the referrals come from."
    if kind and kind not in ReferralKind.values:
        errors["kind"] = "Choose the kind of referral, or leave it blank for every kind."
    if not receiving_agency.is_active:
        errors["receiving_agency"] = "This agency is no longer active."
    elif receiving_agency.kind == AgencyKind.COMMUNITY_PARTNER:
        errors["receiving_agency"] = "A community partner cannot receive referrals."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pathway, created = ReferralPathway.objects.update_or_create(
            source=source,
            kind=kind,
            defaults={
                "receiving_agency": receiving_agency,
                "note": note.strip(),
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.REFERRAL_PATHWAY,
            object_id=pathway.pk,
            recipient=receiving_agency.short_name,
            details={"source": str(source), "kind": str(kind), "created": created},
        )
    return pathway


def do_remove_pathway(*, actor: User, pathway: ReferralPathway) -> None:
    """Remove a pathway: those referrals fall back to the wider pathway or the MASH host."""
    _require_administrator(actor)
    with transaction.atomic():
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.REFERRAL_PATHWAY,
            object_id=pathway.pk,
            details={"source": pathway.source, "kind": pathway.kind, "change": "removed"},
        )
        pathway.delete()
