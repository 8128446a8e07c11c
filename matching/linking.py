"""Deciding what becomes of one import batch's pending rows: the plan the imports app carries out.

The register (every young person, the identities agencies recorded for them, and rows already
linked to them) is one side; the batch's pending rows are the other, and also the first side,
so that two rows about the same young person in one file find each other. One engine run scores
every pair. Then:

1. Pairs a person rejected are dropped; a pair whose link was undone is never linked
   automatically again, only reviewed.
2. Hard identifiers are evidence both ways. Two rows, or a row and a young person, with
   different valid UPNs (both permanent) or different valid NHS numbers are two children unless
   a person confirmed the pair: such a candidate is never linked nor offered for review. Rows and
   young people sharing a valid UPN or NHS number are one child, unless that identifier is known
   to be shared in error: a person judged the row's identity "not the same" as (or undid its
   link to) a young person holding the same identifier, and from then on that identifier counts
   for nothing either way for that identity.
3. Rows and young people joined by a shared identifier, by a person's confirmation, or by a
   probability at or above the feed's automatic threshold form clusters (a union-find, strongest
   evidence first): confirmed links are transitive, so if row B is young person A and row C is
   row B, row C is young person A. A join that would put two different valid identifiers in one
   cluster is refused (twins stay two), and a row or young person without identifiers that
   matches two clusters which differ in them joins neither automatically (whose twin is it?).
4. A cluster with one young person: its rows are linked to them. With several: its rows go to
   review against each. With none: rows with a candidate in the review band go to review; a
   row without one whose cluster-mate is in review waits with it; otherwise one new young
   person is created for the cluster and its other rows are linked to them.

Nothing here writes an imported row: :func:`plan_rows` takes the rows the imports app hands it
and returns a :class:`Plan`, which ``imports.actions.do_link_pending_rows`` carries out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Generic, TypeVar

from matching import actions, standardise
from matching.keys import Row, identity_key
from matching.models import LinkageModel, Verdict
from people.models import RecordedIdentity, YoungPerson

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
        "upn": _blank(row.get("upn") or ""),
        "nhs_number": _blank(row.get("nhs_number") or ""),
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
    "upn",
    "nhs_number",
)


def _identity_record(record_id: str, values: tuple[Any, ...]) -> Record:
    given, family, other, born, gender, postcode, upn, nhs = values
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
        "upn": _blank(upn),
        "nhs_number": _blank(nhs),
    }


# --- Hard identifiers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Identifiers:
    """The valid UPNs and NHS numbers of a row, a young person or a cluster of them."""

    upns: frozenset[str] = frozenset()
    nhs: frozenset[str] = frozenset()

    @classmethod
    def of(cls, upn: object = None, nhs: object = None) -> Identifiers:
        valid_upn = standardise.upn(upn)
        valid_nhs = standardise.nhs_number(nhs)
        return cls(
            frozenset([valid_upn] if valid_upn else []), frozenset([valid_nhs] if valid_nhs else [])
        )

    def __bool__(self) -> bool:
        return bool(self.upns or self.nhs)

    def __or__(self, other: Identifiers) -> Identifiers:
        return Identifiers(self.upns | other.upns, self.nhs | other.nhs)

    def permanent_upns(self) -> frozenset[str]:
        return frozenset(u for u in self.upns if standardise.is_permanent_upn(u))

    def clashes(self, other: Identifiers) -> bool:
        """Different valid identifiers of one kind and none in common: two different children.
        A temporary UPN contradicts nothing (a pupil holds one until the permanent one is
        known)."""
        mine, theirs = self.permanent_upns(), other.permanent_upns()
        if mine and theirs and not mine & theirs:
            return True
        return bool(self.nhs and other.nhs and not self.nhs & other.nhs)

    def shares(self, other: Identifiers) -> bool:
        return bool(self.upns & other.upns or self.nhs & other.nhs)

    def without(self, other: Identifiers) -> Identifiers:
        """These identifiers less those also in ``other`` (known to be shared in error)."""
        return Identifiers(self.upns - other.upns, self.nhs - other.nhs)

    def holder_keys(self) -> list[str]:
        return [f"upn:{u}" for u in sorted(self.upns)] + [f"nhs:{n}" for n in sorted(self.nhs)]


def row_identifiers(row: Row) -> Identifiers:
    return Identifiers.of(getattr(row, "upn", None), getattr(row, "nhs_number", None))


def _without_shared_in_error(
    ids: Identifiers, judged: Iterable[tuple[int, str]], held: Mapping[int, Identifiers]
) -> Identifiers:
    """A row's identifiers less those a person found shared in error: its identity was judged
    not the same as (or its link undone from) a young person who holds the same identifier.
    ``judged`` are the (young person, verdict) pairs on the row's identity."""
    for young_person_id, verdict in judged:
        if ids and verdict in (Verdict.DIFFERENT, Verdict.UNDONE):
            ids = ids.without(held.get(young_person_id, Identifiers()))
    return ids


