"""Every write of the imports app: starting an import, and linking an imported row to a person.

Who may import: a practitioner, analyst or MASH screener of an agency of the kind that owns the
feed (education for school attendance, police for missing episodes, health for attendances,
children's social care for care status), for their own agency only. ``actor=None`` is the
system (an operator running ``manage.py import`` without ``--user``, or the matching job).

Linking a row (:func:`do_attach_row`) adds, in one transaction, the young person's identity as
this agency recorded it (once: an identical identity is not added twice) and the agency record
the row describes, and marks the row linked with the way it was linked. The record is owned by
the importing agency, so the access gate treats it like any record that agency keeps.

Audit details carry counts, ids and agency names only: never a name, date of birth or
identifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import audit
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from governance.retention import review_due
from imports.feeds import FEED_AGENCY_KIND, record_facts
from imports.models import (
    BatchStatus,
    Feed,
    ImportBatch,
    ImportedRow,
    LinkedHow,
    MatchStatus,
    Phase,
)
from partnership.models import Agency, Service, User
from people.actions import do_register_young_person
from people.models import Gender, RecordedIdentity, YoungPerson
from records.catalogue import category_for
from records.models import AgencyRecord, Nature, PersonCategory, RecordCategory, RecordType

_HASH_CHUNK = 1024 * 1024


def feeds_for(user: User) -> list[str]:
    """The feeds ``user`` may import for their own agency (empty for everyone else)."""
    if not may(user, Capability.IMPORT_FEED) or user.agency is None or not user.agency.is_active:
        return []
    return [feed for feed, kind in FEED_AGENCY_KIND.items() if kind == user.agency.kind]


def may_import(user: User, feed: str, agency: Agency) -> bool:
    return agency.pk == user.agency_id and feed in feeds_for(user)


def file_sha256(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in 1 MB pieces (bounded memory)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while piece := handle.read(_HASH_CHUNK):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class Started:
    batch: ImportBatch
    already_imported: bool = False
    resumed: bool = False


def do_start_import(
    *,
    actor: User | None,
    agency: Agency,
    feed: str,
    path: Path,
    file_name: str,
    sha256: str | None = None,
    size: int | None = None,
) -> Started:
    """Create (or find) the batch for one file. The caller queues or runs the job.

    The same file (same bytes) for the same agency and feed is found, not added again: when that
    import is done nothing more happens (``already_imported``); when it failed or was stopped it
    is resumed from its last committed row (``resumed``).
    """
    feed = Feed(feed).value
    if actor is not None and not may_import(actor, feed, agency):
        raise PermissionDenied("You cannot import this feed for this agency.")
    if actor is None and FEED_AGENCY_KIND[feed] != agency.kind:
        raise ValidationError(
            {"agency": f"{agency.name} is not the kind of agency that sends this feed."}
        )
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError({"file": "The file must be a CSV (.csv) or Excel (.xlsx) file."})
    if sha256 is None or size is None:
        sha256, size = file_sha256(path)
    details = {"feed": feed, "agency": agency.short_name, "bytes": size}
    with transaction.atomic():
        existing = (
            ImportBatch.objects.select_for_update()
            .filter(agency=agency, feed=feed, sha256=sha256)
            .first()
        )
        if existing is not None:
            in_progress = existing.is_active and not existing.is_stalled(timezone.now())
            if existing.status == BatchStatus.DONE or in_progress:
                audit.record(
                    AuditAction.CREATE,
                    actor=actor,
                    object_type=AuditObject.IMPORT_BATCH,
                    object_id=existing.pk,
                    details={**details, "already_imported": True},
                )
                return Started(existing, already_imported=True)
            existing.status = BatchStatus.QUEUED
            existing.stored_path = str(path)
            existing.error = ""
            existing.heartbeat_at = timezone.now()
            existing.save(update_fields=["status", "stored_path", "error", "heartbeat_at"])
            audit.record(
                AuditAction.UPDATE,
                actor=actor,
                object_type=AuditObject.IMPORT_BATCH,
                object_id=existing.pk,
                details={**details, "resumed_after_row": existing.checkpoint_row},
            )
            return Started(existing, resumed=True)
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    feed=feed,
                    agency=agency,
                    user=actor,
                    file_name=Path(file_name).name[:255],
                    stored_path=str(path),
                    file_format=suffix.lstrip("."),
                    sha256=sha256,
                    size=size,
                )
        except IntegrityError:
            # The same file arrived twice at once: the other one won.
            other = ImportBatch.objects.get(agency=agency, feed=feed, sha256=sha256)
            return Started(other, already_imported=True)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.IMPORT_BATCH,
            object_id=batch.pk,
            details=details,
        )
    return Started(batch)


# --------------------------------------------------------------------------------------------
# Linking rows to young people
# --------------------------------------------------------------------------------------------


def _require_linker(actor: User | None, rows: Iterable[ImportedRow]) -> None:
    if actor is None:
        return
    if not may(actor, Capability.LINK_IMPORTED_ROWS):
        raise PermissionDenied("Your role cannot link imported rows.")
    # The partnership's matchers link any agency's rows; others only their own agency's.
    if any(not may(actor, Capability.LINK_IMPORTED_ROWS, agency=row.agency_id) for row in rows):
        raise PermissionDenied("You can only link rows your own agency imported.")


_IDENTITY_KEY_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "source_reference",
)


def _identity_key(young_person_id: int, agency_id: int, values: Any) -> tuple[Any, ...]:
    return (young_person_id, agency_id, *(getattr(values, name) for name in _IDENTITY_KEY_FIELDS))


def _services(agency: Agency) -> dict[str, Service]:
    found: dict[str, Service] = {}
    for service in Service.objects.filter(agency=agency).order_by("pk"):
        found.setdefault(service.kind, service)
    return found


def _record_types() -> dict[str, RecordType]:
    return {record_type.code: record_type for record_type in RecordType.objects.all()}


@dataclass
class _Link:
    row: ImportedRow
    young_person: YoungPerson
    how: str


def attach_rows(
    *,
    actor: User | None,
    links: Sequence[tuple[ImportedRow, YoungPerson, str]],
    audit_details: dict[str, Any] | None = None,
) -> list[AgencyRecord | None]:
    """Link many rows of ONE batch in one transaction; the bulk form of :func:`do_attach_row`.

    Used by the import job for rows linked by UPN or NHS number, and by the matching app for
    rows it links automatically. Writes one audit event with counts. Returns each row's record
    (None for a row that adds no record, such as a present attendance mark).
    """
    if not links:
        return []
    items = [_Link(row, person, LinkedHow(how).value) for row, person, how in links]
    batch_ids = {item.row.batch_id for item in items}
    if len(batch_ids) != 1:
        raise ValueError("attach_rows links the rows of one batch at a time.")
    if any(item.how == LinkedHow.NONE for item in items):
        raise ValidationError({"how": "Say how the row was linked."})
    _require_linker(actor, [item.row for item in items])
    batch = ImportBatch.objects.select_related("agency").get(pk=batch_ids.pop())
    agency = batch.agency
    services = _services(agency)
    types = _record_types()
    now = timezone.now()
    with transaction.atomic():
        fresh = {
            row.pk: row
            for row in ImportedRow.objects.select_for_update().filter(
                pk__in=[item.row.pk for item in items]
            )
        }
        for item in items:
            current = fresh.get(item.row.pk)
            if current is None or current.match_status in (
                MatchStatus.LINKED,
                MatchStatus.NEW_PERSON,
            ):
                raise ValidationError(
                    {"row": f"Row {item.row.row_number} is already linked to a young person."}
                )
            item.row = current

        # The identity as this agency recorded it, once per distinct identity.
        person_ids = {item.young_person.pk for item in items}
        known = {
            _identity_key(identity.young_person_id, identity.agency_id, identity)
            for identity in RecordedIdentity.objects.filter(
                young_person_id__in=person_ids, agency=agency
            )
        }
        new_identities: list[RecordedIdentity] = []
        for item in items:
            identity = RecordedIdentity(
                young_person=item.young_person,
                agency=agency,
                given_name=item.row.given_name,
                family_name=item.row.family_name,
                other_names=item.row.other_names,
                date_of_birth=item.row.date_of_birth,
                gender=item.row.gender or Gender.NOT_KNOWN,
                postcode=item.row.postcode,
                upn=item.row.upn,
                nhs_number=item.row.nhs_number,
                source_reference=item.row.source_reference,
                recorded_at=now,
            )
            key = _identity_key(item.young_person.pk, agency.pk, identity)
            if key not in known:
                known.add(key)
                new_identities.append(identity)
        RecordedIdentity.objects.bulk_create(new_identities)

        # The agency record each row describes.
        made: list[AgencyRecord | None] = []
        to_create: list[AgencyRecord] = []
        for item in items:
            facts = record_facts(item.row.feed, item.row.payload)
            if facts is None:
                made.append(None)
                continue
            service = services.get(facts.service_kind) if facts.service_kind else None
            category = category_for(agency, service)
            if facts.record_type == "sexual-health-attendance":
                # Held as sexual health even when the agency has no sexual health service listed.
                category = RecordCategory.SEXUAL_HEALTH.value
            record = AgencyRecord(
                young_person=item.young_person,
                record_type=types[facts.record_type],
                category=category,
                owning_agency=agency,
                owning_service=service,
                author=None,
                occurred_at=facts.occurred_at,
                ended_at=facts.ended_at,
                recorded_at=now,
                updated_at=now,
                location=facts.location,
                title=facts.title[:200],
                details="",
                facts={
                    **facts.facts,
                    "imported_from": {
                        "batch": batch.pk,
                        "file": batch.file_name,
                        "row": item.row.row_number,
                    },
                },
                nature=Nature.FACT,
                person_category=PersonCategory.VICTIM,
                review_due=review_due(category, item.young_person.date_of_birth, now),
                is_synthetic=agency.is_synthetic,
            )
            made.append(record)
            to_create.append(record)
        AgencyRecord.objects.bulk_create(to_create)
        if any(record.pk is None for record in to_create):
            raise RuntimeError("The database did not return the new records' ids.")

        for item, produced in zip(items, made, strict=True):
            row = item.row
            row.young_person = item.young_person
            row.record = produced
            row.linked_how = item.how
            row.linked_at = now
            row.match_status = (
                MatchStatus.NEW_PERSON if item.how == LinkedHow.NEW_PERSON else MatchStatus.LINKED
            )
        ImportedRow.objects.bulk_update(
            [item.row for item in items],
            ["young_person", "record", "linked_how", "linked_at", "match_status"],
            batch_size=500,
        )
        by_how: dict[str, int] = {}
        for item in items:
            by_how[item.how] = by_how.get(item.how, 0) + 1
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.IMPORT_BATCH,
            object_id=batch.pk,
            details={
                "linked_rows": len(items),
                "linked_by": by_how,
                "records_added": len(to_create),
                "identities_added": len(new_identities),
                "agency": agency.short_name,
                **(audit_details or {}),
            },
        )
    return made


def do_attach_row(
    *, actor: User | None, row: ImportedRow, young_person: YoungPerson, how: str
) -> AgencyRecord | None:
    """Link one imported row to ``young_person``: the identity as recorded, the agency record
    of the right type with the row's facts, and the row marked linked ``how``.

    Returns the record, or None when the row adds none (an attendance mark that is present, an
    approved activity or an authorised absence is linked and kept as evidence only). Raises
    ``ValidationError`` if the row is already linked, ``PermissionDenied`` if the actor may not
    link it.
    """
    return attach_rows(
        actor=actor, links=[(row, young_person, how)], audit_details={"row": row.row_number}
    )[0]


def do_create_person_for_row(*, actor: User | None, row: ImportedRow) -> YoungPerson:
    """Register a new young person from an imported row and link the row to them.

    For rows the matching found no one for. The new person's canonical record starts as the
    row's identity; the row is marked ``new_person`` and its record added as in
    :func:`do_attach_row`.
    """
    _require_linker(actor, [row])
    if row.date_of_birth is None:
        raise ValidationError(
            {
                "date_of_birth": f"Row {row.row_number} has no date of birth: a young person "
                "cannot be registered without one."
            }
        )
    if row.match_status in (MatchStatus.LINKED, MatchStatus.NEW_PERSON):
        raise ValidationError({"row": f"Row {row.row_number} is already linked to a young person."})
    with transaction.atomic():
        young_person = do_register_young_person(
            # The importing agency registers what it recorded; the linker's permission was
            # checked above, so the registration runs as the system.
            actor=None,
            agency=row.agency,
            given_name=row.given_name,
            family_name=row.family_name,
            date_of_birth=row.date_of_birth,
            gender=row.gender or Gender.NOT_KNOWN,
            postcode=row.postcode,
            upn=row.upn,
            nhs_number=row.nhs_number,
            other_names=row.other_names,
            source_reference=row.source_reference,
            is_synthetic=row.agency.is_synthetic,
        )
        attach_rows(
            actor=actor,
            links=[(row, young_person, LinkedHow.NEW_PERSON)],
            audit_details={"row": row.row_number, "young_person_created": young_person.pk},
        )
    return young_person


def mark_batch(batch: ImportBatch, **changes: Any) -> None:
    """Save some of a batch's progress fields (own small transaction, visible to pollers)."""
    changes["heartbeat_at"] = timezone.now()
    for name, value in changes.items():
        setattr(batch, name, value)
    batch.save(update_fields=list(changes))


__all__ = [
    "Phase",
    "Started",
    "attach_rows",
    "do_attach_row",
    "do_create_person_for_row",
    "do_start_import",
    "feeds_for",
    "file_sha256",
    "may_import",
]
