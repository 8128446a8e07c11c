"""Every write in matching: thresholds, saved models, the review queue, judgements and undoing.

Linking a row to a young person and creating a young person from a row are the imports app's
actions (``imports.actions.do_attach_row`` and ``do_create_person_for_row``); these actions
decide when to call them and keep what people decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from governance import audit, policy
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from imports.models import Feed, ImportedRow, LinkedHow, MatchStatus
from matching.keys import identity_key
from matching.models import (
    DEFAULT_AUTO_LINK_FROM,
    DEFAULT_REVIEW_FROM,
    LinkageModel,
    MatchJudgement,
    MatchThresholds,
    ReviewItem,
    ReviewStatus,
    UndoLink,
    Verdict,
)
from partnership.models import User
from people.models import RecordedIdentity, YoungPerson

# --- Who may do what ----------------------------------------------------------------------


def may_review(user: Any) -> bool:
    """MASH screeners, analysts and coordinators work the clerical review queue."""
    return may(user, Capability.REVIEW_MATCHES)


def may_review_for(user: Any, young_person: YoungPerson) -> bool:
    """A reviewer sees a candidate side by side only with need to know: the coordinator or
    MASH role, or a legitimate relationship or break-glass access for that young person."""
    return may_review(user) and policy.viewer_for(user, young_person).need_to_know


def may_set_thresholds(user: Any) -> bool:
    return may(user, Capability.SET_LINKAGE_THRESHOLDS)


# --- Thresholds, held as data -------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    feed: str
    auto_link_from: float
    review_from: float
    saved: MatchThresholds | None = None


def thresholds_for(feed: str) -> Thresholds:
    """The newest saved version for the feed, or the defaults in code."""
    saved = MatchThresholds.objects.filter(feed=feed).order_by("-set_at", "-pk").first()
    if saved is None:
        return Thresholds(feed, DEFAULT_AUTO_LINK_FROM, DEFAULT_REVIEW_FROM)
    return Thresholds(feed, saved.auto_link_from, saved.review_from, saved)


def do_set_thresholds(
    *, actor: User, feed: str, auto_link_from: float, review_from: float, reason: str
) -> MatchThresholds:
    if not may_set_thresholds(actor):
        raise PermissionDenied("Only a coordinator or administrator can change match thresholds.")
    if feed not in Feed.values:
        raise ValidationError({"feed": "Choose a feed."})
    if not 0.5 <= auto_link_from <= 1:
        # Below even odds an automatic link would more often be wrong than right.
        raise ValidationError(
            {"auto_link_from": "The probability to link automatically must be between 0.5 and 1."}
        )
    if not 0 <= review_from <= auto_link_from:
        raise ValidationError(
            {
                "review_from": "The probability to send for review must be between 0 and the "
                "probability to link automatically."
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the thresholds are changing."})
    before = thresholds_for(feed)
    with transaction.atomic():
        saved = MatchThresholds.objects.create(
            feed=feed,
            auto_link_from=auto_link_from,
            review_from=review_from,
            set_at=timezone.now(),
            set_by=actor,
            reason=reason.strip(),
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.MATCH_THRESHOLDS,
            object_id=saved.pk,
            purpose=reason.strip(),
            details={
                "feed": feed,
                "before": [before.auto_link_from, before.review_from],
                "after": [auto_link_from, review_from],
            },
        )
    return saved


def do_save_linkage_model(
    *, actor: User | None, feed: str, model: dict[str, Any], rows_used: int
) -> LinkageModel:
    """Keep the feed's trained model (estimated without labelled data) for the next import."""
    with transaction.atomic():
        saved, _ = LinkageModel.objects.update_or_create(
            feed=feed,
            defaults={"model": model, "trained_at": timezone.now(), "rows_used": rows_used},
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.LINKAGE_MODEL,
            object_id=saved.pk,
            details={"feed": feed, "rows_used": rows_used},
        )
    return saved


# --- Sending rows to review ---------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One candidate young person for a row, as the engine scored the pair."""

    young_person_id: int
    probability: float | None
    match_weight: float | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    via_row_id: int | None = None
    via_probability: float | None = None


