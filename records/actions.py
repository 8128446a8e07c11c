"""Every write to agency records: record, edit (with version check), link and dispose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit, policy
from governance.models import AuditAction, AuditObject, Level
from governance.permissions import Capability, may, roles_with
from governance.retention import review_due
from notifications.api import notify
from partnership.models import Agency, User
from people import identifiers
from people.models import YoungPerson
from records.catalogue import category_for
from records.models import (
    AgencyRecord,
    Classification,
    LinkKind,
    Nature,
    PersonCategory,
    RecordLink,
    RecordType,
    RecordVersion,
)

EDITABLE_FIELDS = (
    "occurred_at",
    "ended_at",
    "location",
    "title",
    "details",
    "facts",
    "nature",
    "person_category",
    "classification",
)


class StaleEdit(Exception):
    """Someone else saved the record since this edit began. Nothing was saved."""

    def __init__(self, current: AgencyRecord, attempted: dict[str, Any]) -> None:
        super().__init__(f"The record was changed by someone else (now version {current.version}).")
        self.current = current
        self.attempted = attempted


@dataclass(frozen=True)
class LinkInput:
    kind: str
    value: str
    label: str = ""


def _normalise_link(link: LinkInput) -> RecordLink:
    kind = LinkKind(link.kind)
    value = link.value.strip()
    try:
        if kind == LinkKind.PHONE:
            value = identifiers.normalise_uk_phone(value)
        elif kind == LinkKind.VEHICLE:
            value = identifiers.normalise_vrm(value)
        elif kind == LinkKind.PLACE and _looks_like_postcode(value):
            value = identifiers.normalise_postcode(value)
    except identifiers.IdentifierError as error:
        raise ValidationError({"links": str(error)}) from error
    if not value:
        raise ValidationError({"links": f"Enter the {kind.label.lower()}."})
    return RecordLink(kind=kind, value=value[:200], label=link.label[:200])


def _looks_like_postcode(value: str) -> bool:
    try:
        identifiers.normalise_postcode(value)
    except identifiers.IdentifierError:
        return False
    return True


def do_record(
    *,
    actor: User | None,
    young_person: YoungPerson,
    record_type: RecordType,
    occurred_at: datetime,
    title: str,
    nature: Nature | str,
    details: str = "",
    person_category: PersonCategory | str = PersonCategory.VICTIM,
    classification: Classification | str = Classification.STANDARD,
    ended_at: datetime | None = None,
    location: str = "",
    facts: dict[str, Any] | None = None,
    links: list[LinkInput] | None = None,
    agency: Any = None,
    service: Any = None,
    intelligence: bool = False,
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
) -> AgencyRecord:
    """Record a concern, episode, indicator or note. The record belongs to the actor's agency."""
    if actor is not None:
        if not policy.can_record_for(actor):
            raise PermissionDenied("Your role cannot add records.")
        agency, service = actor.agency, actor.service
    if agency is None:
        raise ValueError("A record must belong to an agency.")
    if not title.strip():
        raise ValidationError({"title": "Enter a short description."})
    if ended_at is not None and ended_at < occurred_at:
        raise ValidationError({"ended_at": "The end must be after the start."})
    now = timezone.now()
    recorded_at = recorded_at or now
    if occurred_at > recorded_at + _TOLERANCE:
        raise ValidationError({"occurred_at": "When it happened cannot be in the future."})
    category = category_for(agency, service, intelligence=intelligence)
    link_rows = [_normalise_link(link) for link in links or []]
    with transaction.atomic():
        record = AgencyRecord.objects.create(
            young_person=young_person,
            record_type=record_type,
            category=category,
            owning_agency=agency,
            owning_service=service,
            author=actor,
            occurred_at=occurred_at,
            ended_at=ended_at,
            recorded_at=recorded_at,
            updated_at=recorded_at,
            location=location,
            title=title.strip(),
            details=details,
            facts=facts or {},
            nature=Nature(nature),
            person_category=PersonCategory(person_category),
            classification=Classification(classification),
            review_due=review_due(category, young_person.date_of_birth, recorded_at),
            is_synthetic=is_synthetic,
        )
        for link in link_rows:
            link.record = record
        RecordLink.objects.bulk_create(link_rows)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=record.pk,
            details={"young_person": young_person.pk, "type": record_type.code},
        )
    return record


_TOLERANCE = timedelta(minutes=5)