def identifier_links_allowed(pairs: Sequence[tuple[Row, int]]) -> list[bool]:
    """For each (row, young person holding its UPN or NHS number): whether the import may link
    them without asking anyone. Not when another valid identifier of the row contradicts the
    young person's (the UPN says one child, the NHS number another), nor when a person judged
    the row's identity not to be them or undid such a link (the identifier is shared in error):
    those rows are left to matching, which sends them to review or keeps them apart."""
    if not pairs:
        return []
    keys = [identity_key(row) for row, _ in pairs]
    verdicts = actions.latest_verdicts(set(keys))
    held = held_identifiers({young_person_id for _, young_person_id in pairs})
    allowed = []
    for key, (row, young_person_id) in zip(keys, pairs, strict=True):
        verdict = verdicts.get((key, young_person_id))
        ids = row_identifiers(row)
        allowed.append(
            verdict not in (Verdict.DIFFERENT, Verdict.UNDONE)
            and (
                verdict == Verdict.SAME or not ids.clashes(held.get(young_person_id, Identifiers()))
            )
        )
    return allowed


def held_identifiers(people: Iterable[int] | None = None) -> dict[int, Identifiers]:
    """Each young person's valid UPNs and NHS numbers: their own and every identity recorded
    for them (all of them, or only ``people``'s)."""
    held: dict[int, Identifiers] = defaultdict(Identifiers)
    own = YoungPerson.objects.exclude(upn="", nhs_number="")
    recorded = RecordedIdentity.objects.exclude(upn="", nhs_number="")
    if people is not None:
        wanted = list(people)
        own = own.filter(pk__in=wanted)
        recorded = recorded.filter(young_person_id__in=wanted)
    for pk, upn, nhs in own.values_list("pk", "upn", "nhs_number").iterator(chunk_size=5000):
        held[pk] = held[pk] | Identifiers.of(upn, nhs)
    for pk, upn, nhs in recorded.values_list("young_person_id", "upn", "nhs_number").iterator(
        chunk_size=5000
    ):
        held[pk] = held[pk] | Identifiers.of(upn, nhs)
    return {pk: ids for pk, ids in held.items() if ids}


def register_records() -> tuple[list[Record], dict[str, int]]:
    """Every young person as the engine sees them (the canonical record and each identity an
    agency recorded that differs from it), and which young person each record belongs to."""
    records: list[Record] = []
    owner: dict[str, int] = {}
    canonical: dict[int, tuple[Any, ...]] = {}
    people = YoungPerson.objects.values_list(
        "pk",
        "given_name",
        "family_name",
        "date_of_birth",
        "gender",
        "postcode",
        "upn",
        "nhs_number",
    )
    for pk, given, family, born, gender, postcode, upn, nhs in people.iterator(chunk_size=5000):
        values = (given, family, "", born, gender, postcode, upn, nhs)
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
        "upn",
        "nhs_number",
    )
    for pk, person, *recorded in identities.iterator(chunk_size=5000):
        if tuple(recorded) == canonical.get(person):
            continue  # the identity the canonical record was made from: nothing new
        owner[f"ri:{pk}"] = person
        records.append(_identity_record(f"ri:{pk}", tuple(recorded)))
    return records, owner


