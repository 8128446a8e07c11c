"""Evaluating the rules: incrementally, in full, and day by day over history (replay).

Three ways in, one evaluation:

- **Incrementally** (:func:`evaluate_records`): records were added or edited (the
  ``records.signals.records_changed`` signal, from a form, an import job or the matching). Only
  the rules a changed record can affect (``RuleDef.relevant``) are evaluated, only for the young
  people the changed records are about and, for shared identifiers, only for the values they
  name. Runs inside the caller's transaction, so the alert is there as soon as the record is.
- **In full** (:func:`evaluate_all`, ``manage.py evaluate_rules``): every young person with a
  record in the look-back, a chunk at a time, each chunk committed with its checkpoint in a
  :class:`~alerts.models.FullEvaluation`, then every shared value. Memory stays bounded by the
  chunk.
- **Replay** (:func:`replay`, ``manage.py evaluate_rules --replay`` and the ``run_replay``
  task): the first day is a full evaluation as of that day's end; each later day evaluates the
  records *recorded* that day, as of the day's end, incrementally. A record counts from its
  ``recorded_at``, so a replay sees what the partnership could have known that day, not what it
  knows now. Alerts go to the run, never to the live queue.

Reading records is system work, through the gate's ``policy.records_for_rules`` and
``policy.links_for_rules``. Raising is ``alerts.actions.do_raise_alerts`` (one transaction,
audited). Everything the rules read is cut to the :data:`LOOKBACK` before ``as_of``: an alert is
a prompt about now, not about a pattern of years ago.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from alerts.models import BenignValue, FullEvaluation, ReplayRun, ReplayStatus, Rule, RuleVersion
from alerts.rules import (
    BY_CODE,
    LOOKBACK,
    STANDING_TYPES,
    Fact,
    Finding,
    Link,
    RuleDef,
    SharedIdentifier,
    parameters_for,
)
from governance import policy
from records.models import AgencyRecord, IndicatorKind, RecordLink, RecordType

log = logging.getLogger(__name__)

PEOPLE_CHUNK = 500
VALUES_CHUNK = 500
IDS_CHUNK = 2000

_paused: ContextVar[bool] = ContextVar("alerts_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Records saved inside this block raise nothing: for loading data in bulk (the demo),
    followed by a full evaluation."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


@dataclass(frozen=True, eq=False)  # hashed by identity: one per rule per evaluation
class ActiveRule:
    definition: RuleDef
    rule: Rule
    version: RuleVersion
    params: dict[str, Any]


def active_rules(parameters: Mapping[str, Mapping[str, Any]] | None = None) -> list[ActiveRule]:
    """The rules to evaluate: every enabled rule with its newest version's parameters or, for
    a replay, the rules named in ``parameters`` with those parameters (enabled or not)."""
    newest: dict[int, RuleVersion] = {}
    for saved in RuleVersion.objects.order_by("rule_id", "-number"):
        newest.setdefault(saved.rule_id, saved)
    active = []
    for rule in Rule.objects.all():
        version = newest.get(rule.pk)
        if rule.code not in BY_CODE or version is None:
            continue
        if parameters is None:
            if not rule.is_enabled:
                continue
            params = parameters_for(rule.code, version.parameters)
        elif rule.code in parameters:
            params = parameters_for(rule.code, parameters[rule.code])
        else:
            continue
        active.append(ActiveRule(BY_CODE[rule.code], rule, version, params))
    return active


# --- Reading the records ------------------------------------------------------------------

_FIELDS = (
    "pk",
    "young_person_id",
    "record_type_id",
    "owning_agency_id",
    "occurred_at",
    "recorded_at",
    "ended_at",
    "title",
    "location",
    "facts",
    "young_person__date_of_birth",
)


def _types() -> dict[int, tuple[str, str, str]]:
    return {
        pk: (code, kind, indicator)
        for pk, code, kind, indicator in RecordType.objects.values_list(
            "pk", "code", "kind", "indicator_kind"
        )
    }


def _facts(
    records: QuerySet[AgencyRecord],
    links: QuerySet[RecordLink] | None,
    types: dict[int, tuple[str, str, str]],
) -> list[Fact]:
    """The records as the rules read them, sorted by when they happened."""
    by_record: dict[int, list[Link]] = defaultdict(list)
    if links is not None:
        for record_id, kind, value, label in links.values_list(
            "record_id", "kind", "value", "label"
        ):
            by_record[record_id].append(Link(kind, value, label))
    facts = []
    for row in records.values_list(*_FIELDS).order_by("occurred_at", "pk"):
        pk, person, type_id, agency, occurred, recorded, ended, title, location, data, born = row
        code, kind, indicator = types.get(type_id, ("", "", ""))
        facts.append(
            Fact(
                id=pk,
                young_person_id=person,
                type_code=code,
                kind=kind,
                indicator_kind=indicator or "",
                agency_id=agency,
                occurred_at=occurred,
                recorded_at=recorded,
                ended_at=ended,
                title=title,
                location=location,
                facts=data or {},
                born=born,
                links=tuple(by_record.get(pk, ())),
            )
        )
    return facts


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_view(since: datetime, prefix: str = "") -> Q:
    """What the rules read of a young person's records: what happened within the look-back,
    and the standing facts (vulnerabilities) that had not ended before it."""
    standing = Q(**{f"{prefix}record_type__indicator_kind": IndicatorKind.VULNERABILITY}) | Q(
        **{f"{prefix}record_type__code__in": STANDING_TYPES}
    )
    not_ended = Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": since})
    return Q(**{f"{prefix}occurred_at__gte": since}) | (standing & not_ended)


def _people_facts(
    young_person_ids: Iterable[int], as_of: datetime, types: dict[int, tuple[str, str, str]]
) -> dict[int, list[Fact]]:
    ids = sorted(set(young_person_ids))
    since = as_of - LOOKBACK
    by_person: dict[int, list[Fact]] = defaultdict(list)
    for chunk in _chunks(ids, PEOPLE_CHUNK):
        records = policy.records_for_rules(as_of=as_of).filter(
            _in_view(since), young_person_id__in=chunk
        )
        links = policy.links_for_rules(as_of=as_of).filter(
            _in_view(since, "record__"), record__young_person_id__in=chunk
        )
        for fact in _facts(records, links, types):
            by_person[fact.young_person_id].append(fact)
    return by_person


def _person_findings(
    wanted: Mapping[ActiveRule, set[int]],
    as_of: datetime,
    types: dict[int, tuple[str, str, str]],
) -> list[tuple[ActiveRule, Finding]]:
    everyone = set().union(*wanted.values()) if wanted else set()
    if not everyone:
        return []
    by_person = _people_facts(everyone, as_of, types)
    findings: list[tuple[ActiveRule, Finding]] = []
    for rule, people in wanted.items():
        for person in sorted(people):
            facts = by_person.get(person)
            if facts:
                findings.extend(
                    (rule, finding)
                    for finding in rule.definition.evaluate(facts, rule.params, as_of)
                )
    return findings


def benign_values() -> set[tuple[str, str]]:
    return set(BenignValue.objects.values_list("kind", "value"))


def _shared_findings(
    rule: ActiveRule,
    values: Iterable[tuple[str, str]],
    as_of: datetime,
    types: dict[int, tuple[str, str, str]],
    benign: set[tuple[str, str]],
) -> list[tuple[ActiveRule, Finding]]:
    definition = rule.definition
    assert isinstance(definition, SharedIdentifier)
    kinds = set(rule.params["kinds"])
    wanted = sorted({(kind, value) for kind, value in values if kind in kinds} - benign)
    since = as_of - LOOKBACK
    findings: list[tuple[ActiveRule, Finding]] = []
    for chunk in _chunks(wanted, VALUES_CHUNK):
        asked = set(chunk)
        naming: dict[tuple[str, str], set[int]] = defaultdict(set)
        for record_id, kind, value in (
            policy.links_for_rules(as_of=as_of)
            .filter(
                value__in={value for _, value in chunk},
                kind__in={kind for kind, _ in chunk},
                record__occurred_at__gte=since,
            )
            .values_list("record_id", "kind", "value")
        ):
            if (kind, value) in asked:
                naming[(kind, value)].add(record_id)
        record_ids = sorted(set().union(*naming.values())) if naming else []
        facts: dict[int, Fact] = {}
        for some in _chunks(record_ids, IDS_CHUNK):
            for fact in _facts(
                policy.records_for_rules(as_of=as_of).filter(pk__in=some), None, types
            ):
                facts[fact.id] = fact
        for (kind, value), named_ids in sorted(naming.items()):
            named = [facts[pk] for pk in sorted(named_ids) if pk in facts]
            findings.extend(
                (rule, finding)
                for finding in definition.evaluate_value(kind, value, named, rule.params)
            )
    return findings


# --- Incrementally ------------------------------------------------------------------------


@dataclass
class Outcome:
    raised: int = 0
    updated: int = 0

    def add(self, other: Outcome) -> None:
        self.raised += other.raised
        self.updated += other.updated


def findings_for_records(
    record_ids: Sequence[int], *, as_of: datetime, rules: Sequence[ActiveRule]
) -> list[tuple[ActiveRule, Finding]]:
    """What the rules find now that these records were added or changed: only the rules each
    record can affect, for its young person and the values it names."""
    if not record_ids or not rules:
        return []
    types = _types()
    changed: list[Fact] = []
    for ids in _chunks(sorted(set(record_ids)), IDS_CHUNK):
        changed.extend(
            _facts(
                policy.records_for_rules(as_of=as_of).filter(pk__in=ids),
                policy.links_for_rules(as_of=as_of).filter(record_id__in=ids),
                types,
            )
        )
    if not changed:
        return []
    wanted: dict[ActiveRule, set[int]] = {}
    shared: list[tuple[ActiveRule, set[tuple[str, str]]]] = []
    for rule in rules:
        relevant = [fact for fact in changed if rule.definition.relevant(fact, rule.params)]
        if not relevant:
            continue
        if rule.definition.shared:
            shared.append((rule, {(link.kind, link.value) for f in relevant for link in f.links}))
        else:
            wanted[rule] = {fact.young_person_id for fact in relevant}
    findings = _person_findings(wanted, as_of, types)
    if shared:
        benign = benign_values()
        for rule, values in shared:
            findings.extend(_shared_findings(rule, values, as_of, types, benign))
    return findings


def evaluate_records(
    record_ids: Sequence[int],
    *,
    as_of: datetime | None = None,
    replay_run: ReplayRun | None = None,
    rules: Sequence[ActiveRule] | None = None,
) -> Outcome:
    """Evaluate the rules these records can affect, and raise or update alerts."""
    from alerts.actions import do_raise_alerts

    as_of = as_of or timezone.now()
    rules = active_rules() if rules is None else rules
    findings = findings_for_records(record_ids, as_of=as_of, rules=rules)
    if not findings:
        return Outcome()
    return do_raise_alerts(actor=None, findings=findings, as_of=as_of, replay_run=replay_run)


# --- In full ------------------------------------------------------------------------------


def _people_with_records(as_of: datetime) -> QuerySet[AgencyRecord, int]:
    return (
        policy.records_for_rules(as_of=as_of)
        .filter(occurred_at__gte=as_of - LOOKBACK)
        .order_by("young_person_id")
        .values_list("young_person_id", flat=True)
        .distinct()
    )


def shared_candidates(rule: ActiveRule, as_of: datetime) -> list[tuple[str, str]]:
    """Values named in records about at least the rule's number of young people (counted in
    the database)."""
    least = int(rule.params["young_people"])
    return list(
        policy.links_for_rules(as_of=as_of)
        .filter(kind__in=rule.params["kinds"], record__occurred_at__gte=as_of - LOOKBACK)
        .values("kind", "value")
        .annotate(people=Count("record__young_person_id", distinct=True))
        .filter(people__gte=least)
        .order_by("kind", "value")
        .values_list("kind", "value")
    )


def start_full_evaluation(*, as_of: datetime | None = None) -> FullEvaluation:
    """A new full evaluation, or the newest one that did not finish (to resume it)."""
    unfinished = FullEvaluation.objects.filter(finished_at__isnull=True).first()
    if unfinished is not None:
        return unfinished
    as_of = as_of or timezone.now()
    return FullEvaluation.objects.create(
        as_of=as_of, young_people_total=_people_with_records(as_of).count()
    )


def evaluate_all(
    *,
    evaluation: FullEvaluation | None = None,
    chunk: int = PEOPLE_CHUNK,
    progress: Callable[[FullEvaluation], None] | None = None,
    stop_after_chunks: int | None = None,
) -> FullEvaluation:
    """Evaluate every enabled rule for everyone, resuming ``evaluation`` from its checkpoint.

    Each chunk of young people is evaluated, raised and checkpointed in one transaction, so a
    stopped run loses at most one chunk's work. ``stop_after_chunks`` stops early (for tests
    of resuming)."""
    evaluation = evaluation or start_full_evaluation()
    as_of = evaluation.as_of
    rules = active_rules()
    person_rules = [rule for rule in rules if not rule.definition.shared]
    types = _types()
    chunks = 0
    while True:
        if stop_after_chunks is not None and chunks >= stop_after_chunks:
            return evaluation
        people = list(
            _people_with_records(as_of).filter(young_person_id__gt=evaluation.last_young_person_id)[
                :chunk
            ]
        )
        if not people:
            break
        with transaction.atomic():
            outcome = _raise(
                _person_findings({rule: set(people) for rule in person_rules}, as_of, types),
                as_of,
                None,
            )
            evaluation.last_young_person_id = people[-1]
            evaluation.young_people_done += len(people)
            evaluation.alerts_raised += outcome.raised
            evaluation.alerts_updated += outcome.updated
            evaluation.save()
        chunks += 1
        if progress:
            progress(evaluation)
    if not evaluation.shared_done:
        with transaction.atomic():
            outcome = _evaluate_shared(rules, as_of, None, types)
            evaluation.shared_done = True
            evaluation.alerts_raised += outcome.raised
            evaluation.alerts_updated += outcome.updated
            evaluation.finished_at = timezone.now()
            evaluation.save()
    elif evaluation.finished_at is None:
        evaluation.finished_at = timezone.now()
        evaluation.save(update_fields=["finished_at"])
    if progress:
        progress(evaluation)
    return evaluation


def _raise(
    findings: list[tuple[ActiveRule, Finding]], as_of: datetime, replay_run: ReplayRun | None
) -> Outcome:
    from alerts.actions import do_raise_alerts

    if not findings:
        return Outcome()
    return do_raise_alerts(actor=None, findings=findings, as_of=as_of, replay_run=replay_run)


def _evaluate_shared(
    rules: Sequence[ActiveRule],
    as_of: datetime,
    replay_run: ReplayRun | None,
    types: dict[int, tuple[str, str, str]],
) -> Outcome:
    outcome = Outcome()
    benign = benign_values()
    for rule in rules:
        if rule.definition.shared:
            values = shared_candidates(rule, as_of)
            outcome.add(
                _raise(_shared_findings(rule, values, as_of, types, benign), as_of, replay_run)
            )
    return outcome


def evaluate_everyone(
    *, as_of: datetime, rules: Sequence[ActiveRule], replay_run: ReplayRun | None
) -> Outcome:
    """Every rule for everyone as of one moment, chunk by chunk (no checkpoint): a replay's
    first day."""
    types = _types()
    person_rules = [rule for rule in rules if not rule.definition.shared]
    outcome = Outcome()
    last = 0
    while True:
        people = list(_people_with_records(as_of).filter(young_person_id__gt=last)[:PEOPLE_CHUNK])
        if not people:
            break
        findings = _person_findings({rule: set(people) for rule in person_rules}, as_of, types)
        outcome.add(_raise(findings, as_of, replay_run))
        last = people[-1]
    outcome.add(_evaluate_shared(rules, as_of, replay_run, types))
    return outcome


# --- Replay -------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The last moment of a day in the partnership's time zone: what was recorded by then
    could have been known that day."""
    return timezone.make_aware(datetime.combine(day, time.max), timezone.get_default_timezone())


