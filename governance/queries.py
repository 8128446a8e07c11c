"""Reads for information governance that assemble more than one page's worth: the subject access
export. Every record in it is chosen by the access gate (``policy.held_for_subject_access``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.utils import timezone

from governance import policy
from governance.models import AuditEvent, AuditObject, ConsentDecision, SharingDecision
from partnership.models import Agency, User
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord

SUBJECT_ACCESS = "subject access request"


def _fields(obj: Model, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every stored field of one row, foreign keys as ids."""
    return {
        field.attname: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude
    }


def subject_access_export(user: User, young_person: YoungPerson) -> dict[str, Any]:
    """What this agency holds, and who has looked: never another agency's content.

    - Identity: the canonical identity, and the identities this agency recorded.
    - This agency's records in full, every classification, with links and earlier versions,
      because the agency answers for all it holds; the IG officer redacts before release.
    - Consent decisions recorded by this agency's people; sharing decisions made by this agency.
    - The access log for the young person and this agency's records. Free-text purposes written
      by other agencies (a break-glass reason, a sharing purpose) are theirs, so withheld.
    - Which other agencies hold information, and whom to contact: nothing of what they hold.
    """
    agency = user.agency
    if agency is None:
        raise PermissionDenied("Only a member of an agency can answer a subject access request.")
    records = list(
        policy.held_for_subject_access(user, young_person)
        .select_related("record_type", "owning_service", "author")
        .prefetch_related("links", "history__changed_by")
        .order_by("occurred_at", "pk")
    )
    record_ids = [str(record.pk) for record in records]
    events = AuditEvent.objects.filter(
        Q(object_type=AuditObject.YOUNG_PERSON, object_id=str(young_person.pk))
        | Q(object_type=AuditObject.AGENCY_RECORD, object_id__in=record_ids)
    ).order_by("seq")
    other_ids = set(
        AgencyRecord.objects.filter(young_person=young_person, disposed_at__isnull=True)
        .exclude(owning_agency=agency)
        .values_list("owning_agency_id", flat=True)
    ) | set(
        RecordedIdentity.objects.filter(young_person=young_person)
        .exclude(agency=agency)
        .values_list("agency_id", flat=True)
    )
    return {
        "export": {
            "kind": SUBJECT_ACCESS,
            "produced_at": timezone.now(),
            "produced_by": {"username": user.get_username(), "role": user.role_label},
            "agency": {"name": agency.name, "short_name": agency.short_name},
            "synthetic": young_person.is_synthetic,
            "notes": [
                f"Everything {agency.name} holds in Tessera about this young person.",
                "Other agencies' records are not included: each answers for its own, and is "
                "listed under other_agencies with whom to contact.",
                "Check for information about other people before release.",
            ],
        },
        "young_person": {
            "id": young_person.pk,
            "given_name": young_person.given_name,
            "family_name": young_person.family_name,
            "date_of_birth": young_person.date_of_birth,
            "gender": young_person.get_gender_display(),
            "postcode": young_person.postcode,
            "upn": young_person.upn,
            "nhs_number": young_person.nhs_number,
        },
        "recorded_identities": [
            _fields(identity, exclude=frozenset({"young_person_id"}))
            for identity in RecordedIdentity.objects.filter(
                young_person=young_person, agency=agency
            ).order_by("recorded_at", "pk")
        ],
        "agency_records": [_record(record) for record in records],
        "consent_decisions": [
            {**_fields(decision), "recorded_by": decision.recorded_by.get_username()}
            for decision in ConsentDecision.objects.filter(
                young_person=young_person, recorded_by__agency=agency
            )
            .select_related("recorded_by")
            .order_by("recorded_at", "pk")
        ],
        "sharing_decisions": [
            {
                **_fields(decision),
                "to_agency": decision.to_agency.name if decision.to_agency else "the partnership",
                "decided_by": decision.decided_by.get_username(),
            }
            for decision in SharingDecision.objects.filter(
                young_person=young_person, from_agency=agency
            )
            .select_related("to_agency", "decided_by")
            .order_by("decided_at", "pk")
        ],
        "access_log": [_log_entry(event, agency) for event in events],
        "other_agencies": [
            {"name": other.name, "contact": other.cse_contact}
            for other in Agency.objects.filter(pk__in=other_ids).order_by("name")
        ],
    }


def _record(record: AgencyRecord) -> dict[str, Any]:
    return {
        **_fields(record),
        "record_type": record.record_type.name,
        "category_label": record.get_category_display(),
        "owning_service": record.owning_service.name if record.owning_service else "",
        "author": record.author.get_username() if record.author else "",
        "links": [_fields(link, exclude=frozenset({"record_id"})) for link in record.links.all()],
        "history": [
            {
                "version": version.version,
                "changed_at": version.changed_at,
                "changed_by": version.changed_by.get_username() if version.changed_by else "",
                "snapshot": version.snapshot,
            }
            for version in record.history.all()
        ],
    }


def _log_entry(event: AuditEvent, agency: Agency) -> dict[str, Any]:
    own = event.actor_agency == agency.short_name
    return {
        "when": event.occurred_at,
        "who": {
            "username": event.actor_username,
            "agency": event.actor_agency,
            "role": event.actor_role,
        },
        "action": event.get_action_display(),
        "outcome": event.get_outcome_display(),
        "purpose": event.purpose if own or not event.purpose else "",
        "purpose_withheld": not own and bool(event.purpose),
        "object": {"type": event.object_type, "id": event.object_id},
    }