def do_send_to_review(
    *, actor: User | None, row: ImportedRow, proposals: Sequence[Proposal]
) -> list[ReviewItem]:
    """Put one row in the clerical review queue with its candidates."""
    return do_send_to_review_many(actor=actor, reviews=[(row, list(proposals))])


def do_send_to_review_many(
    *, actor: User | None, reviews: Sequence[tuple[ImportedRow, Sequence[Proposal]]]
) -> list[ReviewItem]:
    """Put rows in the clerical review queue with their candidates, never a rejected pair.
    One transaction and one audit event for the lot (an import may send thousands)."""
    keys = {row.pk: identity_key(row) for row, _ in reviews}
    verdicts = latest_verdicts(set(keys.values()))
    now = timezone.now()
    items: list[ReviewItem] = []
    for row, proposals in reviews:
        kept = [
            ReviewItem(
                row=row,
                candidate_id=proposal.young_person_id,
                probability=proposal.probability,
                match_weight=proposal.match_weight,
                evidence=proposal.evidence,
                via_row_id=proposal.via_row_id,
                via_probability=proposal.via_probability,
                created_at=now,
            )
            for proposal in proposals
            if verdicts.get((keys[row.pk], proposal.young_person_id)) != Verdict.DIFFERENT
        ]
        if not kept:
            raise ValidationError(
                f"Row {row.row_number} has no candidate left to review: each was rejected before."
            )
        items.extend(kept)
    rows = [row for row, _ in reviews]
    with transaction.atomic():
        ReviewItem.objects.bulk_create(items, batch_size=1000)
        for row in rows:
            row.match_status = MatchStatus.IN_REVIEW
        ImportedRow.objects.bulk_update(rows, ["match_status"], batch_size=1000)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.REVIEW_ITEM,
            details={
                "rows": [row.pk for row in rows][:1000],
                "row_count": len(rows),
                "items": len(items),
                "batches": sorted({row.batch_id for row in rows}),
            },
        )
    return items


# --- Judgements ---------------------------------------------------------------------------


def latest_verdicts(keys: set[str]) -> dict[tuple[str, int], str]:
    """(identity key, young person) -> the newest verdict on that pair."""
    verdicts: dict[tuple[str, int], str] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):  # a bounded IN list whatever the batch size
        rows = (
            MatchJudgement.objects.filter(identity_key__in=ordered[start : start + 500])
            .order_by("decided_at", "pk")
            .values_list("identity_key", "young_person_id", "verdict")
        )
        for key, young_person_id, verdict in rows:
            verdicts[(key, young_person_id)] = verdict  # newer ones overwrite older ones
    return verdicts


def _judge(
    *, actor: User, row: ImportedRow, young_person_id: int, verdict: Verdict, note: str
) -> MatchJudgement:
    return MatchJudgement.objects.create(
        identity_key=identity_key(row),
        young_person_id=young_person_id,
        verdict=verdict,
        row=row,
        decided_by=actor,
        decided_at=timezone.now(),
        note=note,
    )


# --- Deciding a review item ---------------------------------------------------------------


class Decision:
    LINK = "link"
    REJECT = "reject"
    UNSURE = "unsure"
    CHOICES = (
        (LINK, "Same young person: link the row to them"),
        (REJECT, "Not the same young person"),
        (UNSURE, "Unsure: leave it for a second opinion"),
    )


