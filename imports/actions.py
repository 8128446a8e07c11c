"""Every write of the imports app: starting an import, and linking an imported row to a person.

Who may import: a practitioner, analyst or MASH screener of an agency of the kind that owns the
feed (education for school attendance and the school roll, police for missing episodes, health
for attendances, children's social care for care status, any member agency for concerns), for
their own agency only. ``actor=None`` is the
system (an operator running ``manage.py import`` without ``--user``, or the matching job).

Matching decides and imports acts: :func:`do_link_pending_rows` hands a batch's pending rows to
``matching.linking.plan_rows`` and carries out the plan; :func:`do_decide_review` and
:func:`do_undo_link` let ``matching.actions`` keep a reviewer's decision and then write the rows'
state here. Matching never writes an imported row, so the flow runs one way.

Linking a row (:func:`do_attach_row`) adds, in one transaction, the young person's identity as
this agency recorded it (once: an identical identity is not added twice) and the agency record
the row describes, and marks the row linked with the way it was linked. The record is owned by
the importing agency, so the access gate treats it like any record that agency keeps. The
identity and the record are written by their own apps' bulk actions
(``people.actions.do_record_identities`` and ``records.actions.do_record_many``, each with its
audit events), as the system: this module checks who may link, and what is recorded belongs to
the agency that sent the file, not to the linker.

Rows the matching found no one for register their young people in bulk
(:func:`create_people_for_rows`, through ``people.actions.do_register_many``: one audit event per
young person, as a single registration writes), a thousand at a time, each thousand in one
transaction with the linking of its rows.

Audit details carry counts, ids and agency names only: never a name, date of birth or
identifier.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from governance import audit
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, Reach, may, reach
from imports.feeds import FEED_AGENCY_KINDS, record_facts
from imports.models import (
    BatchStatus,
    Feed,
    ImportBatch,
    ImportedRow,
    LinkedHow,
    MatchStatus,
    Phase,
)
from matching import actions as matching
from matching import linking
from matching.models import ReviewItem, UndoLink
from partnership.models import Agency, Service, User
from people.actions import (
    IdentityRow,
    YoungPersonRow,
    do_record_identities,
    do_register_many,
    do_register_young_person,
    do_withdraw_identities,
)
from people.models import Gender, RecordedIdentity, YoungPerson
from records.actions import (
    RecordInput,
    do_amend_from_agency,
    do_record_many,
    do_withdraw_record,
)
from records.models import AgencyRecord, Nature, PersonCategory, RecordType

_HASH_CHUNK = 1024 * 1024

log = logging.getLogger(__name__)


def feeds_for(user: User) -> list[str]:
    """The feeds ``user`` may import for their own agency (empty for everyone else)."""
    if not may(user, Capability.IMPORT_FEED) or user.agency is None or not user.agency.is_active:
        return []
    return [feed for feed, kinds in FEED_AGENCY_KINDS.items() if user.agency.kind in kinds]


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
    if actor is None and agency.kind not in FEED_AGENCY_KINDS[feed]:
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


def _identity_of(row: ImportedRow, agency: Agency, now: datetime) -> IdentityRow:
    """The identity exactly as the importing agency's file gave it."""
    return IdentityRow(
        agency=agency,
        given_name=row.given_name,
        family_name=row.family_name,
        other_names=row.other_names,
        date_of_birth=row.date_of_birth,
        gender=row.gender or Gender.NOT_KNOWN,
        postcode=row.postcode,
        upn=row.upn,
        nhs_number=row.nhs_number,
        source_reference=row.source_reference,
        recorded_at=now,
    )


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

        # The identity as this agency recorded it (once per distinct identity) and the agency
        # record each row describes, through the people and records apps' bulk actions. They
        # run as the system: the linker's permission was checked above, and what is recorded
        # belongs to the importing agency, not to whoever links the row.
        identities = do_record_identities(
            actor=None,
            identities=[(item.young_person, _identity_of(item.row, agency, now)) for item in items],
        )
        to_record: list[RecordInput] = []
        adds_record: list[bool] = []
        amended: dict[int, AgencyRecord] = {}
        earlier = _enrolments_held(items, agency)
        for item in items:
            facts = record_facts(item.row.feed, item.row.payload)
            adds_record.append(facts is not None)
            if facts is None:
                continue
            imported_from = {
                "batch": batch.pk,
                "file": batch.file_name,
                "row": item.row.row_number,
            }
            enrolment = earlier.get(_enrolment_key(item.young_person.pk, item.row.payload))
            if enrolment is not None:
                # The same enrolment (same pupil, school and day on roll from) sent again with
                # more to say, the day they left: the record is amended, not added twice.
                adds_record[-1] = False
                amended[item.row.pk] = do_amend_from_agency(
                    actor=None,
                    record=enrolment,
                    changes={
                        "ended_at": facts.ended_at,
                        "facts": {**facts.facts, "imported_from": imported_from},
                    },
                    source=imported_from,
                )
                continue
            to_record.append(
                RecordInput(
                    young_person=item.young_person,
                    record_type=types[facts.record_type],
                    agency=agency,
                    service=services.get(facts.service_kind) if facts.service_kind else None,
                    occurred_at=facts.occurred_at,
                    ended_at=facts.ended_at,
                    # When the agency recorded it, if the file said; else when it reached us.
                    recorded_at=facts.recorded_at or now,
                    location=facts.location,
                    title=facts.title,
                    details=facts.details,
                    facts={**facts.facts, "imported_from": imported_from},
                    nature=Nature(facts.nature),
                    person_category=PersonCategory.VICTIM,
                    is_synthetic=agency.is_synthetic,
                )
            )
        recorded = iter(do_record_many(actor=None, records=to_record))
        made = [
            next(recorded) if adds else amended.get(item.row.pk)
            for item, adds in zip(items, adds_record, strict=True)
        ]

        for item, produced in zip(items, made, strict=True):
            row = item.row
            row.young_person = item.young_person
            row.record = produced
            row.linked_how = item.how
            row.linked_at = now
            row.match_status = (
                MatchStatus.NEW_PERSON if item.how == LinkedHow.NEW_PERSON else MatchStatus.LINKED
            )
        _save_links([item.row for item in items], linked_at=now)
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
                "records_added": len(to_record),
                **({"records_amended": len(amended)} if amended else {}),
                "identities_added": len(identities),
                "agency": agency.short_name,
                **(audit_details or {}),
            },
        )
    return made