# --- Union-find ---------------------------------------------------------------------------


class Clusters:
    """A small union-find (networkx is not installed, and this is all we need of it) that keeps
    each cluster's identifiers and refuses a join that would make two children one."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}
        self.ids: dict[Node, Identifiers] = {}

    def add(self, node: Node, ids: Identifiers) -> None:
        root = self.find(node)
        self.ids[root] = self.ids.get(root, Identifiers()) | ids

    def find(self, node: Node) -> Node:
        parent = self.parent.setdefault(node, node)
        while parent != node:
            grand = self.parent.setdefault(parent, parent)
            self.parent[node] = grand
            node, parent = parent, grand
        return node

    def identifiers(self, node: Node) -> Identifiers:
        return self.ids.get(self.find(node), Identifiers())

    def union(self, a: Node, b: Node, *, checked: bool = True) -> bool:
        """Join the clusters of ``a`` and ``b``. ``checked``: refuse (and return False) when
        their identifiers contradict; a person's confirmation is not checked."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        ids_a, ids_b = self.ids.get(root_a, Identifiers()), self.ids.get(root_b, Identifiers())
        if checked and ids_a.clashes(ids_b):
            return False
        low, high = min(root_a, root_b), max(root_a, root_b)
        self.parent[high] = low
        self.ids[low] = ids_a | ids_b
        self.ids.pop(high, None)
        return True

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


R = TypeVar("R", bound=Row)


@dataclass
class Plan(Generic[R]):
    """What to do with each pending row, decided before anything is written."""

    links: list[tuple[R, int]] = field(default_factory=list)
    reviews: list[tuple[R, list[actions.Proposal]]] = field(default_factory=list)
    # Each group becomes one new young person: the first row registers them, the rest link.
    new_people: list[list[R]] = field(default_factory=list)


# Retrain a feed's saved model once the data has grown this many times over.
RETRAIN_GROWTH = 2


def _model_for(
    feed: str, left: list[Record], right: list[Record], actor: Any, *, retrain: bool = False
) -> dict[str, Any]:
    """The feed's saved model, or one estimated now (none saved, or the data has grown)."""
    saved = LinkageModel.objects.filter(feed=feed).first()
    size = len(left) + len(right)
    # A model that kept the starting values (too few records, or estimating failed on small
    # data) is estimated again as soon as there is more data to learn from.
    starting = saved is not None and saved.model.get("estimated") is False
    grown = saved is not None and (
        size >= RETRAIN_GROWTH * max(saved.rows_used, 1) or (starting and size > saved.rows_used)
    )
    if saved is not None and not retrain and not grown:
        return dict(saved.model)
    model = train(left, right)
    actions.do_save_linkage_model(actor=actor, feed=feed, model=model, rows_used=size)
    return model


