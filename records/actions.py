"""Every write to agency records: record, edit (with version check), link and dispose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from governance import audit, policy
from governance.models import AuditAction, AuditObject, Level
from governance.permissions import Capability, may, roles_with
from governance.retention import review_due, schedule
from notifications.api import notify
from notifications.models import NotificationKind
from partnership.models import Agency, Service, User
from people import identifiers
from people.models import YoungPerson
from records.catalogue import category_for
from records.models import (
    AgencyRecord,
    Classification,
    ConcernCategory,
    LinkKind,
    Nature,
    PersonCategory,
    RecordLink,
    RecordType,
    RecordVersion,
)
from records.signals import record_withdrawing, records_changed

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


def normalise_link_value(kind: LinkKind | str, value: str, *, field: str = "links") -> str:
    """A link's value as records store it: phones in E.164, vehicle marks and postcodes in
    their standard form, anything else trimmed. Raises ValidationError on ``field``."""
    kind = LinkKind(kind)
    value = value.strip()
    try:
        if kind == LinkKind.PHONE:
            value = identifiers.normalise_uk_phone(value)
        elif kind == LinkKind.VEHICLE:
            value = identifiers.normalise_vrm(value)
        elif kind == LinkKind.PLACE and _looks_like_postcode(value):
            value = identifiers.normalise_postcode(value)
    except identifiers.IdentifierError as error:
        raise ValidationError({field: str(error)}) from error
    if not value:
        raise ValidationError({field: f"Enter the {kind.label.lower()}."})
    return value[:200]


def _normalise_link(link: LinkInput) -> RecordLink:
    kind = LinkKind(link.kind)
    value = normalise_link_value(kind, link.value)
    return RecordLink(kind=kind, value=value, label=link.label[:200])


def _looks_like_postcode(value: str) -> bool:
    try:
        identifiers.normalise_postcode(value)
    except identifiers.IdentifierError:
        return False
    return True


@dataclass(frozen=True)
class RecordInput:
    """One agency record to write: what ``do_record`` takes, as a value, for the bulk action.

    ``agency`` and ``service`` are used only when the system records (``actor=None``); a person
    always records for their own agency and service.
    """

    young_person: YoungPerson
    record_type: RecordType
    occurred_at: datetime
    title: str
    nature: Nature | str
    details: str = ""
    person_category: PersonCategory | str = PersonCategory.VICTIM
    classification: Classification | str = Classification.STANDARD
    ended_at: datetime | None = None
    location: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    links: tuple[LinkInput, ...] = ()
    agency: Agency | None = None
    service: Service | None = None
    intelligence: bool = False
    recorded_at: datetime | None = None
    is_synthetic: bool = False


def _invalid(field_name: str, message: str, number: int | None) -> ValidationError:
    prefix = f"Record {number}: " if number is not None else ""
    return ValidationError({field_name: prefix + message})


def _build(
    item: RecordInput,
    *,
    actor: User | None,
    now: datetime,
    rules: dict[str, tuple[int | None, int | None]],
    number: int | None,
) -> tuple[AgencyRecord, list[RecordLink]]:
    """The one builder of an agency record (unsaved) and its links, validated.

    ``do_record`` and ``do_record_many`` both build through here, so the category, the review
    date and the checks are the same however a record arrives (a form, an import, the demo).
    """
    agency, service = (
        (actor.agency, actor.service) if actor is not None else (item.agency, item.service)
    )
    if agency is None:
        raise ValueError("A record must belong to an agency.")
    title = item.title.strip()
    if not title:
        raise _invalid("title", "Enter a short description.", number)
    if item.ended_at is not None and item.ended_at < item.occurred_at:
        raise _invalid("ended_at", "The end must be after the start.", number)
    recorded_at = item.recorded_at or now
    if item.occurred_at > recorded_at + _TOLERANCE:
        raise _invalid("occurred_at", "When it happened cannot be in the future.", number)
    category = category_for(
        agency, service, record_type=item.record_type.code, intelligence=item.intelligence
    )
    try:
        links = [_normalise_link(link) for link in item.links]
    except ValidationError as error:
        if number is None:
            raise
        raise _invalid("links", " ".join(error.messages), number) from None
    record = AgencyRecord(
        young_person=item.young_person,
        record_type=item.record_type,
        category=category,
        owning_agency=agency,
        owning_service=service,
        author=actor,
        occurred_at=item.occurred_at,
        ended_at=item.ended_at,
        recorded_at=recorded_at,
        updated_at=recorded_at,
        location=item.location,
        title=title[:200],
        details=item.details,
        facts=dict(item.facts),
        nature=Nature(item.nature),
        person_category=PersonCategory(item.person_category),
        classification=Classification(item.classification),
        review_due=review_due(category, item.young_person.date_of_birth, recorded_at, rules),
        is_synthetic=item.is_synthetic,
    )
    return record, links


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
    item = RecordInput(
        young_person=young_person,
        record_type=record_type,
        occurred_at=occurred_at,
        title=title,
        nature=nature,
        details=details,
        person_category=person_category,
        classification=classification,
        ended_at=ended_at,
        location=location,
        facts=facts or {},
        links=tuple(links or ()),
        agency=agency,
        service=service,
        intelligence=intelligence,
        recorded_at=recorded_at,
        is_synthetic=is_synthetic,
    )
    return do_record_many(actor=actor, records=[item])[0]


def do_record_many(
    *, actor: User | None, records: Sequence[RecordInput], batch_size: int = 1000
) -> list[AgencyRecord]:
    """Record many agency records at once: imports and the demo's larger towns.

    The same rules as :func:`do_record`, through the same builder: a person needs a role that
    records (``policy.can_record_for``) and records for their own agency and service;
    ``actor=None`` is the system, for the import job (whose linker's permission
    ``imports.actions`` checks first, because an imported record belongs to the importing
    agency, not to whoever links the row) and the demo loader, and then each record names its
    agency. Every record is validated before anything is written, so a bad one (named
    "Record n") leaves the database as it was. Records and links are written with
    ``bulk_create`` in batches of ``batch_size``, in one transaction.

    Audit: one ``create`` event per record, exactly as ``do_record`` writes it (object
    ``agency_record`` and its id, the young person and the type), appended in bulk
    (``audit.append_many``). Not one summary event per batch: the audit log is searched by
    object (the subject access export and a record's history find its creation by its id), so a
    record created in bulk must be as findable as one created by hand.
    """
    if not records:
        return []
    if actor is not None and not policy.can_record_for(actor):
        raise PermissionDenied("Your role cannot add records.")
    now = timezone.now()
    rules = schedule()
    many = len(records) > 1
    built = [
        _build(item, actor=actor, now=now, rules=rules, number=number if many else None)
        for number, item in enumerate(records, start=1)
    ]
    with transaction.atomic():
        made = AgencyRecord.objects.bulk_create(
            [record for record, _ in built], batch_size=batch_size
        )
        if any(record.pk is None for record in made):
            raise RuntimeError("The database did not return the new records' ids.")
        link_rows: list[RecordLink] = []
        for record, links in built:
            for link in links:
                link.record = record
                link_rows.append(link)
        RecordLink.objects.bulk_create(link_rows, batch_size=batch_size)
        audit.append_many(
            (
                {
                    "action": AuditAction.CREATE,
                    "object_type": AuditObject.AGENCY_RECORD,
                    "object_id": str(record.pk),
                    "details": {
                        "young_person": record.young_person_id,
                        "type": record.record_type.code,
                    },
                }
                for record in made
            ),
            actor=actor,
        )
    records_changed.send(sender=AgencyRecord, record_ids=[record.pk for record in made])
    return made


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
    records_changed.send(sender=AgencyRecord, record_ids=[current.pk])
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
    records_changed.send(sender=AgencyRecord, record_ids=[record.pk])
    return row


def do_withdraw_record(*, actor: User | None, record: AgencyRecord, reason: str) -> None:
    """Delete a record that should never have been added: one made from an imported row whose
    link to the young person was undone, so it was never about them.

    Only the system withdraws (``actor=None``): ``imports.actions.do_undo_link``, which checks
    that the reviewer may undo the link (the record belongs to the importing agency, not to the
    reviewer) and keeps the reason and the reviewer in its own audit event. No person withdraws
    a record; the owning agency's IG officer disposes of one (:func:`do_dispose_record`).

    Audit: a ``dispose`` event for the record, with the reason, so the record's history ends
    with why it went. Raises ``ValidationError`` when something else refers to the record.
    """
    if actor is not None:
        raise PermissionDenied("A record is withdrawn only when the link that added it is undone.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the record is withdrawn."})
    with transaction.atomic():
        record_id, young_person_id = record.pk, record.young_person_id
        type_code = record.record_type.code
        record_withdrawing.send(sender=AgencyRecord, record_id=record_id)
        try:
            with transaction.atomic():
                record.delete()
        except ProtectedError:
            raise ValidationError(
                "Another part of Tessera refers to this agency record, so it cannot be "
                "withdrawn. Ask an administrator."
            ) from None
        audit.record(
            AuditAction.DISPOSE,
            actor=None,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=record_id,
            purpose=reason.strip(),
            details={"young_person": young_person_id, "type": type_code, "withdrawn": True},
        )


def do_amend_from_agency(
    *, actor: User | None, record: AgencyRecord, changes: dict[str, Any], source: dict[str, Any]
) -> AgencyRecord:
    """The owning agency's later file says more about a record it sent before (a school roll
    giving the day a pupil left an enrolment already recorded): change the record in place, and
    keep the version before the change as :func:`do_edit_record` does.

    Only the system amends (``actor=None``): ``imports.actions`` checks who may import and link
    the row that carries the change, and what is recorded belongs to the agency that sent it.
    ``source`` says where the change came from (``{"batch": …, "row": …}``) and goes in the
    audit event (ids only). Returns the record, unchanged when nothing differs (idempotent).
    """
    if actor is not None:
        raise PermissionDenied("A record is amended from a file only by the import.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be amended: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = AgencyRecord.objects.select_for_update().get(pk=record.pk)
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        now = timezone.now()
        RecordVersion.objects.create(
            record=current,
            version=current.version,
            snapshot=_snapshot(current),
            changed_by=None,
            changed_at=now,
        )
        for name in changed:
            setattr(current, name, changes[name])
        current.version += 1
        current.updated_at = now
        current.save(update_fields=[*changed, "version", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            object_type=AuditObject.AGENCY_RECORD,
            object_id=current.pk,
            details={
                "fields": sorted(changed),
                "version": current.version,
                "agency": current.owning_agency_id,
                "from_file": {key: source[key] for key in ("batch", "row") if key in source},
            },
        )
    return current


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
                    kind=NotificationKind.CHRONOLOGY_EXPORTED,
                    message=message,
                    users=by_agency[agency_id],
                    object_type="young_person",
                    object_id=young_person.pk,
                )
            else:
                notify(
                    kind=NotificationKind.CHRONOLOGY_EXPORTED,
                    message=message,
                    agency=Agency.objects.get(pk=agency_id),
                    object_type="young_person",
                    object_id=young_person.pk,
                )


# --- Concern categories (held as data; the concerns feed accepts the active ones) -----------


def may_edit_concern_categories(user: object) -> bool:
    return may(user, Capability.EDIT_CONCERN_CATEGORIES)


def _require_category_editor(actor: User) -> None:
    if not may_edit_concern_categories(actor):
        raise PermissionDenied("Your role cannot change the concern categories.")


def _category_name(name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the category's name."})
    clash = ConcernCategory.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": f"A concern category is already called '{name}'."})
    return name


def do_add_concern_category(
    *, actor: User, code: str, name: str, description: str = ""
) -> ConcernCategory:
    """Add a category the concerns feed will accept from the next file. The code is what files
    give in the ``category`` column (the name is accepted too) and never changes."""
    _require_category_editor(actor)
    code = code.strip().lower().replace(" ", "_").replace("-", "_")
    if not code or not all(c.isascii() and (c.isalnum() or c == "_") for c in code):
        raise ValidationError(
            {"code": "Enter a code of lower-case letters, digits and underscores."}
        )
    with transaction.atomic():
        if ConcernCategory.objects.filter(code=code).exists():
            raise ValidationError({"code": f"A concern category already has the code '{code}'."})
        category = ConcernCategory.objects.create(
            code=code,
            name=_category_name(name),
            description=description.strip(),
            is_active=True,
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.CONCERN_CATEGORY,
            object_id=category.pk,
            details={"code": code, "added": True},
        )
    return category


def do_change_concern_category(
    *, actor: User, category: ConcernCategory, name: str, description: str
) -> ConcernCategory:
    """Rename or describe a category. Its code stays, so records and files that used it keep
    meaning the same thing; records keep the name they were filed under in their facts."""
    _require_category_editor(actor)
    with transaction.atomic():
        current = ConcernCategory.objects.select_for_update().get(pk=category.pk)
        new_name = _category_name(name, exclude=current.pk)
        changed = {
            field: value
            for field, value in (("name", new_name), ("description", description.strip()))
            if getattr(current, field) != value
        }
        if not changed:
            return current
        before = {field: getattr(current, field) for field in changed}
        for field, value in changed.items():
            setattr(current, field, value)
        current.save(update_fields=list(changed))
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.CONCERN_CATEGORY,
            object_id=current.pk,
            details={"code": current.code, "fields": sorted(changed), "before": before},
        )
    return current


def do_set_concern_category_active(
    *, actor: User, category: ConcernCategory, active: bool
) -> ConcernCategory:
    """Retire a category (the concerns feed refuses it from the next file; records filed under
    it keep it) or bring a retired one back."""
    _require_category_editor(actor)
    with transaction.atomic():
        current = ConcernCategory.objects.select_for_update().get(pk=category.pk)
        if current.is_active == active:
            return current
        if (
            not active
            and not ConcernCategory.objects.filter(is_active=True).exclude(pk=current.pk).exists()
        ):
            raise ValidationError("Keep at least one concern category in use.")
        current.is_active = active
        current.save(update_fields=["is_active"])
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.CONCERN_CATEGORY,
            object_id=current.pk,
            details={"code": current.code, "retired" if not active else "reinstated": True},
        )
    return current
