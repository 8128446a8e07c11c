"""Every write in matching: thresholds, saved models, the review queue, judgements and undoing.

Matching decides; the imports app acts. Imports hands matching its rows (any object with the
fields of :class:`Row`); these actions keep what matching and people decided (review items,
judgements, undone links) and return what should become of each row (:class:`Outcome`). The
imports app writes its own rows' state and links them (``imports.actions``), so the flow runs
one way: imports calls matching, never the reverse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit, policy
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from matching import feeds
from matching.keys import Row, identity_key
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
from people.models import YoungPerson

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
    if feed not in feeds.known():
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
    *, actor: User | None, row: Row, proposals: Sequence[Proposal]
) -> list[ReviewItem]:
    """Put one row in the clerical review queue with its candidates."""
    return do_send_to_review_many(actor=actor, reviews=[(row, list(proposals))])


def do_send_to_review_many(
    *, actor: User | None, reviews: Sequence[tuple[Row, Sequence[Proposal]]]
) -> list[ReviewItem]:
    """Put rows in the clerical review queue with their candidates, never a rejected pair.
    One transaction and one audit event for the lot (an import may send thousands). The
    imports app, which calls this, marks its rows as in review."""
    keys = {row.pk: identity_key(row) for row, _ in reviews}
    verdicts = latest_verdicts(set(keys.values()))
    now = timezone.now()
    items: list[ReviewItem] = []
    for row, proposals in reviews:
        kept = [
            ReviewItem(
                row_id=row.pk,
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
    *, actor: User, row: Row, young_person_id: int, verdict: Verdict, note: str
) -> MatchJudgement:
    return MatchJudgement.objects.create(
        identity_key=identity_key(row),
        young_person_id=young_person_id,
        verdict=verdict,
        row_id=row.pk,
        decided_by=actor,
        decided_at=timezone.now(),
        note=note,
    )


def _supersede(row_ids: Sequence[int]) -> None:
    """Rows on their way to a young person wait on no other candidate."""
    ReviewItem.objects.filter(
        row_id__in=row_ids, status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]
    ).update(status=ReviewStatus.SUPERSEDED, decided_at=timezone.now())


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


@dataclass
class Outcome:
    """What a decision means for the imported rows it touched, by row id. The imports app
    carries it out, in the transaction it decided in."""

    # The decided row and the rows that followed it: the same young person as ``link_to``.
    link: list[int] = field(default_factory=list)
    link_to: YoungPerson | None = None
    # Every candidate rejected: a young person the partnership did not know, registered from
    # this row; the rows that followed it into the rejection join them.
    new_person_from: int | None = None
    join_new_person: list[int] = field(default_factory=list)
    # Every candidate rejected and no date of birth to register anyone: the row waits.
    wait: int | None = None


def do_decide(*, actor: User, item: ReviewItem, row: Row, decision: str, note: str = "") -> Outcome:
    """A reviewer links, rejects or is unsure about one row x candidate pair.

    Called by ``imports.actions.do_decide_review`` inside its transaction, with the row locked
    and still in review. Keeps the decision, the judgement (which holds for the same identity in
    any later import) and the decisions that follow from it for rows that waited on this one,
    and returns what should become of the rows.
    """
    if not may_review_for(actor, item.candidate):
        raise PermissionDenied("You cannot review matches for this young person.")
    if decision not in (Decision.LINK, Decision.REJECT, Decision.UNSURE):
        raise ValidationError({"decision": "Choose link, not the same, or unsure."})
    note = note.strip()
    if decision == Decision.UNSURE and not note:
        raise ValidationError({"note": "Say what would help someone else decide."})
    outcome = Outcome()
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().select_related("candidate").get(pk=item.pk)
        if not item.is_waiting or item.row_id != row.pk:
            raise ValidationError({"decision": "This match has already been decided."})
        item.reviewer = actor
        item.decided_at = timezone.now()
        item.note = note
        item.status = {
            Decision.LINK: ReviewStatus.LINKED,
            Decision.REJECT: ReviewStatus.REJECTED,
            Decision.UNSURE: ReviewStatus.UNSURE,
        }[decision]
        item.save(update_fields=["status", "reviewer", "decided_at", "note"])
        if decision != Decision.UNSURE:
            verdict = Verdict.SAME if decision == Decision.LINK else Verdict.DIFFERENT
            _judge(
                actor=actor, row=row, young_person_id=item.candidate_id, verdict=verdict, note=note
            )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.REVIEW_ITEM,
            object_id=item.pk,
            purpose=note,
            details={"decision": decision, "row": row.pk, "young_person": item.candidate_id},
        )
        if decision == Decision.LINK:
            # Confirmed links are transitive: a row of the same import that matched this row
            # above the automatic threshold, and was waiting on the same candidate, follows it.
            followers = _decide_followers(
                actor=actor,
                row=row,
                candidate_id=item.candidate_id,
                verdict=Verdict.SAME,
                note=f"Followed row {row.row_number}, confirmed as the same young person.",
            )
            outcome.link = [row.pk, *followers]
            outcome.link_to = item.candidate
            _supersede(outcome.link)
        elif decision == Decision.REJECT and not _waits(row.pk):
            # Every candidate was rejected: a young person the partnership did not know.
            if row.date_of_birth is None:
                # No one can be registered without a date of birth: the row waits, unmatched.
                outcome.wait = row.pk
            else:
                outcome.new_person_from = row.pk
                # Transitive the other way: a row that matched this one above the automatic
                # threshold, and waited on the candidate now rejected, is not that young person
                # either; with no other candidate left it joins the young person made here.
                followers = _decide_followers(
                    actor=actor,
                    row=row,
                    candidate_id=item.candidate_id,
                    verdict=Verdict.DIFFERENT,
                    note=f"Followed row {row.row_number}, found not to be this young person.",
                )
                outcome.join_new_person = [pk for pk in followers if not _waits(pk)]
    return outcome


def _waits(row_id: int) -> bool:
    """Whether the row still waits on a candidate in the review queue."""
    return ReviewItem.objects.filter(
        row_id=row_id, status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE]
    ).exists()


def _decide_followers(
    *, actor: User, row: Row, candidate_id: int, verdict: Verdict, note: str
) -> list[int]:
    """Decide, as ``row`` was decided, every waiting review item that followed it to the same
    candidate: each is judged and audited; the ids of the rows they were about are returned."""
    followers = ReviewItem.objects.filter(
        via_row_id=row.pk,
        candidate_id=candidate_id,
        status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE],
    ).select_related("row")
    status = ReviewStatus.LINKED if verdict == Verdict.SAME else ReviewStatus.REJECTED
    decided: list[int] = []
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
        decided.append(other.pk)
    return decided


# --- Undoing a link -----------------------------------------------------------------------


def do_keep_undone_link(
    *, actor: User, row: Row, young_person: YoungPerson, linked_how: str, reason: str
) -> UndoLink:
    """Keep that a row's link to a young person was undone, and put the row back in the review
    queue against the same young person.

    Called by ``imports.actions.do_undo_link``, which detaches what the link added and writes
    the row's state, in one transaction. The pair is judged undone: it is never linked
    automatically again, only reviewed.
    """
    if not may_review_for(actor, young_person):
        raise PermissionDenied("You cannot undo links for this young person.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the link was wrong."})
    with transaction.atomic():
        undo = UndoLink.objects.create(
            row_id=row.pk,
            young_person=young_person,
            linked_how=linked_how,
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
            ReviewItem.objects.filter(
                row_id=row.pk, candidate=young_person, probability__isnull=False
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        _supersede([row.pk])
        ReviewItem.objects.create(
            row_id=row.pk,
            candidate=young_person,
            probability=scored.probability if scored else None,
            match_weight=scored.match_weight if scored else None,
            evidence=scored.evidence if scored else [],
            created_at=timezone.now(),
            note=f"The link was undone: {reason}",
        )
    return undo
