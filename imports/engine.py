"""The import job: read, check and stage a file in chunks, link by UPN and NHS number, match.

Design (ADR 0009): a resumable, idempotent series of chunk transactions.

1. **Reading.** Rows are read one at a time and checked; every ``CHUNK`` rows, one transaction
   writes that chunk's accepted rows (:class:`ImportedRow`, by ``COPY`` on PostgreSQL), its problems
   (:class:`ImportRejection`) and the batch's counters and ``checkpoint_row``. A row whose
   natural key was already imported (from this file or another) is counted as a duplicate and
   not added. Staged rows are ``pending``: no page shows them and no record exists yet.
2. **Linking.** Pending rows with a valid UPN or NHS number that points at exactly one young
   person are linked, chunk by chunk; each chunk's identities, records and row updates commit
   together, so a row is never half-linked.
3. **Matching.** ``imports.actions.do_link_pending_rows`` handles the rest, as the matching
   app plans it.

A job stopped at any point (killed, server restarted) is resumed by importing the same file
again: reading restarts after ``checkpoint_row``, linking picks up the rows still pending.
A job that fails while reading (the file turns out unreadable half way) removes what it staged,
leaving the database as it was before, and the batch says why it failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField, Q
from django.utils import timezone
from psycopg.types.json import Jsonb

from governance import audit
from governance.models import AuditAction, AuditObject, AuditOutcome
from imports import actions, feeds
from imports.actions import attach_rows, mark_batch
from imports.models import (
    BatchStatus,
    ImportBatch,
    ImportedRow,
    ImportRejection,
    LinkedHow,
    MatchStatus,
    Phase,
)
from imports.reader import RowSource, UnreadableFile
from imports.storage import is_upload
from matching import linking
from people.models import RecordedIdentity, YoungPerson

logger = logging.getLogger(__name__)

CHUNK = 2000

Progress = Callable[[ImportBatch], None]


class ImportFailed(RuntimeError):
    pass


@dataclass
class _Chunk:
    rows: list[ImportedRow] = field(default_factory=list)
    rejections: list[ImportRejection] = field(default_factory=list)
    seen: int = 0
    rejected: int = 0
    last_row: int = 0

    def __len__(self) -> int:
        return self.seen


def run_batch(
    batch_id: int, *, progress: Progress | None = None, chunk: int = CHUNK, match: bool = True
) -> None:
    """Run (or resume) one import batch to the end. Safe to call again on the same batch.

    ``match=False`` leaves the rows not linked by UPN or NHS number pending instead of handing
    them to the matching app (the import benchmark measures the import alone).
    """
    batch = ImportBatch.objects.select_related("agency", "user").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return
    mark_batch(
        batch,
        status=BatchStatus.RUNNING,
        started_at=batch.started_at or timezone.now(),
        error="",
    )
    try:
        if batch.phase in (Phase.WAITING, Phase.READING):
            _read(batch, progress, chunk)
        if batch.phase == Phase.LINKING:
            _link_deterministically(batch, progress, chunk)
        if batch.phase == Phase.MATCHING:
            if progress:
                progress(batch)
            if match:
                actions.do_link_pending_rows(batch.pk)
            mark_batch(batch, phase=Phase.FINISHED)
    except UnreadableFile as error:
        _fail(batch, str(error), discard=True)
        raise ImportFailed(str(error)) from error
    except Exception as error:
        # Never quote the exception in the batch: it may hold a value from the file.
        _fail(
            batch,
            "The import stopped because of an error in Tessera. Try again, and if "
            "it fails again, contact your system administrator.",
            discard=False,
        )
        logger.exception("import batch %s failed", batch.pk)
        raise ImportFailed(str(error)) from error
    mark_batch(batch, status=BatchStatus.DONE, progress=100, finished_at=timezone.now())
    _forget_file(batch)
    audit.record(
        AuditAction.UPDATE,
        actor=batch.user,
        object_type=AuditObject.IMPORT_BATCH,
        object_id=batch.pk,
        details={
            "feed": batch.feed,
            "agency": batch.agency.short_name,
            "finished": True,
            "rows_seen": batch.rows_seen,
            "rows_accepted": batch.rows_accepted,
            "rows_rejected": batch.rows_rejected,
            "rows_duplicate": batch.rows_duplicate,
            "rows_linked": batch.rows_linked,
        },
    )
    if progress:
        progress(batch)


def _fail(batch: ImportBatch, message: str, *, discard: bool) -> None:
    with transaction.atomic():
        if discard and batch.phase in (Phase.WAITING, Phase.READING):
            # Nothing of a file that cannot be read is kept: as if it was never imported.
            batch.rows.all().delete()
            batch.rejections.all().delete()
            batch.rows_seen = batch.rows_accepted = batch.rows_rejected = 0
            batch.rows_duplicate = batch.checkpoint_row = batch.progress = 0
            batch.phase = Phase.WAITING
        batch.status = BatchStatus.FAILED
        batch.error = message
        batch.finished_at = timezone.now()
        batch.save()
        audit.record(
            AuditAction.UPDATE,
            actor=batch.user,
            outcome=AuditOutcome.FAILED,
            object_type=AuditObject.IMPORT_BATCH,
            object_id=batch.pk,
            details={"feed": batch.feed, "agency": batch.agency.short_name, "failed": True},
        )
    if discard:
        _forget_file(batch)


def _forget_file(batch: ImportBatch) -> None:
    """Delete the uploaded copy once it is no longer needed (not an operator's own file)."""
    if batch.stored_path and is_upload(Path(batch.stored_path)):
        Path(batch.stored_path).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# 1. Reading
# --------------------------------------------------------------------------------------------


def _read(batch: ImportBatch, progress: Progress | None, size: int) -> None:
    if batch.phase == Phase.WAITING:
        mark_batch(batch, phase=Phase.READING)
    source = RowSource(Path(batch.stored_path), batch.file_format)
    rows = iter(source)
    try:
        first = next(rows, None)
    except UnreadableFile:
        raise
    missing = [name for name in feeds.required_columns(batch.feed) if name not in source.header]
    if missing:
        raise UnreadableFile(
            "The file has no column " + ", ".join(missing) + ". See the import formats page "
            "for the columns this feed needs."
        )
    today = timezone.localdate()
    context = feeds.load_context(batch.agency.kind)
    chunk = _Chunk()

    def rows_with_first() -> Any:
        if first is not None:
            yield first
        yield from rows

    for number, raw in rows_with_first():
        if number <= batch.checkpoint_row:
            continue  # committed before the job was stopped
        chunk.seen += 1
        chunk.last_row = number
        try:
            parsed = feeds.parse_row(batch.feed, raw, today=today, context=context)
        except feeds.RowRejected as rejected:
            chunk.rejected += 1
            chunk.rejections.extend(
                ImportRejection(
                    batch=batch, row_number=number, field=p.field, rule=p.rule, kept=p.kept
                )
                for p in rejected.problems
            )
        else:
            chunk.rejections.extend(
                ImportRejection(
                    batch=batch, row_number=number, field=p.field, rule=p.rule, kept=True
                )
                for p in parsed.problems
            )
            chunk.rows.append(
                ImportedRow(
                    batch=batch,
                    agency_id=batch.agency_id,
                    feed=batch.feed,
                    row_number=number,
                    natural_key=parsed.natural_key,
                    payload=parsed.payload,
                    **parsed.identity,
                )
            )
        if chunk.seen >= size:
            _commit_chunk(batch, chunk, source.fraction)
            chunk = _Chunk()
            if progress:
                progress(batch)
    _commit_chunk(batch, chunk, 1.0)
    mark_batch(batch, phase=Phase.LINKING)
    if progress:
        progress(batch)


def _commit_chunk(batch: ImportBatch, chunk: _Chunk, fraction: float) -> None:
    with transaction.atomic():
        keys = {row.natural_key for row in chunk.rows}
        existing = set(
            ImportedRow.objects.filter(
                agency_id=batch.agency_id, feed=batch.feed, natural_key__in=keys
            ).values_list("natural_key", flat=True)
        )
        fresh: list[ImportedRow] = []
        for row in chunk.rows:
            if row.natural_key in existing:
                continue
            existing.add(row.natural_key)
            fresh.append(row)
        _insert_rows(fresh)
        ImportRejection.objects.bulk_create(chunk.rejections)
        batch.rows_seen += chunk.seen
        batch.rows_accepted += len(fresh)
        batch.rows_rejected += chunk.rejected
        batch.rows_duplicate += len(chunk.rows) - len(fresh)
        if chunk.last_row:
            batch.checkpoint_row = chunk.last_row
        # Reading is the long part: it fills the bar to 90%; linking and matching the rest.
        batch.progress = min(90, int(fraction * 90))
        batch.heartbeat_at = timezone.now()
        batch.save(
            update_fields=[
                "heartbeat_at",
                "rows_seen",
                "rows_accepted",
                "rows_rejected",
                "rows_duplicate",
                "checkpoint_row",
                "progress",
            ]
        )


def _insert_rows(rows: list[ImportedRow]) -> None:
    """Add a chunk's new rows: by ``COPY`` on PostgreSQL (inside the chunk's transaction, so a
    chunk is written whole or not at all), by ``bulk_create`` elsewhere. ``COPY`` skips the
    statement's building and parameter quoting, which cost more than the insert itself."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ImportedRow.objects.bulk_create(rows)
        return
    fields = [field for field in ImportedRow._meta.concrete_fields if not field.primary_key]
    if any(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in fields
    ):
        raise TypeError("An ImportedRow field fills itself in on save: write it in _insert_rows.")
    # Each value as the row holds it (text, dates, ids) and a dict as JSON: what
    # get_db_prep_save gives for these fields, without a call per field and row.
    names = [field.attname for field in fields]
    as_json = {field.attname for field in fields if isinstance(field, JSONField)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(ImportedRow._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            held = row.__dict__
            copy.write_row(
                [
                    Jsonb(held[name]) if name in as_json and held[name] is not None else held[name]
                    for name in names
                ]
            )


# --------------------------------------------------------------------------------------------
# 2. Linking by a valid UPN or NHS number
# --------------------------------------------------------------------------------------------


def _owners(field_name: str, values: set[str]) -> dict[str, set[int]]:
    """Young people holding each identifier, canonically or in any identity as recorded."""
    owners: dict[str, set[int]] = {value: set() for value in values}
    if not values:
        return owners
    lookup = {f"{field_name}__in": values}
    for value, person in YoungPerson.objects.filter(**lookup).values_list(field_name, "pk"):
        owners[value].add(person)
    for value, person in RecordedIdentity.objects.filter(**lookup).values_list(
        field_name, "young_person_id"
    ):
        owners[value].add(person)
    return owners


def _link_deterministically(batch: ImportBatch, progress: Progress | None, size: int) -> None:
    after = 0
    # Only rows whose identifier someone holds: the database finds them, not Python.
    held_upn = Q(upn__in=YoungPerson.objects.exclude(upn="").values("upn")) | Q(
        upn__in=RecordedIdentity.objects.exclude(upn="").values("upn")
    )
    held_nhs = Q(
        nhs_number__in=YoungPerson.objects.exclude(nhs_number="").values("nhs_number")
    ) | Q(nhs_number__in=RecordedIdentity.objects.exclude(nhs_number="").values("nhs_number"))
    with_identifier = Q(batch=batch, match_status=MatchStatus.PENDING) & (
        (~Q(upn="") & held_upn) | (~Q(nhs_number="") & held_nhs)
    )
    while True:
        rows = list(ImportedRow.objects.filter(with_identifier, pk__gt=after).order_by("pk")[:size])
        if not rows:
            break
        after = rows[-1].pk
        by_upn = _owners("upn", {row.upn for row in rows if row.upn})
        by_nhs = _owners("nhs_number", {row.nhs_number for row in rows if row.nhs_number})
        links: list[tuple[ImportedRow, int, str]] = []
        for row in rows:
            upn_people = by_upn.get(row.upn, set()) if row.upn else set()
            nhs_people = by_nhs.get(row.nhs_number, set()) if row.nhs_number else set()
            if len(upn_people) > 1 or len(nhs_people) > 1:
                continue  # shared by two people: a person must decide
            if upn_people and nhs_people and upn_people != nhs_people:
                continue  # the two identifiers disagree: a person must decide
            if upn_people:
                links.append((row, next(iter(upn_people)), LinkedHow.UPN))
            elif nhs_people:
                links.append((row, next(iter(nhs_people)), LinkedHow.NHS))
        # Not when the row's other identifier contradicts theirs, or a person found the
        # identifier shared in error: matching decides those.
        allowed = linking.identifier_links_allowed([(row, person) for row, person, _ in links])
        links = [link for link, ok in zip(links, allowed, strict=True) if ok]
        if links:
            people = YoungPerson.objects.in_bulk({person for _, person, _ in links})
            with transaction.atomic():
                attach_rows(
                    actor=batch.user,
                    links=[(row, people[person], how) for row, person, how in links],
                    audit_details={"deterministic": True},
                )
                batch.rows_linked += len(links)
                batch.heartbeat_at = timezone.now()
                batch.save(update_fields=["rows_linked", "heartbeat_at"])
        if progress:
            progress(batch)
    mark_batch(batch, phase=Phase.MATCHING, progress=95)
