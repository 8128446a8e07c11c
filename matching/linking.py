"""Matching one import batch's pending rows to young people.

The register (every young person, the identities agencies recorded for them, and rows already
linked to them) is one side; the batch's pending rows are the other, and also the first side,
so that two rows about the same young person in one file find each other. One engine run scores
every pair. Then:

1. Pairs a person rejected are dropped; a pair whose link was undone is never linked
   automatically again, only reviewed.
2. Rows and young people joined by a probability at or above the feed's automatic threshold, or
   by a person's confirmation, form clusters (a union-find): confirmed links are transitive,
   so if row B is young person A and row C is row B, row C is young person A.
3. A cluster with one young person: its rows are linked to them. With several: its rows go to
   review against each. With none: rows with a candidate in the review band go to review; a
   row without one whose cluster-mate is in review waits with it; otherwise one new young
   person is created for the cluster and its other rows are linked to them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from django.db import transaction

from governance import audit
from governance.models import AuditAction, AuditObject
from imports.models import ImportBatch, ImportedRow, LinkedHow, MatchStatus
from matching import actions
from matching.keys import identity_key
from matching.models import LinkageModel, Verdict
from people.models import RecordedIdentity, YoungPerson

log = logging.getLogger(__name__)

Record = dict[str, Any]
Node = tuple[str, int]  # ("row", pk) or ("yp", pk)

MAX_CANDIDATES = 3


# --- The engine, behind two small functions (tests replace them) --------------------------


def train(left: list[Record], right: list[Record]) -> dict[str, Any]:
    from matching import engine

    return engine.train_model(left, right)


class ModelOutOfDate(Exception):
    """The saved model does not fit the engine's current comparisons."""


def score(left: list[Record], right: list[Record], model: dict[str, Any]) -> list[Any]:
    from matching import engine

    if model.get("format") != engine.MODEL_FORMAT or model.get("version") != engine.MODEL_VERSION:
        raise ModelOutOfDate
    try:
        return list(engine.link(left, right, model=model))
    except ValueError as error:
        if "retrain" in str(error):
            raise ModelOutOfDate from error
        raise


# --- Engine records -----------------------------------------------------------------------


def _blank(value: str) -> str | None:
    return value or None


def row_record(row: Mapping[str, Any]) -> Record:
    return {
        "id": f"row:{row['pk']}",
        "given_name": _blank(row["given_name"]),
        "family_name": _blank(row["family_name"]),
        "other_names": _blank(row["other_names"]),
        "date_of_birth": row["date_of_birth"],
        "gender": _blank(row["gender"]),
        "postcode": _blank(row["postcode"]),
        "school": _blank(row["school"]),
        "address": _blank(row["address"]),
    }


ROW_FIELDS = (
    "pk",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "school",
    "address",
)


def _identity_record(record_id: str, values: tuple[Any, ...]) -> Record:
    given, family, other, born, gender, postcode = values
    return {
        "id": record_id,
        "given_name": _blank(given),
        "family_name": _blank(family),
        "other_names": _blank(other),
        "date_of_birth": born,
        "gender": _blank(gender),
        "postcode": _blank(postcode),
        "school": None,
        "address": None,
    }


def register_records() -> tuple[list[Record], dict[str, int]]:
    """Every young person as the engine sees them (the canonical record and each identity an
    agency recorded that differs from it), and which young person each record belongs to."""
    records: list[Record] = []
    owner: dict[str, int] = {}
    canonical: dict[int, tuple[Any, ...]] = {}
    people = YoungPerson.objects.values_list(
        "pk", "given_name", "family_name", "date_of_birth", "gender", "postcode"
    )
    for pk, given, family, born, gender, postcode in people.iterator(chunk_size=5000):
        values = (given, family, "", born, gender, postcode)
        canonical[pk] = values
        owner[f"yp:{pk}"] = pk
        records.append(_identity_record(f"yp:{pk}", values))
    identities = RecordedIdentity.objects.values_list(
        "pk",
        "young_person_id",
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "gender",
        "postcode",
    )
    for pk, person, *recorded in identities.iterator(chunk_size=5000):
        if tuple(recorded) == canonical.get(person):
            continue  # the identity the canonical record was made from: nothing new
        owner[f"ri:{pk}"] = person
        records.append(_identity_record(f"ri:{pk}", tuple(recorded)))
    return records, owner


# --- Union-find ---------------------------------------------------------------------------


