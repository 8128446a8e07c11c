"""Every write of intelligence: reports, the answers to what their text names, persons of
interest and their aliases, links between entities, and resolution judgements.

Each action checks the actor's permission (``PermissionDenied``), validates its input
(``ValidationError`` naming the field), runs in one transaction and writes its audit event in
it. ``actor=None`` is the system (the demo loader, the bench), which names the agency itself.
Audit details carry ids, kinds and codes, never the values (a phone number is personal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.models import AuditAction, AuditObject, Level
from governance.permissions import Capability, may
from intelligence import gate, resolution, values
from intelligence.models import (
    Alias,
    AliasKind,
    EntityKind,
    EntityLink,
    ExtractionDecision,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    LinkType,
    Location,
    LocationKind,
    Occurrence,
    OccurrenceKind,
    OnlineIdentity,
    PersonOfInterest,
    Phone,
    ResolutionJudgement,
    SourceDetail,
    SourceEvaluation,
    SuggestionDecision,
    Vehicle,
    Verdict,
    Visibility,
)
from partnership.models import Agency, Service, User
from people.identifiers import IdentifierError

# --- Reports -------------------------------------------------------------------------------


def do_record_intelligence(
    *,
    actor: User | None,
    title: str,
    text: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    occurred_at: datetime,
    handling_conditions: str = "",
    shared_with: Iterable[Agency] = (),
    source_reference: str = "",
    source_description: str = "",
    how_obtained: str = "",
    handler: str = "",
    agency: Agency | None = None,
    service: Service | None = None,
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
) -> IntelligenceReport:
    """Record a graded intelligence report for the actor's agency (one that grades
    intelligence). Handling C needs its conditions written; the agencies it is shared with are
    the only ones that will see anything of it."""
    if actor is not None:
        if not gate.may_record(actor):
            raise PermissionDenied("You may not record graded intelligence.")
        agency, service = actor.agency, actor.service
    if agency is None or not gate.grades_intelligence(agency):
        raise PermissionDenied("Only an agency that grades intelligence records it.")
    now = timezone.now()
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter a title"
    if not text.strip():
        errors["text"] = "Enter what the intelligence says"
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = "Choose the source evaluation (1, 2 or 3)"
    if intelligence_assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = "Choose the intelligence assessment (A to E)"
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = "Choose the handling code (P or C)"
    if handling_code == HandlingCode.CONDITIONS and not handling_conditions.strip():
        errors["handling_conditions"] = "Write the conditions on sharing for handling code C"
    if handling_code == HandlingCode.PERMITTED and handling_conditions.strip():
        errors["handling_conditions"] = "Conditions go with handling code C, not P"
    if occurred_at > now:
        errors["occurred_at"] = "When it happened must be in the past"
    recipients = list(shared_with)
    if any(other.pk == agency.pk for other in recipients):
        errors["shared_with"] = "Your own agency already holds it"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = IntelligenceReport.objects.create(
            owning_agency=agency,
            owning_service=service,
            author=actor,
            source_evaluation=source_evaluation,
            intelligence_assessment=intelligence_assessment,
            handling_code=handling_code,
            handling_conditions=handling_conditions.strip(),
            occurred_at=occurred_at,
            recorded_at=recorded_at or now,
            title=title.strip(),
            text=text.strip(),
            is_synthetic=is_synthetic,
        )
        report.shared_with.set(recipients)
        source = (source_reference, source_description, how_obtained, handler)
        if any(part.strip() for part in source):
            SourceDetail.objects.create(
                report=report,
                source_reference=source_reference.strip(),
                source_description=source_description.strip(),
                how_obtained=how_obtained.strip(),
                handler=handler.strip(),
            )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.INTELLIGENCE_REPORT,
            object_id=report.pk,
            details={
                "grade": report.grade,
                "shared_with": [other.pk for other in recipients],
                "source_details": any(part.strip() for part in source),
            },
        )
    return report


def do_share_report(
    *, actor: User | None, report: IntelligenceReport, agencies: Iterable[Agency], purpose: str
) -> IntelligenceReport:
    """The owning agency shares a report with more agencies: they will see it in full, never
    its source. Under handling C, only within the written conditions (the purpose says how)."""
    if actor is not None and not gate.may_record(actor, report.owning_agency):
        raise PermissionDenied("Only the owning agency shares its intelligence.")
    recipients = [other for other in agencies if other.pk != report.owning_agency_id]
    if not recipients:
        raise ValidationError({"agencies": "Choose an agency to share it with"})
    if not purpose.strip():
        raise ValidationError({"purpose": "Say why it is shared (within the conditions for C)"})
    with transaction.atomic():
        report.shared_with.add(*recipients)
        audit.record(
            AuditAction.SHARE,
            actor=actor,
            object_type=AuditObject.INTELLIGENCE_REPORT,
            object_id=report.pk,
            purpose=purpose.strip(),
            recipient=", ".join(other.short_name for other in recipients),
            details={"agencies": [other.pk for other in recipients]},
        )
    return report


# --- What a report's text names -------------------------------------------------------------


def _answerable(actor: User | None, report: IntelligenceReport) -> None:
    if actor is not None and not gate.may_record(actor, report.owning_agency):
        raise PermissionDenied("Only the owning agency answers its report's suggestions.")


def _stored(kind: str, value: str) -> str:
    if kind not in OccurrenceKind.values:
        raise ValidationError({"kind": "Not a kind of value Tessera knows"})
    try:
        return values.normalise(kind, value)
    except IdentifierError as error:
        raise ValidationError({"value": str(error)}) from None


def _entity_for(kind: str, value: str, agency: Agency, platform: str = "") -> None:
    """Find or make the entity an occurrence names, where the value is a key."""
    if kind == OccurrenceKind.PHONE:
        Phone.objects.get_or_create(number=value, defaults={"created_by_agency": agency})
    elif kind in (OccurrenceKind.REGISTRATION, OccurrenceKind.PARTIAL_PLATE):
        Vehicle.objects.get_or_create(
            registration=value,
            defaults={
                "created_by_agency": agency,
                "is_partial": kind == OccurrenceKind.PARTIAL_PLATE,
            },
        )
    elif kind == OccurrenceKind.POSTCODE:
        if not Location.objects.filter(postcode=value).exists():
            Location.objects.create(
                kind_of_place=LocationKind.ADDRESS, postcode=value, created_by_agency=agency
            )
    elif kind == OccurrenceKind.HANDLE and not OnlineIdentity.objects.filter(handle=value).exists():
        OnlineIdentity.objects.create(platform=platform, handle=value, created_by_agency=agency)


def do_confirm_suggestion(
    *,
    actor: User | None,
    report: IntelligenceReport,
    kind: str,
    value: str,
    shown_as: str = "",
    platform: str = "",
    visibility: str = Visibility.AS_SOURCE,
) -> Occurrence:
    """The analyst confirms that the report names this value: an occurrence, and the phone,
    vehicle, place or identity it names (made if new). Nothing is linked without this."""
    _answerable(actor, report)
    stored = _stored(kind, value)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose who may see it"})
    if ExtractionDecision.objects.filter(report=report, kind=kind, value=stored).exists():
        raise ValidationError({"value": "This suggestion has already been answered"})
    with transaction.atomic():
        occurrence = Occurrence.objects.create(
            kind=kind,
            value=stored,
            shown_as=shown_as[:200],
            report=report,
            agency=report.owning_agency,
            visibility=visibility,
            seen_at=report.occurred_at,
            confirmed_by=actor,
            is_synthetic=report.is_synthetic,
        )
        _entity_for(kind, stored, report.owning_agency, platform.strip().casefold()[:40])
        ExtractionDecision.objects.create(
            report=report,
            kind=kind,
            value=stored,
            decision=SuggestionDecision.CONFIRMED,
            decided_by=actor,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.EXTRACTION_SUGGESTION,
            object_id=report.pk,
            details={"kind": kind, "decision": "confirmed", "occurrence": occurrence.pk},
        )
    return occurrence


def do_reject_suggestion(
    *, actor: User | None, report: IntelligenceReport, kind: str, value: str
) -> ExtractionDecision:
    """The analyst says the report does not name this value: it is not offered again."""
    _answerable(actor, report)
    stored = _stored(kind, value)
    if ExtractionDecision.objects.filter(report=report, kind=kind, value=stored).exists():
        raise ValidationError({"value": "This suggestion has already been answered"})
    with transaction.atomic():
        decision = ExtractionDecision.objects.create(
            report=report,
            kind=kind,
            value=stored,
            decision=SuggestionDecision.REJECTED,
            decided_by=actor,
        )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.EXTRACTION_SUGGESTION,
            object_id=report.pk,
            details={"kind": kind, "decision": "rejected"},
        )
    return decision


# --- Persons of interest and links ------------------------------------------------------------


def _analyst(actor: User | None) -> None:
    if actor is not None and not may(actor, Capability.ANALYSE_INTELLIGENCE):
        raise PermissionDenied("Only an analyst does this.")


def _source_seen(actor: User | None, report: IntelligenceReport | None) -> None:
    if actor is not None and report is not None and gate.report_level(actor, report) < Level.FULL:
        raise PermissionDenied("You may not use a report you cannot read as a source.")


def do_add_person_of_interest(
    *,
    actor: User | None,
    label: str,
    description: str = "",
    agency: Agency | None = None,
    is_synthetic: bool = False,
) -> PersonOfInterest:
    _analyst(actor)
    if actor is not None:
        agency = actor.agency
    if agency is None:
        raise ValidationError({"agency": "A person of interest belongs to an agency"})
    if not label.strip():
        raise ValidationError({"label": "Enter the name analysts will use"})
    with transaction.atomic():
        person = PersonOfInterest.objects.create(
            label=label.strip()[:200],
            description=description.strip(),
            created_by_agency=agency,
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.ENTITY,
            object_id=f"{EntityKind.PERSON}:{person.pk}",
        )
    return person


def do_add_alias(
    *,
    actor: User | None,
    person: PersonOfInterest,
    name: str,
    kind: str = AliasKind.NICKNAME,
    source_report: IntelligenceReport | None = None,
    agency: Agency | None = None,
) -> Alias:
    """A name the person is known by, with its source (a report the actor reads in full, or
    their own word, which then stays with their agency)."""
    _analyst(actor)
    _source_seen(actor, source_report)
    if actor is not None:
        agency = actor.agency
        if not gate.entity_visible(actor, person):
            raise PermissionDenied("You may not see this person of interest.")
    if agency is None:
        raise ValidationError({"agency": "An alias is recorded by an agency"})
    if kind not in AliasKind.values:
        raise ValidationError({"kind": "Choose name, alias or nickname"})
    key = values.fold(name)
    if not key:
        raise ValidationError({"name": "Enter the name"})
    with transaction.atomic():
        alias = Alias.objects.create(
            person=person,
            kind=kind,
            name=name.strip()[:200],
            key=key,
            source_report=source_report,
            agency=agency,
            recorded_by=actor,
        )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.ENTITY,
            object_id=f"{EntityKind.PERSON}:{person.pk}",
            details={
                "alias": alias.pk,
                "source_report": source_report.pk if source_report else None,
            },
        )
    return alias


def do_link_entities(
    *,
    actor: User | None,
    from_kind: str,
    from_id: int,
    to_kind: str,
    to_id: int,
    link_type: str,
    source_report: IntelligenceReport | None = None,
    inferred: bool = False,
    started_on: date | None = None,
    ended_on: date | None = None,
    agency: Agency | None = None,
    is_synthetic: bool = False,
) -> EntityLink:
    """A link an analyst states from a source (its grade goes with it), or one an analysis
    inferred (marked inferred)."""
    _analyst(actor)
    _source_seen(actor, source_report)
    if actor is not None:
        agency = actor.agency
    if agency is None:
        raise ValidationError({"agency": "A link is recorded by an agency"})
    if link_type not in LinkType.values:
        raise ValidationError({"link_type": "Choose the type of link"})
    if (from_kind, from_id) == (to_kind, to_id):
        raise ValidationError({"to_id": "A link joins two different entities"})
    for kind, pk in ((from_kind, from_id), (to_kind, to_id)):
        found = gate.entities_by_pk(kind, [pk]) if kind in EntityKind.values else {}
        if pk not in found or (actor is not None and not gate.entity_visible(actor, found[pk])):
            raise ValidationError({"to_id": "Choose an entity you can see"})
    if not inferred and source_report is None:
        raise ValidationError({"source_report": "A stated link names its source report"})
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "The link cannot end before it started"})
    with transaction.atomic():
        link = EntityLink.objects.create(
            from_kind=from_kind,
            from_id=from_id,
            to_kind=to_kind,
            to_id=to_id,
            link_type=link_type,
            started_on=started_on,
            ended_on=ended_on,
            source_report=source_report,
            grade=source_report.grade.replace(" ", "") if source_report else "",
            inferred=inferred,
            agency=agency,
            created_by=actor,
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.ENTITY_LINK,
            object_id=link.pk,
            details={"type": link_type, "inferred": inferred},
        )
    return link


# --- Resolution --------------------------------------------------------------------------------


def do_judge_entities(
    *, actor: User | None, kind: str, first_id: int, second_id: int, verdict: str, reason: str
) -> ResolutionJudgement:
    """Judge two entities of one kind the same, not the same, or unsure.

    "The same" is refused when an analyst has judged anything already joined to one of them not
    the same as anything joined to the other; "not the same" is refused when they are already
    joined (reverse the judgement that joined them first)."""
    if actor is not None and not may(actor, Capability.RESOLVE_ENTITIES):
        raise PermissionDenied("Only an analyst resolves entities.")
    if kind not in EntityKind.values:
        raise ValidationError({"kind": "Choose what kind of entity they are"})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Choose the same, not the same or unsure"})
    if first_id == second_id:
        raise ValidationError({"second_id": "Choose two different entities"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why"})
    found = gate.entities_by_pk(kind, [first_id, second_id])
    if len(found) != 2 or (
        actor is not None and not all(gate.entity_visible(actor, e) for e in found.values())
    ):
        raise ValidationError({"second_id": "Choose two entities you can see"})
    first, second = sorted((first_id, second_id))
    with transaction.atomic():
        these, those = resolution.same_as(kind, first), resolution.same_as(kind, second)
        if verdict == Verdict.SAME and resolution.kept_apart(kind, these, those):
            raise ValidationError(
                {"verdict": "An analyst has judged these not the same: reverse that first"}
            )
        if verdict == Verdict.NOT_SAME and second in these:
            raise ValidationError(
                {"verdict": "These are judged the same: reverse the judgement that joined them"}
            )
        judgement = ResolutionJudgement.objects.create(
            kind=kind,
            first_id=first,
            second_id=second,
            verdict=verdict,
            reason=reason.strip(),
            judged_by=actor,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.RESOLUTION_JUDGEMENT,
            object_id=judgement.pk,
            purpose=reason.strip(),
            details={"kind": kind, "first": first, "second": second, "verdict": verdict},
        )
    return judgement


def do_reverse_judgement(
    *, actor: User | None, judgement: ResolutionJudgement, reason: str
) -> ResolutionJudgement:
    """Reverse a judgement: it stays in the history, marked reversed, and counts no more."""
    if actor is not None and not may(actor, Capability.RESOLVE_ENTITIES):
        raise PermissionDenied("Only an analyst resolves entities.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is reversed"})
    with transaction.atomic():
        current = ResolutionJudgement.objects.select_for_update().get(pk=judgement.pk)
        if current.reversed_at is not None:
            raise ValidationError({"reason": "This judgement has already been reversed"})
        current.reversed_at = timezone.now()
        current.reversed_by = actor
        current.reversal_reason = reason.strip()
        current.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.RESOLUTION_JUDGEMENT,
            object_id=current.pk,
            purpose=reason.strip(),
            details={"reversed": True, "verdict": current.verdict},
        )
    return current