def do_decide(*, actor: User, item: ReviewItem, decision: str, note: str = "") -> ReviewItem:
    """A reviewer links, rejects or is unsure about one row x candidate pair."""
    if not may_review_for(actor, item.candidate):
        raise PermissionDenied("You cannot review matches for this young person.")
    if decision not in (Decision.LINK, Decision.REJECT, Decision.UNSURE):
        raise ValidationError({"decision": "Choose link, not the same, or unsure."})
    note = note.strip()
    if decision == Decision.UNSURE and not note:
        raise ValidationError({"note": "Say what would help someone else decide."})
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        row = ImportedRow.objects.select_for_update().get(pk=item.row_id)
        if not item.is_waiting or row.match_status != MatchStatus.IN_REVIEW:
            raise ValidationError({"decision": "This match has already been decided."})
        item.reviewer = actor
        item.decided_at = timezone.now()
        item.note = note
        if decision == Decision.LINK:
            item.status = ReviewStatus.LINKED
            item.save(update_fields=["status", "reviewer", "decided_at", "note"])
            _judge(
                actor=actor,
                row=row,
                young_person_id=item.candidate_id,
                verdict=Verdict.SAME,
                note=note,
            )
            _link_row(actor=actor, row=row, young_person=item.candidate, how=LinkedHow.CLERICAL)
        elif decision == Decision.REJECT:
            item.status = ReviewStatus.REJECTED
            item.save(update_fields=["status", "reviewer", "decided_at", "note"])
            _judge(
                actor=actor,
                row=row,
                young_person_id=item.candidate_id,
                verdict=Verdict.DIFFERENT,
                note=note,
            )
        else:
            item.status = ReviewStatus.UNSURE
            item.save(update_fields=["status", "reviewer", "decided_at", "note"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.REVIEW_ITEM,
            object_id=item.pk,
            purpose=note,
            details={"decision": decision, "row": row.pk, "young_person": item.candidate_id},
        )
        if decision == Decision.LINK:
            _link_followers(actor=actor, row=row, young_person=item.candidate)
        elif (
            decision == Decision.REJECT
            and not row.review_items.filter(
                status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]
            ).exists()
        ):
            # Every candidate was rejected: a young person the partnership did not know.
            if row.date_of_birth is not None:
                made = _new_person_for(actor=actor, row=row)
                _reject_followers(
                    actor=actor, row=row, rejected_id=item.candidate_id, new_person=made
                )
            else:
                # No one can be registered without a date of birth: the row waits, unmatched.
                row.match_status = MatchStatus.PENDING
                row.save(update_fields=["match_status"])
    return item


def _link_row(*, actor: User | None, row: ImportedRow, young_person: YoungPerson, how: str) -> None:
    from imports.actions import do_attach_row

    do_attach_row(actor=actor, row=row, young_person=young_person, how=how)
    row.review_items.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]).update(
        status=ReviewStatus.SUPERSEDED, decided_at=timezone.now()
    )


def _new_person_for(*, actor: User | None, row: ImportedRow) -> YoungPerson:
    from imports.actions import do_create_person_for_row

    return do_create_person_for_row(actor=actor, row=row)


def _link_followers(*, actor: User, row: ImportedRow, young_person: YoungPerson) -> None:
    """Confirmed links are transitive: a row of the same import that matched this row above
    the automatic threshold, and was waiting on the same candidate, follows it."""
    note = f"Followed row {row.row_number}, confirmed as the same young person."
    for other in _decide_followers(
        actor=actor, row=row, candidate_id=young_person.pk, verdict=Verdict.SAME, note=note
    ):
        _link_row(actor=actor, row=other, young_person=young_person, how=LinkedHow.CLERICAL)


def _reject_followers(
    *, actor: User, row: ImportedRow, rejected_id: int, new_person: YoungPerson
) -> None:
    """Transitive the other way: a row of the same import that matched this row above the
    automatic threshold, and waited on the candidate now rejected, is not that young person
    either; with no other candidate left it joins the young person made from this row."""
    note = f"Followed row {row.row_number}, found not to be this young person."
    for other in _decide_followers(
        actor=actor, row=row, candidate_id=rejected_id, verdict=Verdict.DIFFERENT, note=note
    ):
        if not other.review_items.filter(
            status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]
        ).exists():
            _link_row(actor=actor, row=other, young_person=new_person, how=LinkedHow.CLERICAL)