class Clusters:
    """A small union-find (networkx is not installed, and this is all we need of it)."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, node: Node) -> Node:
        parent = self.parent.setdefault(node, node)
        while parent != node:
            grand = self.parent.setdefault(parent, parent)
            self.parent[node] = grand
            node, parent = parent, grand
        return node

    def union(self, a: Node, b: Node) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self, nodes: Iterable[Node]) -> dict[Node, list[Node]]:
        found: dict[Node, list[Node]] = defaultdict(list)
        for node in nodes:
            found[self.find(node)].append(node)
        return found


# --- Scoring ------------------------------------------------------------------------------


def _evidence(candidate: Any) -> list[dict[str, Any]]:
    found = []
    for item in getattr(candidate, "evidence", ()) or ():
        if is_dataclass(item) and not isinstance(item, type):
            found.append(asdict(item))
        elif isinstance(item, Mapping):
            found.append(dict(item))
        else:
            field, label, weight = item
            found.append({"field": field, "label": label, "weight": weight})
    for entry in found:
        entry["weight"] = round(float(entry["weight"]), 3)
    return found


@dataclass
class Scored:
    young_person_id: int
    probability: float
    match_weight: float
    evidence: list[dict[str, Any]]


@dataclass
class LinkingSummary:
    rows: int = 0
    linked: int = 0
    review: int = 0
    new_people: int = 0
    unmatched: int = 0  # no candidate and no date of birth: left pending


@dataclass
class Plan:
    """What to do with each pending row, decided before anything is written."""

    links: list[tuple[ImportedRow, int]] = field(default_factory=list)
    reviews: list[tuple[ImportedRow, list[actions.Proposal]]] = field(default_factory=list)
    # Each group becomes one new young person: the first row registers them, the rest link.
    new_people: list[list[ImportedRow]] = field(default_factory=list)


# Retrain a feed's saved model once the data has grown this many times over.
RETRAIN_GROWTH = 2


def _model_for(
    feed: str, left: list[Record], right: list[Record], actor: Any, *, retrain: bool = False
) -> dict[str, Any]:
    """The feed's saved model, or one estimated now (none saved, or the data has grown)."""
    saved = LinkageModel.objects.filter(feed=feed).first()
    size = len(left) + len(right)
    if saved is not None and not retrain and size < RETRAIN_GROWTH * max(saved.rows_used, 1):
        return dict(saved.model)
    model = train(left, right)
    actions.do_save_linkage_model(actor=actor, feed=feed, model=model, rows_used=size)
    return model


def link_pending_rows(batch_id: int) -> LinkingSummary:
    """Link, review or create a young person for every pending row of one batch."""
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
    by_pk = {row.pk: row for row in pending}
    keys = {row.pk: identity_key(row) for row in pending}
    verdicts = actions.latest_verdicts(set(keys.values()))
    thresholds = actions.thresholds_for(batch.feed)

    register, owner = register_records()
    rows = [
        row_record(values)
        for values in ImportedRow.objects.filter(batch=batch, match_status=MatchStatus.PENDING)
        .order_by("pk")
        .values(*ROW_FIELDS)
    ]
    model = _model_for(batch.feed, register or rows, rows, actor)
    try:
        candidates = score(register + rows, rows, model)
    except ModelOutOfDate:
        # Saved by an earlier version of the engine's comparisons: estimate it afresh.
        model = _model_for(batch.feed, register or rows, rows, actor, retrain=True)
        candidates = score(register + rows, rows, model)
    best, row_pairs = _scores(candidates, by_pk, owner, keys, verdicts)
    plan = _plan(pending, best, row_pairs, keys, verdicts, thresholds)
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
    return summary


def _scores(
    candidates: Iterable[Any],
    by_pk: Mapping[int, ImportedRow],
    owner: Mapping[str, int],
    keys: Mapping[int, str],
    verdicts: Mapping[tuple[str, int], str],
) -> tuple[dict[int, dict[int, Scored]], dict[tuple[int, int], float]]:
    """The best score per (row, young person), and row-to-row scores within the batch."""
    best: dict[int, dict[int, Scored]] = defaultdict(dict)
    row_pairs: dict[tuple[int, int], float] = {}
    for candidate in candidates:
        left, right = str(candidate.left_id), str(candidate.right_id)
        if left == right or not right.startswith("row:"):
            continue
        row_pk = int(right.removeprefix("row:"))
        if row_pk not in by_pk:
            continue
        probability = float(candidate.probability)
        if left.startswith("row:"):
            other = int(left.removeprefix("row:"))
            if other in by_pk:
                pair = _pair(row_pk, other)
                row_pairs[pair] = max(probability, row_pairs.get(pair, 0.0))
            continue
        young_person_id = owner.get(left)
        if young_person_id is None:
            continue
        if verdicts.get((keys[row_pk], young_person_id)) == Verdict.DIFFERENT:
            continue  # a rejected pair is never proposed again
        known = best[row_pk].get(young_person_id)
        if known is None or probability > known.probability:
            best[row_pk][young_person_id] = Scored(
                young_person_id, probability, float(candidate.match_weight), _evidence(candidate)
            )
    return best, row_pairs