def plan_rows(*, feed: str, actor: Any, pending: Sequence[R]) -> Plan[R]:
    """Decide, for every pending row of one batch, whether it links to a young person, goes to
    review or becomes a new young person. ``pending`` are the rows in file order, each with the
    fields of ``ROW_FIELDS``. Writes nothing but a newly estimated model for the feed."""
    plan: Plan[R] = Plan()
    if not pending:
        return plan
    by_pk = {row.pk: row for row in pending}
    keys = {row.pk: identity_key(row) for row in pending}
    verdicts = actions.latest_verdicts(set(keys.values()))
    thresholds = actions.thresholds_for(feed)

    register, owner = register_records()
    held = held_identifiers()
    judged: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (key, young_person_id), verdict in verdicts.items():
        judged[key].append((young_person_id, verdict))
    ids = {
        row.pk: _without_shared_in_error(row_identifiers(row), judged[keys[row.pk]], held)
        for row in pending
    }
    rows = [
        row_record({name: getattr(row, name, None) for name in ROW_FIELDS})
        for row in sorted(pending, key=lambda row: row.pk)
    ]
    for record in rows:
        # The engine weighs what the plan trusts: not an identifier shared in error.
        own = ids[int(str(record["id"]).removeprefix("row:"))]
        record["upn"] = next(iter(sorted(own.upns)), None)
        record["nhs_number"] = next(iter(sorted(own.nhs)), None)
    model = _model_for(feed, register or rows, rows, actor)
    try:
        candidates = score(register + rows, rows, model)
    except ModelOutOfDate:
        # Saved by an earlier version of the engine's comparisons: estimate it afresh.
        model = _model_for(feed, register or rows, rows, actor, retrain=True)
        candidates = score(register + rows, rows, model)
    evidence = _Evidence(keys=keys, verdicts=verdicts, held=held, ids=ids)
    best, row_pairs = _scores(candidates, by_pk, owner, evidence)
    _plan(plan, list(pending), best, row_pairs, evidence, thresholds)
    return plan


@dataclass
class _Evidence:
    """What people and identifiers say about the batch's rows, beside the engine's scores."""

    keys: Mapping[int, str]
    verdicts: Mapping[tuple[str, int], str]
    held: Mapping[int, Identifiers]
    ids: Mapping[int, Identifiers]

    def verdict(self, row_pk: int, young_person_id: int) -> str | None:
        return self.verdicts.get((self.keys[row_pk], young_person_id))

    def person(self, young_person_id: int) -> Identifiers:
        return self.held.get(young_person_id, Identifiers())

    def clash(self, row_pk: int, young_person_id: int) -> bool:
        """A different child: a different valid identifier and none in common, and no person
        has said they are the same. (One shared and one different, the UPN saying one child
        and the NHS number another, is no candidate to link but one for a person to review.)"""
        if self.verdict(row_pk, young_person_id) == Verdict.SAME:
            return False
        row, person = self.ids[row_pk], self.person(young_person_id)
        return row.clashes(person) and not row.shares(person)


def _scores(
    candidates: Iterable[Any],
    by_pk: Mapping[int, Row],
    owner: Mapping[str, int],
    evidence: _Evidence,
) -> tuple[dict[int, dict[int, Scored]], dict[tuple[int, int], float]]:
    """The best score per (row, young person), and row-to-row scores within the batch. A young
    person whose valid identifier contradicts the row's is no candidate at all (never linked,
    never offered for review) unless a person has confirmed the pair."""
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
        if evidence.verdict(row_pk, young_person_id) == Verdict.DIFFERENT:
            continue  # a rejected pair is never proposed again
        if evidence.clash(row_pk, young_person_id):
            continue  # a different child: another UPN or NHS number
        known = best[row_pk].get(young_person_id)
        if known is None or probability > known.probability:
            best[row_pk][young_person_id] = Scored(
                young_person_id, probability, float(candidate.match_weight), _evidence(candidate)
            )
    return best, row_pairs


# Joins are made strongest first: a person's word, then a shared identifier, then scores.
SHARED_IDENTIFIER = 2.0


