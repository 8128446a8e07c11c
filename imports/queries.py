"""Reads of the imports app: the batches a user may see, and a batch's validation report.

An import batch holds no young person's information on its own page (counts, row numbers,
columns and rules only), so it is not read through the access gate: it is shown to the users
who may import that feed for that agency, and to nobody else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from imports.actions import feeds_for
from imports.models import ImportBatch, ImportedRow, ImportRejection, LinkedHow, MatchStatus
from matching.actions import may_review
from matching.queries import entitled
from partnership.models import User

REPORT_HEADER = ("row", "field", "problem", "outcome")


def batches_for(user: User) -> QuerySet[ImportBatch]:
    feeds = feeds_for(user)
    if not feeds or user.agency_id is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(agency_id=user.agency_id, feed__in=feeds).select_related(
        "user"
    )


def batch_for(user: User, pk: int) -> ImportBatch | None:
    return batches_for(user).filter(pk=pk).first()


@dataclass(frozen=True)
class MatchingOutcome:
    """What matching made of a batch's rows: counts only, no young person's details."""

    by_identifier: int = 0
    probabilistic: int = 0
    clerical: int = 0
    in_review: int = 0
    new_people: int = 0
    waiting: int = 0

    @property
    def linked(self) -> int:
        return self.by_identifier + self.probabilistic + self.clerical

    @property
    def total(self) -> int:
        return self.linked + self.in_review + self.new_people + self.waiting


def matching_outcome(batch: ImportBatch) -> MatchingOutcome:
    """One grouped count over the batch's rows (index on batch), for its page."""
    counts: dict[str, int] = {}
    grouped = (
        batch.rows.order_by().values_list("match_status", "linked_how").annotate(rows=Count("pk"))
    )
    for status, how, rows in grouped:
        if status == MatchStatus.LINKED:
            if how in (LinkedHow.UPN, LinkedHow.NHS):
                key = "by_identifier"
            elif how == LinkedHow.CLERICAL:
                key = "clerical"
            else:
                key = "probabilistic"
        elif status == MatchStatus.IN_REVIEW:
            key = "in_review"
        elif status == MatchStatus.NEW_PERSON:
            key = "new_people"
        else:
            key = "waiting"
        counts[key] = counts.get(key, 0) + rows
    return MatchingOutcome(**counts)


def outcome_of(problem: ImportRejection) -> str:
    if problem.kept:
        return "Identifier not used; row kept"
    return "Row rejected"


def report_rows(batch: ImportBatch) -> Iterator[tuple[str, ...]]:
    """The validation report, one line per problem, read in pieces (bounded memory)."""
    yield REPORT_HEADER
    problems = batch.rejections.order_by("row_number", "pk").only(
        "row_number", "field", "rule", "kept"
    )
    for problem in problems.iterator(chunk_size=2000):
        yield (str(problem.row_number), problem.field, problem.rule, outcome_of(problem))


def linked_rows_for(user: Any, *, batch_id: int | None = None) -> QuerySet[ImportedRow]:
    """Rows linked to a young person this reviewer may see, newest imported first (to undo a
    link). Ordered by key, not by the time of linking, so a long list stays fast."""
    if not may_review(user):
        return ImportedRow.objects.none()
    rows = ImportedRow.objects.filter(match_status=MatchStatus.LINKED, young_person__isnull=False)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    return (
        rows.filter(entitled(user, "young_person_id"))
        .select_related("young_person", "agency", "batch")
        .order_by("-pk")
    )