def _recorded_by_day(first: date, last: date) -> dict[date, list[int]]:
    """The records recorded on each day from ``first`` to ``last`` (ids only)."""
    by_day: dict[date, list[int]] = defaultdict(list)
    zone = timezone.get_default_timezone()
    for pk, recorded in (
        policy.records_for_rules(as_of=end_of_day(last))
        .filter(recorded_at__gt=end_of_day(first - timedelta(days=1)))
        .values_list("pk", "recorded_at")
        .iterator(chunk_size=5000)
    ):
        by_day[recorded.astimezone(zone).date()].append(pk)
    return by_day


REPLAY_BLOCK_DAYS = 31


def replay(run: ReplayRun, *, progress: Callable[[ReplayRun], None] | None = None) -> ReplayRun:
    """Run the rules day by day from ``run.starts_on`` to ``run.ends_on``, resuming after
    ``run.days_done``. Each day is one transaction with its progress."""
    if run.status == ReplayStatus.FINISHED:
        return run
    rules = active_rules(parameters=run.parameters)
    run.status = ReplayStatus.RUNNING
    run.days_total = (run.ends_on - run.starts_on).days + 1
    run.error = ""
    run.save(update_fields=["status", "days_total", "error"])
    try:
        if run.days_done == 0:
            with transaction.atomic():
                evaluate_everyone(as_of=end_of_day(run.starts_on), rules=rules, replay_run=run)
                run.days_done = 1
                run.save(update_fields=["days_done"])
            if progress:
                progress(run)
        while run.days_done < run.days_total:
            first = run.starts_on + timedelta(days=run.days_done)
            last = min(run.ends_on, first + timedelta(days=REPLAY_BLOCK_DAYS - 1))
            by_day = _recorded_by_day(first, last)
            day = first
            while day <= last:
                with transaction.atomic():
                    evaluate_records(
                        by_day.get(day, []), as_of=end_of_day(day), replay_run=run, rules=rules
                    )
                    run.days_done += 1
                    run.save(update_fields=["days_done"])
                if progress:
                    progress(run)
                day += timedelta(days=1)
    except Exception as error:
        run.status = ReplayStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.save(update_fields=["status", "error"])
        raise
    run.status = ReplayStatus.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run