def _decide_followers(
    *, actor: User, row: ImportedRow, candidate_id: int, verdict: Verdict, note: str
) -> list[ImportedRow]:
    """Decide, as ``row`` was decided, every waiting review item that followed it to the same
    candidate: each is judged and audited; the rows they were about are returned."""
    followers = ReviewItem.objects.filter(
        via_row=row,
        candidate_id=candidate_id,
        status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE],
        row__match_status=MatchStatus.IN_REVIEW,
    ).select_related("row")
    status = ReviewStatus.LINKED if verdict == Verdict.SAME else ReviewStatus.REJECTED
    decided: list[ImportedRow] = []
    for follower in followers:
        other = follower.row
        follower.status = status
        follower.reviewer = actor
        follower.decided_at = timezone.now()
        follower.note = note
        follower.save(update_fields=["status", "reviewer", "decided_at", "note"])
        _judge(actor=actor, row=other, young_person_id=candidate_id, verdict=verdict, note=note)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.REVIEW_ITEM,
            object_id=follower.pk,
            details={
                "decision": "link" if verdict == Verdict.SAME else "reject",
                "row": other.pk,
                "young_person": candidate_id,
                "followed_row": row.pk,
            },
        )
        decided.append(other)
    return decided


# --- Undoing a link -----------------------------------------------------------------------


def do_undo_link(*, actor: User, row: ImportedRow, reason: str) -> UndoLink:
    """Undo a row's link to a young person: the agency record and identity it added are
    detached and the row goes back to the review queue against the same young person."""
    young_person = row.young_person
    if young_person is None or row.match_status != MatchStatus.LINKED:
        raise ValidationError("This row is not linked to a young person.")
    if not may_review_for(actor, young_person):
        raise PermissionDenied("You cannot undo links for this young person.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the link was wrong."})
    reason = reason.strip()
    with transaction.atomic():
        row = ImportedRow.objects.select_for_update().get(pk=row.pk)
        if row.young_person_id != young_person.pk or row.match_status != MatchStatus.LINKED:
            raise ValidationError("This link has already changed.")
        how = row.linked_how
        detached = _detach(row, young_person)
        row.young_person = None
        row.record = None
        row.linked_how = LinkedHow.NONE
        row.linked_at = None
        row.match_status = MatchStatus.IN_REVIEW
        row.save(
            update_fields=["young_person", "record", "linked_how", "linked_at", "match_status"]
        )
        undo = UndoLink.objects.create(
            row=row,
            young_person=young_person,
            linked_how=how,
            undone_by=actor,
            undone_at=timezone.now(),
            reason=reason,
        )
        _judge(
            actor=actor,
            row=row,
            young_person_id=young_person.pk,
            verdict=Verdict.UNDONE,
            note=reason,
        )
        scored = (
            row.review_items.filter(candidate=young_person, probability__isnull=False)
            .order_by("-created_at", "-pk")
            .first()
        )
        row.review_items.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]).update(
            status=ReviewStatus.SUPERSEDED, decided_at=timezone.now()
        )
        ReviewItem.objects.create(
            row=row,
            candidate=young_person,
            probability=scored.probability if scored else None,
            match_weight=scored.match_weight if scored else None,
            evidence=scored.evidence if scored else [],
            created_at=timezone.now(),
            note=f"The link was undone: {reason}",
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


def _detach(row: ImportedRow, young_person: YoungPerson) -> dict[str, Any]:
    """Remove what linking this row added to the young person: the agency record made from
    the row and the identity recorded from it. Nothing else of theirs is touched."""
    detached: dict[str, Any] = {"record": None, "identities": []}
    if row.record_id is not None:
        record = row.record
        assert record is not None
        try:
            record.delete()
        except ProtectedError:
            raise ValidationError(
                "Another part of Tessera refers to the agency record made from this row, "
                "so the link cannot be undone here. Ask an administrator."
            ) from None
        detached["record"] = row.record_id
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
    identities = RecordedIdentity.objects.filter(young_person=young_person, **same_identity)
    if row.linked_at is not None:
        identities = identities.filter(recorded_at=row.linked_at)
    still_needed = (
        ImportedRow.objects.filter(young_person=young_person, **same_identity)
        .exclude(pk=row.pk)
        .exists()
    )
    if row.linked_at is not None and not still_needed:
        detached["identities"] = list(identities.values_list("pk", flat=True))
        identities.delete()
    return detached