def _plan(
    plan: Plan[R],
    pending: list[R],
    best: dict[int, dict[int, Scored]],
    row_pairs: dict[tuple[int, int], float],
    evidence: _Evidence,
    thresholds: actions.Thresholds,
) -> None:
    clusters = Clusters()
    by_pk = {row.pk: row for row in pending}
    confirmed: dict[str, list[int]] = defaultdict(list)
    for (key, young_person_id), verdict in evidence.verdicts.items():
        if verdict == Verdict.SAME:
            confirmed[key].append(young_person_id)

    # Who holds each identifier: the young people, and the batch's rows.
    holders: dict[str, list[Node]] = defaultdict(list)
    for young_person_id, ids in evidence.held.items():
        for key in ids.holder_keys():
            holders[key].append(("yp", young_person_id))
    for row in pending:
        clusters.add(("row", row.pk), evidence.ids[row.pk])
        for key in evidence.ids[row.pk].holder_keys():
            holders[key].append(("row", row.pk))

    # A person's confirmation first: it stands whatever the identifiers say.
    for row in pending:
        for young_person_id in confirmed.get(evidence.keys[row.pk], []):
            clusters.add(("yp", young_person_id), evidence.person(young_person_id))
            clusters.union(("row", row.pk), ("yp", young_person_id), checked=False)

    edges: list[tuple[float, Node, Node]] = []
    for members in holders.values():
        if not any(kind == "row" for kind, _ in members):
            continue
        first, *others = sorted(members)
        edges.extend((SHARED_IDENTIFIER, first, other) for other in others)
    scored: list[tuple[float, Node, Node]] = []
    name_only = {row.pk for row in pending if _name_alone(row, evidence)}
    for row in pending:
        if row.pk in name_only:
            continue  # a name alone is never enough to link: a person decides (review)
        competing = _against_each_other(best[row.pk])
        for young_person_id, probability in competing.items():
            undone = evidence.verdict(row.pk, young_person_id) == Verdict.UNDONE
            if probability >= thresholds.auto_link_from and not undone:
                scored.append((probability, ("row", row.pk), ("yp", young_person_id)))
    for (first_pk, second_pk), probability in row_pairs.items():
        if first_pk in name_only or second_pk in name_only:
            continue
        if probability >= thresholds.auto_link_from:
            scored.append((probability, ("row", first_pk), ("row", second_pk)))
    edges.extend(_unambiguous(scored, evidence, thresholds.auto_link_from))
    for node in {node for _, one, two in edges for node in (one, two) if node[0] == "yp"}:
        clusters.add(node, evidence.person(node[1]))
    for _, one, two in sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2])):
        clusters.union(one, two)  # refused when it would join two different children

    for row in pending:
        clusters.find(("row", row.pk))
    for members in clusters.groups(list(clusters.parent)).values():
        rows = [by_pk[pk] for kind, pk in sorted(members) if kind == "row"]
        people = sorted(pk for kind, pk in members if kind == "yp")
        if rows:
            _plan_cluster(plan, rows, people, best, row_pairs, evidence, thresholds)


def _name_alone(row: Row, evidence: _Evidence) -> bool:
    """A row that says nothing but a name: no date of birth, no address or postcode and no
    identifier. Namesakes are common (a charity's "Ava Brooks" is not the roll's Ava Brooks
    because the names agree), so such a row is never linked by the engine's score: it goes to
    review against the young people it resembles, or waits."""
    return (
        row.date_of_birth is None
        and not (row.postcode or "").strip()
        and not (row.address or "").strip()
        and not evidence.ids[row.pk]
    )


def _against_each_other(scores: Mapping[int, Scored]) -> dict[int, float]:
    """Each candidate's probability once the others are counted: a row is at most one of the
    young people it resembles (they are different children), so it is young person i with
    odds_i / (1 + the sum of every candidate's odds), where odds = p / (1 - p) as the engine
    scored the pair alone. A row that fits one namesake far better than two others of the same
    year still links to them; a row that fits two equally (no date of birth, say) is reviewed.
    """
    odds = {pk: _odds(score.probability) for pk, score in scores.items()}
    total = 1 + sum(odds.values())
    return {pk: value / total for pk, value in odds.items()}


def _odds(probability: float) -> float:
    probability = min(max(probability, 0.0), 1 - 1e-12)
    return probability / (1 - probability)


