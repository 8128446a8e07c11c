"""The intelligence gate: what may this user see of graded intelligence and the entities it
names, and at what level.

Every read of an intelligence report, its source details, an occurrence, an alias, a link or an
entity goes through here (``governance/tests/test_reads_outside_the_gate.py`` fails otherwise).
Writes are ``intelligence.actions``; they ask ``may_record`` and ``report_level`` here.

How a report's level is decided (``report_level``):

1. A user who may not see intelligence (``Capability.SEE_INTELLIGENCE``: the roles that read
   case content) sees nothing.
2. The owning agency sees its reports in full. Only its users who may record intelligence see
   the source details, and nobody outside the owning agency ever does (``source_detail_for``).
3. Another agency, for handling code C, sees nothing unless the owner shared the report with it
   under the written conditions; then it sees it in full (without the source).
4. Another agency, for handling code P, sees it in full if the owner shared it with that
   agency, otherwise at the level the information sharing agreement gives its kind of agency
   for the *intelligence* category (by default: police a summary, children's social care that
   it exists, everyone else nothing).
5. An information governance officer of another agency sees at most a summary.

A summary is the grade, the dates and the owning agency with its contact: never the text, the
entities or the source. What a report names (its occurrences) is content: seen only by those
who see the report in full.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from governance import policy
from governance.models import Level
from governance.permissions import Capability, may
from intelligence.models import (
    Alias,
    EntityKind,
    EntityLink,
    ExtractionDecision,
    HandlingCode,
    IntelligenceReport,
    Location,
    Occurrence,
    OccurrenceKind,
    OnlineIdentity,
    PersonOfInterest,
    Phone,
    SourceDetail,
    Vehicle,
    Visibility,
)
from partnership.models import Agency, AgencyKind, User
from records.models import RecordCategory, RecordLink

# The kinds of agency that grade intelligence 3x5x2 (police forces and their intelligence
# units). Everyone else tells them through a referral or, later, the partner intelligence form.
GRADING_AGENCY_KINDS = frozenset({AgencyKind.POLICE})

Entity = PersonOfInterest | Phone | Vehicle | OnlineIdentity | Location
ENTITY_MODELS: dict[str, type[Entity]] = {
    EntityKind.PERSON: PersonOfInterest,
    EntityKind.PHONE: Phone,
    EntityKind.VEHICLE: Vehicle,
    EntityKind.ONLINE: OnlineIdentity,
    EntityKind.LOCATION: Location,
}


def _signed_in(user: object) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def grades_intelligence(agency: Agency | None) -> bool:
    return agency is not None and agency.kind in GRADING_AGENCY_KINDS


def may_record(user: object, agency: Agency | None = None) -> bool:
    """May the user record graded intelligence (for ``agency``, or at all)? Their role must
    allow it and their agency must be one that grades intelligence."""
    who = _signed_in(user)
    if who is None or not may(who, Capability.RECORD_INTELLIGENCE, agency=agency):
        return False
    return grades_intelligence(who.agency)  # asked second: it reads the agency


def may_see(user: object) -> bool:
    return may(user, Capability.SEE_INTELLIGENCE)


# --- One report --------------------------------------------------------------------------


def report_level(user: object, report: IntelligenceReport) -> Level:
    who = _signed_in(user)
    if who is None or not may_see(who) or who.agency_id is None:
        return Level.NONE
    if report.owning_agency_id == who.agency_id:
        return Level.FULL
    shared = report.shared_with.filter(pk=who.agency_id).exists()
    if report.handling_code == HandlingCode.CONDITIONS:
        level = Level.FULL if shared else Level.NONE
    elif shared:
        level = Level.FULL
    else:
        assert who.agency is not None
        level = Level(policy.sharing_rules().get((who.agency.kind, RecordCategory.INTELLIGENCE), 0))
    if policy.oversees_only(who):
        level = min(level, Level.SUMMARY)
    return Level(level)


def report_or_404(user: object, pk: int, *, at_least: Level = Level.SUMMARY) -> IntelligenceReport:
    """One report the user sees at ``at_least`` or more; otherwise a 404, whether it exists
    or not."""
    report = (
        IntelligenceReport.objects.select_related("owning_agency", "author").filter(pk=pk).first()
    )
    if report is None or report_level(user, report) < at_least:
        raise Http404
    return report


def source_detail_for(user: object, report: IntelligenceReport) -> SourceDetail | None:
    """The source details, for the owning agency's users who may record intelligence only.
    Everyone else gets ``None``: not an empty form of them, nothing."""
    who = _signed_in(user)
    if who is None or report.owning_agency_id != who.agency_id:
        return None
    if not may_record(who, report.owning_agency):
        return None
    return SourceDetail.objects.filter(report=report).first()


def extraction_decisions(user: object, report: IntelligenceReport) -> QuerySet[ExtractionDecision]:
    """The answers already given to a report's suggestions: the owning agency's business."""
    if not may_record(user, report.owning_agency):
        return ExtractionDecision.objects.none()
    return ExtractionDecision.objects.filter(report=report)


# --- Lists ---------------------------------------------------------------------------------


def reports_visible_to(
    user: object, *, at_least: Level = Level.SUMMARY
) -> QuerySet[IntelligenceReport]:
    """Every report the user sees at ``at_least`` or more, as one query; agrees with
    ``report_level`` report by report (``intelligence/tests/test_gate.py``)."""
    who = _signed_in(user)
    if who is None or not may_see(who) or who.agency is None:
        return IntelligenceReport.objects.none()
    own = Q(owning_agency_id=who.agency_id)
    shared = Q(shared_with=who.agency_id)
    agreement = policy.sharing_rules().get((who.agency.kind, RecordCategory.INTELLIGENCE), 0)
    by_agreement = Q(handling_code=HandlingCode.PERMITTED) if agreement >= at_least else Q(pk=None)
    other = shared | by_agreement
    if policy.oversees_only(who) and at_least > Level.SUMMARY:
        other = Q(pk=None)
    visible_ids = IntelligenceReport.objects.filter(own | other).values("pk")
    return IntelligenceReport.objects.filter(pk__in=visible_ids)


def occurrences_visible_to(user: object) -> QuerySet[Occurrence]:
    """Where values were seen, in the reports the user sees in full and the records the access
    gate lets them see in full; a value kept to its owning agency only by that agency."""
    who = _signed_in(user)
    if who is None or not may_see(who):
        return Occurrence.objects.none()
    from_reports = Q(report__in=reports_visible_to(who, at_least=Level.FULL).values("pk"))
    from_records = Q(record__in=policy.records_visible_to(who, at_least=Level.FULL).values("pk"))
    shown = Q(visibility=Visibility.AS_SOURCE) | Q(agency_id=who.agency_id)
    return Occurrence.objects.filter((from_reports | from_records) & shown)


def record_links_visible_to(user: object) -> QuerySet[RecordLink]:
    """The phones, vehicles and places named in agency records, as the access gate allows (in
    full: a value named in a record is the record's content)."""
    who = _signed_in(user)
    if who is None or not may_see(who):
        return RecordLink.objects.none()
    return policy.links_visible_to(who, at_least=Level.FULL)


def aliases_visible_to(user: object) -> QuerySet[Alias]:
    """Aliases recorded by the user's agency, or sourced from what they see in full."""
    who = _signed_in(user)
    if who is None or not may_see(who):
        return Alias.objects.none()
    return Alias.objects.filter(
        Q(agency_id=who.agency_id)
        | Q(source_report__in=reports_visible_to(who, at_least=Level.FULL).values("pk"))
        | Q(source_record__in=policy.records_visible_to(who, at_least=Level.FULL).values("pk"))
    )


def links_visible_to(user: object) -> QuerySet[EntityLink]:
    """Links between entities: the user's agency's own, and those whose source they see in
    full (an inferred link without a source is its agency's only)."""
    who = _signed_in(user)
    if who is None or not may_see(who):
        return EntityLink.objects.none()
    return EntityLink.objects.filter(
        Q(agency_id=who.agency_id)
        | Q(source_report__in=reports_visible_to(who, at_least=Level.FULL).values("pk"))
        | Q(source_record__in=policy.records_visible_to(who, at_least=Level.FULL).values("pk"))
    )


# --- Entities ------------------------------------------------------------------------------


def occurrence_kinds_of(kind: str) -> tuple[str, ...]:
    """The kinds of occurrence that name an entity of this kind."""
    return {
        EntityKind.PHONE: (OccurrenceKind.PHONE,),
        EntityKind.VEHICLE: (OccurrenceKind.REGISTRATION, OccurrenceKind.PARTIAL_PLATE),
        EntityKind.ONLINE: (OccurrenceKind.HANDLE,),
        EntityKind.LOCATION: (OccurrenceKind.POSTCODE, OccurrenceKind.PLACE),
        EntityKind.PERSON: (OccurrenceKind.NICKNAME,),
    }[EntityKind(kind)]


def keys_of(user: object, entity: Entity) -> list[str]:
    """The values occurrences of this entity carry; for a person, the aliases the user sees."""
    if isinstance(entity, PersonOfInterest):
        return sorted(
            set(aliases_visible_to(user).filter(person=entity).values_list("key", flat=True))
        )
    if isinstance(entity, OnlineIdentity):
        return [entity.handle]
    return [entity.key]


def occurrences_of(user: object, entity: Entity) -> QuerySet[Occurrence]:
    return occurrences_visible_to(user).filter(
        kind__in=occurrence_kinds_of(entity.entity_kind), value__in=keys_of(user, entity)
    )


def record_links_of(user: object, entity: Entity) -> QuerySet[RecordLink]:
    kinds = {
        EntityKind.PHONE: "phone",
        EntityKind.VEHICLE: "vehicle",
        EntityKind.LOCATION: "place",
        EntityKind.ONLINE: "online",
        EntityKind.PERSON: "person",
    }
    if isinstance(entity, PersonOfInterest):
        return RecordLink.objects.none()
    return record_links_visible_to(user).filter(
        kind=kinds[entity.entity_kind], value__in=keys_of(user, entity)
    )


def entity_links_of(user: object, entity: Entity) -> QuerySet[EntityLink]:
    kind = entity.entity_kind
    return links_visible_to(user).filter(
        Q(from_kind=kind, from_id=entity.pk) | Q(to_kind=kind, to_id=entity.pk)
    )


def entity_visible(user: object, entity: Entity) -> bool:
    """The user may see an entity their agency recorded, or one that something they see in
    full names. That a phone is known to intelligence is itself intelligence."""
    who = _signed_in(user)
    if who is None or not may_see(who):
        return False
    if entity.created_by_agency_id is not None and entity.created_by_agency_id == who.agency_id:
        return True
    if isinstance(entity, PersonOfInterest):
        return aliases_visible_to(who).filter(person=entity).exists()
    return (
        occurrences_of(who, entity).exists()
        or record_links_of(who, entity).exists()
        or entity_links_of(who, entity).exists()
    )


def entity_or_404(user: object, kind: str, pk: int) -> Entity:
    model = ENTITY_MODELS.get(kind)
    if model is None:
        raise Http404
    entity = model.objects.filter(pk=pk).first()
    if entity is None or not entity_visible(user, entity):
        raise Http404
    return entity


def entities_by_pk(kind: str, pks: Iterable[int]) -> dict[int, Entity]:
    """Entities by id, for an action that has already decided (the resolution judgements):
    shows nobody anything by itself."""
    model = ENTITY_MODELS[EntityKind(kind)]
    return {entity.pk: entity for entity in model.objects.filter(pk__in=list(pks))}


def entity_by_key(kind: str, key: str) -> Entity | None:
    """The entity whose key is ``key`` (a phone's number, a vehicle's registration), for the
    actions that find or make it. Shows nobody anything by itself."""
    if kind == EntityKind.PHONE:
        return Phone.objects.filter(number=key).first()
    if kind == EntityKind.VEHICLE:
        return Vehicle.objects.filter(registration=key).first()
    if kind == EntityKind.LOCATION:
        return Location.objects.filter(postcode=key).first()
    return None


def find_entities(user: object, kind: str, key: str) -> list[Entity]:
    """The entities of one kind whose key is ``key`` (already normalised), that the user may
    see: the analyst's search. A person of interest is found by any alias the user sees."""
    if not may(user, Capability.ANALYSE_INTELLIGENCE):
        return []
    found: list[Entity]
    if kind == EntityKind.PERSON:
        ids = aliases_visible_to(user).filter(key=key).values("person_id")
        found = list(PersonOfInterest.objects.filter(pk__in=ids))
    elif kind == EntityKind.ONLINE:
        found = list(OnlineIdentity.objects.filter(handle=key))
    elif kind == EntityKind.VEHICLE:
        found = list(Vehicle.objects.filter(registration=key))
    elif kind == EntityKind.PHONE:
        found = list(Phone.objects.filter(number=key))
    elif kind == EntityKind.LOCATION:
        found = list(Location.objects.filter(postcode=key))
    else:
        found = []
    return [entity for entity in found if entity_visible(user, entity)]