def _enrolment_key(young_person_id: int, payload: dict[str, Any]) -> tuple[int, str, str]:
    return (young_person_id, str(payload.get("school") or ""), str(payload.get("on_roll_from")))


def _enrolments_held(
    items: Sequence[_Link], agency: Agency
) -> dict[tuple[int, str, str], AgencyRecord]:
    """The enrolment records this agency already holds for the school roll rows being linked,
    by (young person, school, on roll from): one enrolment, however often a roll repeats it."""
    roll = [item for item in items if item.row.feed == Feed.SCHOOL_ROLL]
    if not roll:
        return {}
    held: dict[tuple[int, str, str], AgencyRecord] = {}
    records = AgencyRecord.objects.filter(
        owning_agency=agency,
        record_type__code="enrolment",
        young_person_id__in={item.young_person.pk for item in roll},
    ).order_by("pk")
    for record in records:
        key = _enrolment_key(record.young_person_id, record.facts)
        held.setdefault(key, record)
    return held


def _save_links(rows: Sequence[ImportedRow], *, linked_at: datetime) -> None:
    """Write the link fields of many rows in one statement (PostgreSQL) or one prepared
    statement run for each row (SQLite): ``bulk_update`` builds a CASE expression per row and
    field, which cost more than the rest of linking. Table and column names are the model's."""
    meta = ImportedRow._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(_column(name)) for name in _LINK_FIELDS}
    assignments = ", ".join(f"{column[name]} = %s" for name in _LINK_FIELDS)
    values = [
        (row.young_person_id, row.record_id, row.linked_how, linked_at, row.match_status, row.pk)
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *changes, ids = (list(part) for part in zip(*values, strict=True))
            # One statement for the whole chunk: the values arrive as arrays, side by side.
            listed = ", ".join(f"{column[name]} = v.{name}" for name in _LINK_FIELDS)
            cursor.execute(
                f"UPDATE {table} SET {listed} FROM unnest(%s::bigint[], %s::bigint[], "  # noqa: S608
                "%s::text[], %s::timestamptz[], %s::text[], %s::bigint[]) "
                f"AS v({', '.join(_LINK_FIELDS)}, id) WHERE {table}.{quote(meta.pk.column)} = v.id",
                [*changes, ids],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote(meta.pk.column)} = %s",  # noqa: S608
                values,
            )