def _unambiguous(
    edges: list[tuple[float, Node, Node]], evidence: _Evidence, threshold: float
) -> list[tuple[float, Node, Node]]:
    """The scored joins less those of a row or young person without identifiers to others
    whose identifiers differ from each other, unless it fits one far better: it is at most one
    of them, so each such join counts against the ones it contradicts, as a row's candidates
    do (:func:`_against_each_other`). A police record that fits both twins is neither's until a
    person says whose it is (it goes to review against the young people it fits); a twin's own
    row that lost its UPN still joins that twin."""

    def ids(node: Node) -> Identifiers:
        kind, pk = node
        return evidence.ids[pk] if kind == "row" else evidence.person(pk)

    probability: dict[tuple[Node, Node], float] = {}
    neighbours: dict[Node, list[Node]] = defaultdict(list)
    for p, a, b in edges:
        probability[(a, b)] = probability[(b, a)] = p
        neighbours[a].append(b)
        neighbours[b].append(a)
    dropped: set[tuple[Node, Node]] = set()
    for node, others in neighbours.items():
        if ids(node):
            continue  # its own identifiers decide which of them it can join
        marked = [other for other in others if ids(other)]
        for other in marked:
            rivals = [r for r in marked if r != other and ids(r).clashes(ids(other))]
            if not rivals:
                continue
            odds = _odds(probability[(node, other)])
            against = sum(_odds(probability[(node, rival)]) for rival in rivals)
            if odds / (1 + odds + against) < threshold:
                dropped.update({(node, other), (other, node)})
    return [edge for edge in edges if (edge[1], edge[2]) not in dropped]


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
    plan: Plan[R],
    rows: list[R],
    people: list[int],
    best: dict[int, dict[int, Scored]],
    row_pairs: dict[tuple[int, int], float],
    evidence: _Evidence,
    thresholds: actions.Thresholds,
) -> None:
    if len(people) == 1:
        (young_person_id,) = people
        for row in rows:
            verdict = evidence.verdict(row.pk, young_person_id)
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
            allowed = [
                pk
                for pk in people
                if evidence.verdict(row.pk, pk) != Verdict.DIFFERENT
                and not evidence.clash(row.pk, pk)
            ]
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
    if _plausible_only_for_want_of_a_birth_date(rows, in_band):
        # The rows with a date of birth match no one registered: this child is not on the
        # register. A row without one that resembles someone registered (a brother, say, of
        # the same surname and address) stays with them when its tie to them outweighs its
        # candidates, as a row's candidates compete; otherwise it alone goes to review.
        free = [row for row in rows if not in_band[row.pk]]
        for row in reviewed:
            mate = max(row_pairs.get(_pair(row.pk, other.pk), 0.0) for other in free)
            odds = _odds(mate)
            against = sum(_odds(s.probability) for s in in_band[row.pk])
            if odds / (1 + odds + against) >= thresholds.auto_link_from:
                free.append(row)
            else:
                plan.reviews.append(
                    (row, [_proposal(s, s.young_person_id) for s in in_band[row.pk]])
                )
        plan.new_people.append(free)
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
                if evidence.verdict(row.pk, s.young_person_id) != Verdict.DIFFERENT
                and not evidence.clash(row.pk, s.young_person_id)
            ]
            if not proposals:  # each of them was rejected for this row before, or differs
                plan.new_people.append([row])
                continue
        plan.reviews.append((row, proposals))


def _plausible_only_for_want_of_a_birth_date(
    rows: Sequence[Row], in_band: Mapping[int, list[Scored]]
) -> bool:
    """A cluster (of rows only) whose rows with a candidate in the review band all lack a date
    of birth, while some row of it has a date of birth and no such candidate: the fuller rows
    say the child is not registered, so the thinner ones need not hold them all in review."""
    if any(in_band[row.pk] and row.date_of_birth is not None for row in rows):
        return False
    return any(not in_band[row.pk] and row.date_of_birth is not None for row in rows)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))