def _plan(
    pending: list[ImportedRow],
    best: dict[int, dict[int, Scored]],
    row_pairs: dict[tuple[int, int], float],
    keys: dict[int, str],
    verdicts: Mapping[tuple[str, int], str],
    thresholds: actions.Thresholds,
) -> Plan:
    clusters = Clusters()
    confirmed: dict[str, list[int]] = defaultdict(list)
    for (key, young_person_id), verdict in verdicts.items():
        if verdict == Verdict.SAME:
            confirmed[key].append(young_person_id)
    for row in pending:
        clusters.find(("row", row.pk))
        for young_person_id, scored in best[row.pk].items():
            undone = verdicts.get((keys[row.pk], young_person_id)) == Verdict.UNDONE
            if scored.probability >= thresholds.auto_link_from and not undone:
                clusters.union(("row", row.pk), ("yp", young_person_id))
        for young_person_id in confirmed.get(keys[row.pk], []):
            clusters.union(("row", row.pk), ("yp", young_person_id))
    for (a, b), probability in row_pairs.items():
        if probability >= thresholds.auto_link_from:
            clusters.union(("row", a), ("row", b))

    plan = Plan()
    by_pk = {row.pk: row for row in pending}
    for members in clusters.groups(list(clusters.parent)).values():
        rows = [by_pk[pk] for kind, pk in sorted(members) if kind == "row"]
        people = sorted(pk for kind, pk in members if kind == "yp")
        _plan_cluster(plan, rows, people, best, row_pairs, keys, verdicts, thresholds)
    return plan


def _in_band(scores: Iterable[Scored], thresholds: actions.Thresholds) -> list[Scored]:
    found = [s for s in scores if s.probability >= thresholds.review_from]
    return sorted(found, key=lambda s: -s.probability)[:MAX_CANDIDATES]


def _proposal(scored: Scored | None, young_person_id: int, **via: Any) -> actions.Proposal:
    if scored is None:
        return actions.Proposal(young_person_id, None, None, [], **via)
    return actions.Proposal(
        young_person_id, scored.probability, scored.match_weight, scored.evidence, **via
    )


def _plan_cluster(
    plan: Plan,
    rows: list[ImportedRow],
    people: list[int],
    best: dict[int, dict[int, Scored]],
    row_pairs: dict[tuple[int, int], float],
    keys: dict[int, str],
    verdicts: Mapping[tuple[str, int], str],
    thresholds: actions.Thresholds,
) -> None:
    if len(people) == 1:
        (young_person_id,) = people
        for row in rows:
            verdict = verdicts.get((keys[row.pk], young_person_id))
            if verdict not in (Verdict.DIFFERENT, Verdict.UNDONE):
                plan.links.append((row, young_person_id))
                continue
            # Joined through a cluster-mate, but rejected (or unlinked) for this row itself.
            own = _in_band(best[row.pk].values(), thresholds)
            if own:
                plan.reviews.append((row, [_proposal(s, s.young_person_id) for s in own]))
            else:
                plan.new_people.append([row])
        return
    if len(people) > 1:
        # Rows joined to more than one young person: a person must decide.
        for row in rows:
            allowed = [pk for pk in people if verdicts.get((keys[row.pk], pk)) != Verdict.DIFFERENT]
            if allowed:
                plan.reviews.append((row, [_proposal(best[row.pk].get(pk), pk) for pk in allowed]))
            else:
                plan.new_people.append([row])
        return
    in_band = {row.pk: _in_band(best[row.pk].values(), thresholds) for row in rows}
    reviewed = [row for row in rows if in_band[row.pk]]
    if not reviewed:
        plan.new_people.append(rows)
        return
    for row in rows:
        if in_band[row.pk]:
            proposals = [_proposal(s, s.young_person_id) for s in in_band[row.pk]]
        else:
            # Waits with the cluster-mate it matched best, against that row's candidates.
            mate = max(reviewed, key=lambda other: row_pairs.get(_pair(row.pk, other.pk), 0.0))
            via = {"via_row_id": mate.pk, "via_probability": row_pairs.get(_pair(row.pk, mate.pk))}
            proposals = [
                _proposal(best[row.pk].get(s.young_person_id), s.young_person_id, **via)
                for s in in_band[mate.pk]
                if verdicts.get((keys[row.pk], s.young_person_id)) != Verdict.DIFFERENT
            ]
            if not proposals:  # each of them was rejected for this row before
                plan.new_people.append([row])
                continue
        plan.reviews.append((row, proposals))


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


LINK_CHUNK = 500


def _carry_out(actor: Any, plan: Plan, summary: LinkingSummary) -> None:
    from imports.actions import attach_rows, do_create_person_for_row

    wanted = {young_person_id for _, young_person_id in plan.links}
    people = YoungPerson.objects.in_bulk(wanted)
    links = [(row, people[pk], LinkedHow.PROBABILISTIC.value) for row, pk in plan.links]
    for start in range(0, len(links), LINK_CHUNK):
        attach_rows(actor=actor, links=links[start : start + LINK_CHUNK])
    summary.linked += len(links)
    if plan.reviews:
        actions.do_send_to_review_many(actor=actor, reviews=plan.reviews)
        summary.review += len(plan.reviews)
    for group in plan.new_people:
        # A young person cannot be registered without a date of birth: such a row waits.
        lead = next((row for row in group if row.date_of_birth is not None), None)
        if lead is None:
            summary.unmatched += len(group)
            continue
        others = [row for row in group if row is not lead]
        with transaction.atomic():
            young_person = do_create_person_for_row(actor=actor, row=lead)
            if others:
                attach_rows(
                    actor=actor,
                    links=[(row, young_person, LinkedHow.PROBABILISTIC.value) for row in others],
                )
        summary.new_people += 1
        summary.linked += len(others)