_LINK_FIELDS = ("young_person", "record", "linked_how", "linked_at", "match_status")


def _column(name: str) -> str:
    field = ImportedRow._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"ImportedRow.{name} is not a column")
    return field.column


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
    born = _check_registrable(row)
    with transaction.atomic():
        young_person = do_register_young_person(
            # The importing agency registers what it recorded; the linker's permission was
            # checked above, so the registration runs as the system.
            actor=None,
            agency=row.agency,
            given_name=row.given_name,
            family_name=row.family_name,
            date_of_birth=born,
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


# --- Matching: the plan for a batch, a reviewer's decision, an undone link ------------------


@dataclass
class LinkingSummary:
    rows: int = 0
    linked: int = 0
    review: int = 0
    new_people: int = 0
    unmatched: int = 0  # no candidate and no date of birth: left pending


LINK_CHUNK = 500


def do_link_pending_rows(batch_id: int) -> LinkingSummary:
    """Link, review or create a young person for every pending row of one batch, as matching
    plans it (``matching.linking.plan_rows``). Runs in the import's background job, as the
    user who started the import; one audit event with the counts."""
    batch = ImportBatch.objects.select_related("agency", "user").get(pk=batch_id)
    actor = batch.user
    pending = list(
        ImportedRow.objects.filter(batch=batch, match_status=MatchStatus.PENDING).order_by(
            "row_number"
        )
    )
    summary = LinkingSummary(rows=len(pending))
    if not pending:
        return summary
    if batch.feed == Feed.SCHOOL_ROLL:
        leads, followers = _one_row_per_pupil(pending)
        plan = linking.plan_rows(feed=batch.feed, actor=actor, pending=leads)
        _keep_pupils_apart(plan, followers)
    else:
        plan = linking.plan_rows(feed=batch.feed, actor=actor, pending=pending)
    _carry_out(actor, plan, summary)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type=AuditObject.IMPORT_BATCH,
        object_id=batch.pk,
        details={
            "matched": summary.rows,
            "linked": summary.linked,
            "review": summary.review,
            "new_people": summary.new_people,
            "unmatched": summary.unmatched,
            "feed": batch.feed,
        },
    )
    log.info(
        "matching batch %s: %s rows, %s linked, %s to review, %s new",
        batch.pk,
        summary.rows,
        summary.linked,
        summary.review,
        summary.new_people,
    )
    _rematch_after(batch)
    return summary


# --- Rows waiting for lack of a date of birth: matched again when the register grows --------


def waiting_rows(*, feed: str | None = None) -> Any:
    """Rows waiting for lack of a date of birth: pending, with no date of birth, in an import
    that has finished (so its own matching is over). Matching found no one for them, or a
    reviewer rejected every candidate; no young person is registered without a date of birth."""
    rows = ImportedRow.objects.filter(
        match_status=MatchStatus.PENDING,
        date_of_birth__isnull=True,
        batch__status=BatchStatus.DONE,
    )
    return rows.filter(feed=feed) if feed else rows


def _rematch_after(batch: ImportBatch) -> None:
    """After a batch's own matching: if it brought anyone into the register (a young person
    registered, or an identity recorded by a link), match the rows of earlier imports that wait
    for lack of a date of birth again. Never stops the import: a failure is logged and the rows
    keep waiting (``manage.py match_waiting`` tries again)."""
    added = ImportedRow.objects.filter(
        batch=batch, match_status__in=(MatchStatus.LINKED, MatchStatus.NEW_PERSON)
    ).exists()
    if not added or not waiting_rows().exists():
        return
    try:
        do_rematch_waiting_rows(actor=None, after_batch=batch)
    except Exception:
        log.exception("matching waiting rows again after batch %s failed", batch.pk)


def may_rematch(user: User) -> bool:
    """Whether ``user`` may have every agency's waiting rows matched again (those who link any
    agency's rows: the partnership's matchers)."""
    return reach(user, Capability.LINK_IMPORTED_ROWS) == Reach.EVERYWHERE