def _snapshot(record: AgencyRecord) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = getattr(record, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    values["links"] = [
        {"kind": link.kind, "value": link.value, "label": link.label} for link in record.links.all()
    ]
    return values


def do_edit_record(
    *, actor: User, record: AgencyRecord, expected_version: int, changes: dict[str, Any]
) -> AgencyRecord:
    """Save changes if nobody else has saved since ``expected_version``; keep the old version."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        # Never mass-assign: agency, owner, author and category are not editable here.
        raise ValidationError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = AgencyRecord.objects.select_for_update().get(pk=record.pk)
        viewer = policy.viewer_for(actor, current.young_person)
        if not policy.can_edit(viewer, current):
            raise PermissionDenied("You cannot edit this record.")
        if current.version != expected_version:
            raise StaleEdit(current, changes)
        if "title" in changes and not str(changes["title"]).strip():
            raise ValidationError({"title": "Enter a short description."})
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        now = timezone.now()
        RecordVersion.objects.create(
            record=current,
            version=current.version,
            snapshot=_snapshot(current),
            changed_by=actor,
            changed_at=now,
        )
        for name in changed:
            setattr(current, name, changes[name])
        current.version += 1
        current.updated_at = now
        current.save(update_fields=[*changed, "version", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=current.pk,
            details={"fields": sorted(changed), "version": current.version},
        )
    return current


def do_add_link(*, actor: User, record: AgencyRecord, link: LinkInput) -> RecordLink:
    row = _normalise_link(link)
    with transaction.atomic():
        viewer = policy.viewer_for(actor, record.young_person)
        if not policy.can_edit(viewer, record):
            raise PermissionDenied("You cannot add links to this record.")
        row.record = record
        row.save()
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=record.pk,
            details={"link_added": row.kind},
        )
    return row


def do_dispose_record(*, actor: User, record: AgencyRecord, reason: str) -> AgencyRecord:
    """Remove a record's content everywhere after retention review; keep a content-free trace."""
    if not may(actor, Capability.DISPOSE_RECORD, agency=record.owning_agency_id):
        raise PermissionDenied("Only the owning agency's IG officer can dispose of a record.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for disposal."})
    with transaction.atomic():
        current = AgencyRecord.objects.select_for_update().get(pk=record.pk)
        if current.disposed_at is not None:
            return current
        current.history.all().delete()
        current.links.all().delete()
        current.title = ""
        current.details = ""
        current.location = ""
        current.facts = {}
        current.disposed_at = timezone.now()
        current.save(update_fields=["title", "details", "location", "facts", "disposed_at"])
        audit.record(
            AuditAction.DISPOSE,
            actor=actor,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=current.pk,
            purpose=reason,
            details={"type": current.record_type.code, "category": current.category},
        )
    return current


def level_for(actor: User, record: AgencyRecord) -> Level:
    return policy.level_of(policy.viewer_for(actor, record.young_person), record)


CHRONOLOGY_EXPORTED = "chronology_exported"


def do_export_chronology(
    *,
    actor: User,
    young_person: YoungPerson,
    owning_agency_ids: list[int],
    entries: int,
    purpose: str,
    purpose_label: str,
    detail: str,
) -> None:
    """Record the export of a chronology as the disclosure it is.

    One ``export`` audit event with the purpose (shown in "who has seen this" for every record
    of the young person), and a notification to the information governance officers of every
    agency whose records leave (to the agency itself when it has none), so the owners know.
    The caller has checked, through the gate, that this user may export and what they see.
    """
    if not detail.strip():
        raise ValidationError({"detail": "Enter the details of why you are exporting this"})
    owners = sorted({pk for pk in owning_agency_ids if pk is not None})
    who = f"{actor.get_full_name() or actor.username} ({actor.agency})"
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=young_person.pk,
            purpose=f"{purpose_label}: {detail.strip()}",
            details={
                "entries": entries,
                "format": "csv",
                "purpose": purpose,
                "agencies_told": owners,
            },
        )
        officers = User.objects.filter(
            agency_id__in=owners,
            role__in=roles_with(Capability.OVERSEE_AGENCY_INFORMATION),
            is_active=True,
        ).exclude(pk=actor.pk)
        by_agency: dict[int, list[User]] = {}
        for officer in officers:
            by_agency.setdefault(officer.agency_id, []).append(officer)  # type: ignore[arg-type]
        for agency_id in owners:
            if agency_id == actor.agency_id and may(
                actor, Capability.OVERSEE_AGENCY_INFORMATION, agency=agency_id
            ):
                continue  # an IG officer exporting their own agency's records knows already
            message = (
                f"{who} exported a young person's chronology that includes your agency's "
                f"records, for {purpose_label.lower()}: {detail.strip()}"
            )
            if agency_id in by_agency:
                notify(
                    kind=CHRONOLOGY_EXPORTED,
                    message=message,
                    users=by_agency[agency_id],
                    object_type="young_person",
                    object_id=young_person.pk,
                )
            else:
                notify(
                    kind=CHRONOLOGY_EXPORTED,
                    message=message,
                    agency=Agency.objects.get(pk=agency_id),
                    object_type="young_person",
                    object_id=young_person.pk,
                )