def do_rematch_waiting_rows(
    *, actor: User | None, feed: str | None = None, after_batch: ImportBatch | None = None
) -> LinkingSummary:
    """Match every waiting row again (of one feed, or all), through matching's engine and plan,
    as :func:`do_link_pending_rows` matches a batch: linked when the match is strong, to the
    review queue when a candidate is plausible, otherwise still waiting (still no one is
    registered without a date of birth).

    Run by the import job after a later import that added to the register (``after_batch``,
    as the system: the rows are other agencies' and the importer links only their own), or on
    demand by an operator (``manage.py match_waiting``) or a reviewer who may link any agency's
    rows. One audit event per feed with the counts."""
    if actor is not None and not may(actor, Capability.LINK_IMPORTED_ROWS):
        raise PermissionDenied("Your role cannot link imported rows.")
    total = LinkingSummary()
    feeds = [feed] if feed else sorted(set(waiting_rows().values_list("feed", flat=True)))
    for one_feed in feeds:
        rows = list(waiting_rows(feed=one_feed).order_by("batch_id", "row_number"))
        if not rows:
            continue
        _require_linker(actor, rows)
        summary = LinkingSummary(rows=len(rows))
        plan = linking.plan_rows(feed=one_feed, actor=actor, pending=rows)
        _carry_out_across_batches(actor, plan, summary, after_batch)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.IMPORT_BATCH,
            object_id=after_batch.pk if after_batch is not None else "",
            details={
                "rematched_waiting": summary.rows,
                "feed": one_feed,
                "batches": sorted({row.batch_id for row in rows})[:100],
                "linked": summary.linked,
                "review": summary.review,
                "still_waiting": summary.unmatched,
                **({"after_batch": after_batch.pk} if after_batch is not None else {}),
            },
        )
        log.info(
            "waiting rows of %s matched again: %s rows, %s linked, %s to review, %s still wait",
            one_feed,
            summary.rows,
            summary.linked,
            summary.review,
            summary.unmatched,
        )
        for name in ("rows", "linked", "review", "unmatched"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
    return total


def _carry_out_across_batches(
    actor: User | None,
    plan: linking.Plan[ImportedRow],
    summary: LinkingSummary,
    after_batch: ImportBatch | None,
) -> None:
    """Carry out a plan over waiting rows of several imports: links one import at a time (as
    :func:`attach_rows` requires), reviews together; a row that stopped waiting meanwhile
    (a reviewer or another job got to it) is left alone."""
    rows = [row for row, _ in plan.links] + [row for row, _ in plan.reviews]
    still = set(
        ImportedRow.objects.filter(
            pk__in=[row.pk for row in rows], match_status=MatchStatus.PENDING
        ).values_list("pk", flat=True)
    )
    details = {"rematched_after_batch": after_batch.pk} if after_batch is not None else {}
    people = YoungPerson.objects.in_bulk({pk for _, pk in plan.links})
    by_batch: dict[int, list[tuple[ImportedRow, YoungPerson, str]]] = {}
    for row, pk in plan.links:
        if row.pk in still:
            by_batch.setdefault(row.batch_id, []).append(
                (row, people[pk], LinkedHow.PROBABILISTIC.value)
            )
    for links in by_batch.values():
        for start in range(0, len(links), LINK_CHUNK):
            attach_rows(actor=actor, links=links[start : start + LINK_CHUNK], audit_details=details)
        summary.linked += len(links)
    reviews = [(row, proposals) for row, proposals in plan.reviews if row.pk in still]
    if reviews:
        with transaction.atomic():
            matching.do_send_to_review_many(actor=actor, reviews=reviews)
            ImportedRow.objects.filter(
                pk__in=[row.pk for row, _ in reviews], match_status=MatchStatus.PENDING
            ).update(match_status=MatchStatus.IN_REVIEW)
        summary.review += len(reviews)
    # Every waiting row lacks a date of birth, so no group can register anyone: they wait.
    summary.unmatched += sum(len(group) for group in plan.new_people)


def _one_row_per_pupil(
    pending: list[ImportedRow],
) -> tuple[list[ImportedRow], dict[int, list[ImportedRow]]]:
    """A school roll's rows, one per pupil: the first row of each valid UPN leads, and the
    pupil's other enrolments (same UPN) follow wherever it goes."""
    leads: list[ImportedRow] = []
    lead_of: dict[str, ImportedRow] = {}
    followers: dict[int, list[ImportedRow]] = {}
    for row in pending:
        lead = lead_of.get(row.upn) if row.upn else None
        if lead is None:
            leads.append(row)
            if row.upn:
                lead_of[row.upn] = row
            continue
        followers.setdefault(lead.pk, []).append(row)
    return leads, followers


def _upns_held(people: set[int]) -> dict[int, set[str]]:
    held: dict[int, set[str]] = {pk: set() for pk in people}
    for pk, upn in (
        YoungPerson.objects.filter(pk__in=people).exclude(upn="").values_list("pk", "upn")
    ):
        held[pk].add(upn)
    for pk, upn in (
        RecordedIdentity.objects.filter(young_person_id__in=people)
        .exclude(upn="")
        .values_list("young_person_id", "upn")
    ):
        held[pk].add(upn)
    return held


def _keep_pupils_apart(
    plan: linking.Plan[ImportedRow], followers: dict[int, list[ImportedRow]]
) -> None:
    """The school roll's rule on top of matching's plan: a pupil's valid UPN is who they are.

    A row is never linked or proposed to a young person who holds a different UPN (twins share
    a surname, a date of birth and an address, never a UPN), rows with different UPNs never
    become one new young person, and a pupil's other enrolments go with their first row.
    """
    people = {pk for _, pk in plan.links}
    people |= {p.young_person_id for _, proposals in plan.reviews for p in proposals}
    held = _upns_held(people)

    def other_child(row: ImportedRow, young_person_id: int) -> bool:
        upns = held.get(young_person_id, set())
        return bool(row.upn) and bool(upns) and row.upn not in upns

    new_people: list[list[ImportedRow]] = []
    links: list[tuple[ImportedRow, int]] = []
    reviews: list[tuple[ImportedRow, list[Any]]] = []
    upns_linked: dict[int, set[str]] = {}
    for row, pk in plan.links:
        if row.upn:
            upns_linked.setdefault(pk, set()).add(row.upn)
    for row, pk in plan.links:
        if other_child(row, pk):
            new_people.append([row])
        elif len(upns_linked.get(pk, set())) > 1:
            # Pupils with different UPNs matched one young person (known without a UPN): at
            # most one of them is that young person, and a person must say which.
            reviews.append((row, [matching.Proposal(pk, None, None, [])]))
        else:
            links.append((row, pk))
    for row, proposals in plan.reviews:
        kept = [p for p in proposals if not other_child(row, p.young_person_id)]
        if kept:
            reviews.append((row, kept))
        else:
            new_people.append([row])
    for group in plan.new_people:
        by_upn: dict[str, list[ImportedRow]] = {}
        for row in group:
            by_upn.setdefault(row.upn, []).append(row)
        without = by_upn.pop("", [])
        split = list(by_upn.values()) or [[]]
        split[0].extend(without)
        new_people.extend(part for part in split if part)

    def follow(rows: list[ImportedRow]) -> list[ImportedRow]:
        return [*rows, *(f for row in rows for f in followers.get(row.pk, []))]

    plan.links = [(f, pk) for row, pk in links for f in follow([row])]
    plan.reviews = [(f, proposals) for row, proposals in reviews for f in follow([row])]
    plan.new_people = [follow(group) for group in new_people]


def _carry_out(
    actor: User | None, plan: linking.Plan[ImportedRow], summary: LinkingSummary
) -> None:
    people = YoungPerson.objects.in_bulk({young_person_id for _, young_person_id in plan.links})
    links = [(row, people[pk], LinkedHow.PROBABILISTIC.value) for row, pk in plan.links]
    for start in range(0, len(links), LINK_CHUNK):
        attach_rows(actor=actor, links=links[start : start + LINK_CHUNK])
    summary.linked += len(links)
    if plan.reviews:
        with transaction.atomic():
            matching.do_send_to_review_many(actor=actor, reviews=plan.reviews)
            rows = [row for row, _ in plan.reviews]
            for row in rows:
                row.match_status = MatchStatus.IN_REVIEW
            ImportedRow.objects.filter(pk__in=[row.pk for row in rows]).update(
                match_status=MatchStatus.IN_REVIEW
            )
        summary.review += len(plan.reviews)
    # A young person cannot be registered without a date of birth: such a group waits.
    groups: list[tuple[ImportedRow, list[ImportedRow]]] = []
    for group in plan.new_people:
        lead = next((row for row in group if row.date_of_birth is not None), None)
        if lead is None:
            summary.unmatched += len(group)
            continue
        groups.append((lead, [row for row in group if row is not lead]))
    for start in range(0, len(groups), NEW_PEOPLE_CHUNK):
        chunk = groups[start : start + NEW_PEOPLE_CHUNK]
        create_people_for_rows(actor=actor, groups=chunk)
        summary.new_people += len(chunk)
        summary.linked += sum(len(others) for _, others in chunk)


NEW_PEOPLE_CHUNK = 1000


def _check_registrable(row: ImportedRow) -> date:
    """A young person is registered from a row only with a date of birth, and only once: the
    date of birth, once both hold."""
    if row.date_of_birth is None:
        raise ValidationError(
            {
                "date_of_birth": f"Row {row.row_number} has no date of birth: a young person "
                "cannot be registered without one."
            }
        )
    if row.match_status in (MatchStatus.LINKED, MatchStatus.NEW_PERSON):
        raise ValidationError({"row": f"Row {row.row_number} is already linked to a young person."})
    return row.date_of_birth


def _registration(row: ImportedRow, agency: Agency) -> YoungPersonRow:
    """The young person to register from ``row``: its identity exactly as the file gave it."""
    born = _check_registrable(row)
    return YoungPersonRow(
        agency=agency,
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=born,
        gender=row.gender or Gender.NOT_KNOWN,
        postcode=row.postcode,
        upn=row.upn,
        nhs_number=row.nhs_number,
        other_names=row.other_names,
        source_reference=row.source_reference,
        is_synthetic=agency.is_synthetic,
    )


def create_people_for_rows(
    *, actor: User | None, groups: Sequence[tuple[ImportedRow, Sequence[ImportedRow]]]
) -> list[YoungPerson]:
    """Register a new young person for each group of rows of ONE batch, in one transaction: the
    bulk form of :func:`do_create_person_for_row` followed by linking the group's other rows.

    Each group's lead row registers the young person (``people.actions.do_register_many``: one
    audit event per young person, as a single registration writes) and is linked ``new_person``;
    the other rows of the group are linked to them as matched. Every lead is checked before
    anything is written. Returns the young people, in the order of ``groups``.
    """
    if not groups:
        return []
    rows = [row for lead, others in groups for row in (lead, *others)]
    _require_linker(actor, rows)
    agencies = Agency.objects.in_bulk({row.agency_id for row in rows})
    registrations = [_registration(lead, agencies[lead.agency_id]) for lead, _ in groups]
    with transaction.atomic():
        # The importing agency registers what it recorded; the linker's permission was checked
        # above, so the registration runs as the system.
        people = do_register_many(actor=None, rows=registrations)
        links: list[tuple[ImportedRow, YoungPerson, str]] = []
        for (lead, others), young_person in zip(groups, people, strict=True):
            links.append((lead, young_person, LinkedHow.NEW_PERSON.value))
            links.extend((row, young_person, LinkedHow.PROBABILISTIC.value) for row in others)
        attach_rows(actor=actor, links=links, audit_details={"young_people_created": len(people)})
    return people


def do_decide_review(
    *, actor: User, item: ReviewItem, decision: str, note: str = ""
) -> matching.Outcome:
    """A reviewer's decision on one row x candidate pair, and what it means for the rows.

    ``matching.actions.do_decide`` keeps the decision (and those of rows that followed this
    one); then, in the same transaction, the rows are linked to the candidate, a young person
    is registered from the row (every candidate rejected) or the row waits unmatched (no date
    of birth to register anyone). Linking runs as the reviewer, who may link any row.
    """
    with transaction.atomic():
        row = ImportedRow.objects.select_for_update().get(pk=item.row_id)
        if row.match_status != MatchStatus.IN_REVIEW:
            raise ValidationError({"decision": "This match has already been decided."})
        outcome = matching.do_decide(actor=actor, item=item, row=row, decision=decision, note=note)
        rows = ImportedRow.objects.in_bulk([*outcome.link, *outcome.join_new_person, row.pk])
        if outcome.link and outcome.link_to is not None:
            _attach_clerically(actor, [rows[pk] for pk in outcome.link], outcome.link_to)
        if outcome.new_person_from is not None:
            made = do_create_person_for_row(actor=actor, row=rows[outcome.new_person_from])
            _attach_clerically(actor, [rows[pk] for pk in outcome.join_new_person], made)
        if outcome.wait is not None:
            row.match_status = MatchStatus.PENDING
            row.save(update_fields=["match_status"])
    return outcome


def _attach_clerically(actor: User, rows: list[ImportedRow], young_person: YoungPerson) -> None:
    """Link rows a reviewer decided (one batch at a time), each audited as its own link."""
    for row in rows:
        do_attach_row(actor=actor, row=row, young_person=young_person, how=LinkedHow.CLERICAL)


def do_undo_link(*, actor: User, row: ImportedRow, reason: str) -> UndoLink:
    """Undo a row's link to a young person: the agency record and identity it added are
    detached and the row goes back to the review queue against the same young person (kept
    by ``matching.actions.do_keep_undone_link``)."""
    young_person = row.young_person
    if young_person is None or row.match_status != MatchStatus.LINKED:
        raise ValidationError("This row is not linked to a young person.")
    if not matching.may_review_for(actor, young_person):
        raise PermissionDenied("You cannot undo links for this young person.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the link was wrong."})
    reason = reason.strip()
    with transaction.atomic():
        row = ImportedRow.objects.select_for_update().get(pk=row.pk)
        if row.young_person_id != young_person.pk or row.match_status != MatchStatus.LINKED:
            raise ValidationError("This link has already changed.")
        how = row.linked_how
        detached = _detach(row, young_person, reason)
        row.young_person = None
        row.record = None
        row.linked_how = LinkedHow.NONE
        row.linked_at = None
        row.match_status = MatchStatus.IN_REVIEW
        row.save(
            update_fields=["young_person", "record", "linked_how", "linked_at", "match_status"]
        )
        undo = matching.do_keep_undone_link(
            actor=actor, row=row, young_person=young_person, linked_how=how, reason=reason
        )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.IMPORTED_ROW,
            object_id=row.pk,
            purpose=reason,
            details={
                "undone_link_to": young_person.pk,
                "linked_how": how,
                "undo": undo.pk,
                **detached,
            },
        )
    return undo


def _detach(row: ImportedRow, young_person: YoungPerson, reason: str) -> dict[str, Any]:
    """Withdraw what linking this row added to the young person, through the records and
    people apps' actions: the agency record made from the row and the identity recorded from
    it. Nothing else of theirs is touched."""
    detached: dict[str, Any] = {"record": None, "identities": []}
    shared = (
        row.record is not None
        and ImportedRow.objects.filter(record=row.record).exclude(pk=row.pk).exists()
    )
    if shared:
        # An enrolment an earlier roll row made and this row amended (its leaving date): the
        # earlier row still stands on it, so it stays (its history keeps the version before).
        detached["record_kept"] = row.record_id
    elif row.record is not None:
        record_id = row.record.pk
        try:
            do_withdraw_record(actor=None, record=row.record, reason=reason)
        except ValidationError:
            raise ValidationError(
                "Another part of Tessera refers to the agency record made from this row, "
                "so the link cannot be undone here. Ask an administrator."
            ) from None
        detached["record"] = record_id
    if row.linked_at is None:
        return detached
    # The identity the link recorded (made at the moment of linking, exactly this identity),
    # unless another linked row of the same agency still stands on it.
    same_identity = {
        "agency_id": row.agency_id,
        "given_name": row.given_name,
        "family_name": row.family_name,
        "other_names": row.other_names,
        "date_of_birth": row.date_of_birth,
        "postcode": row.postcode,
        "upn": row.upn,
        "nhs_number": row.nhs_number,
        "source_reference": row.source_reference,
    }
    still_needed = (
        ImportedRow.objects.filter(young_person=young_person, **same_identity)
        .exclude(pk=row.pk)
        .exists()
    )
    if not still_needed:
        detached["identities"] = do_withdraw_identities(
            actor=None,
            identities=list(
                RecordedIdentity.objects.filter(
                    young_person=young_person, recorded_at=row.linked_at, **same_identity
                )
            ),
            reason=reason,
        )
    return detached


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
    "do_decide_review",
    "do_link_pending_rows",
    "do_rematch_waiting_rows",
    "do_start_import",
    "do_undo_link",
    "feeds_for",
    "file_sha256",
    "may_import",
    "may_rematch",
]
