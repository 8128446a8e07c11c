"""Reading alerts, always through the access gate.

Who sees which alert: the roles that may see every alert (the coordinator, MASH screeners,
analysts) see the whole live queue; anyone else who may see alerts sees those about a young
person they have need to know about now (``policy.young_people_known_to``: a legitimate
relationship or a current break-glass). An alert outside that is a 404.

What each viewer sees of an alert's evidence is ``policy.level_of`` for that record: at
existence, only that the agency holds a linked record and whom to ask; at summary, the type
(or its generic kind where the name is content), the date and the agency; at full, the title
too. A record the viewer may not know of is not shown at all, nor counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from alerts.models import (
    Alert,
    AlertEvidence,
    AlertStatus,
    BenignValue,
    DismissReason,
    ReplayRun,
    Rule,
)
from cases.models import Case, CaseStatus
from cases.queries import cases_for
from governance import policy
from governance.models import Level
from governance.permissions import Capability, may
from imports.models import ImportedRow
from kit.spreadsheet import safe_cell
from partnership.models import Agency, User
from people.models import YoungPerson
from referrals.models import Referral
from referrals.queries import referrals_to_screen

# --- Which alerts --------------------------------------------------------------------------------


def alerts_for(user: User) -> QuerySet[Alert]:
    """The live alerts (not from a replay) this user may see."""
    if not policy.reads_case_content(user) or not may(user, Capability.SEE_ALERTS):
        return Alert.objects.none()
    live = Alert.objects.filter(replay_run__isnull=True)
    if may(user, Capability.SEE_EVERY_ALERT):
        return live
    known = policy.young_people_known_to(user).values("pk")
    about_them = Alert.young_people.through.objects.filter(youngperson_id__in=known)
    return live.filter(pk__in=about_them.values("alert_id"))


def alert_or_404(user: User, pk: int) -> Alert:
    """One live alert the user may see; otherwise Http404 (the view audits the refusal)."""
    found = alerts_for(user).select_related("rule", "rule_version", "decided_by").filter(pk=pk)
    alert = found.first()
    if alert is None:
        raise Http404
    return alert


def queue(
    user: User, *, status: str = AlertStatus.OPEN, rule: Rule | None = None
) -> QuerySet[Alert]:
    """The triage queue: newest first, by status (every status when empty) and rule."""
    alerts = alerts_for(user).select_related("rule")
    if status:
        alerts = alerts.filter(status=status)
    if rule is not None:
        alerts = alerts.filter(rule=rule)
    return alerts.order_by("-raised_at", "-pk")


def open_alert_count(user: User) -> int:
    return alerts_for(user).filter(status=AlertStatus.OPEN).count()


def merge_targets(user: User, alert: Alert) -> QuerySet[Alert]:
    """Other open live alerts that cover every young person of this one (where it may merge)."""
    targets = alerts_for(user).filter(status=AlertStatus.OPEN).exclude(pk=alert.pk)
    for person_id in alert.young_people.values_list("pk", flat=True):
        targets = targets.filter(young_people__pk=person_id)
    return targets.select_related("rule").distinct().order_by("-raised_at", "-pk")


# --- What the viewer sees of one alert -----------------------------------------------------------


@dataclass(frozen=True)
class ShownPerson:
    """A young person of an alert, as this viewer may know them (or "another young person")."""

    pk: int | None
    name: str
    age: int | None
    known: bool


@dataclass(frozen=True)
class ShownEvidence:
    """One record of an alert's evidence at the viewer's level."""

    level: Level
    agency: Agency
    young_person_pk: int
    record_pk: int
    added_at: Any
    occurred_on: date | None = None
    type_label: str = ""
    title: str = ""

    @property
    def contact(self) -> str:
        return self.agency.cse_contact or "the partnership's CSE coordinator"

    @property
    def existence_only(self) -> bool:
        return self.level == Level.EXISTENCE

    @property
    def opens(self) -> bool:
        """Whether the record's own page opens for this viewer (it needs summary)."""
        return self.level >= Level.SUMMARY


@dataclass
class AlertView:
    alert: Alert
    people: list[ShownPerson] = field(default_factory=list)
    evidence: list[ShownEvidence] = field(default_factory=list)
    hidden_people: int = 0

    @property
    def agencies(self) -> list[str]:
        return sorted({e.agency.short_name for e in self.evidence})

    @property
    def known_people(self) -> list[ShownPerson]:
        return [p for p in self.people if p.known]


def _people_known(user: User, ids: set[int]) -> set[int]:
    if may(user, Capability.SEE_EVERY_ALERT):
        return set(ids)
    return set(policy.young_people_known_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _evidence_rows(alerts: list[Alert]) -> dict[int, list[AlertEvidence]]:
    rows: dict[int, list[AlertEvidence]] = {a.pk: [] for a in alerts}
    evidence = AlertEvidence.objects.filter(alert__in=[a.pk for a in alerts]).select_related(
        "record__record_type", "record__owning_agency"
    )
    for row in evidence.order_by("added_at", "pk"):
        rows[row.alert_id].append(row)
    return rows


def _people_of(alerts: list[Alert]) -> dict[int, list[YoungPerson]]:
    through = Alert.young_people.through.objects.filter(alert__in=[a.pk for a in alerts])
    found: dict[int, list[YoungPerson]] = {a.pk: [] for a in alerts}
    for row in through.select_related("youngperson").order_by("youngperson_id"):
        found[row.alert_id].append(row.youngperson)
    return found


def views_of(user: User, alerts: list[Alert]) -> list[AlertView]:
    """Each alert with its young people and evidence as this viewer may see them, in a fixed
    number of queries for a page of alerts."""
    if not alerts:
        return []
    people = _people_of(alerts)
    all_ids = {p.pk for persons in people.values() for p in persons}
    known = _people_known(user, all_ids)
    viewers = policy.viewers_for(user, known)
    today = timezone.localdate()
    evidence = _evidence_rows(alerts)
    shown: list[AlertView] = []
    for alert in alerts:
        view = AlertView(alert)
        for person in people[alert.pk]:
            if person.pk in known:
                view.people.append(
                    ShownPerson(person.pk, person.full_name, person.age_on(today), True)
                )
            else:
                view.hidden_people += 1
        for row in evidence[alert.pk]:
            record = row.record
            viewer = viewers.get(record.young_person_id)
            if viewer is None:  # about a young person the viewer does not work with
                continue
            level = policy.level_of(viewer, record)
            if level == Level.NONE:
                continue
            item: dict[str, Any] = {
                "level": level,
                "agency": record.owning_agency,
                "young_person_pk": record.young_person_id,
                "record_pk": record.pk,
                "added_at": row.added_at,
            }
            if level >= Level.SUMMARY:
                item["occurred_on"] = record.occurred_at.date()
                item["type_label"] = policy.type_label(viewer, record, level)
            if level >= Level.FULL:
                item["title"] = record.title
            view.evidence.append(ShownEvidence(**item))
        shown.append(view)
    return shown


def view_of(user: User, alert: Alert) -> AlertView:
    return views_of(user, [alert])[0]


def shared_value_shown(user: User, alert: Alert) -> bool:
    """Whether the viewer may read the shared phone, vehicle, place or person the alert is
    about: only when a record of its evidence that they see at summary or more names it."""
    if not alert.shared_kind or not alert.shared_value:
        return False
    return (
        policy.links_visible_to(user)
        .filter(
            kind=alert.shared_kind,
            value=alert.shared_value,
            record_id__in=alert.evidence.values("record_id"),
        )
        .exists()
    )


def merged_into_this(user: User, alert: Alert) -> list[Alert]:
    return list(alerts_for(user).filter(merged_into=alert).select_related("rule", "decided_by"))


def waiting_referrals_for(user: User, alert: Alert) -> QuerySet[Referral]:
    """Referrals about the alert's young people still awaiting screening, that this user may
    see in the screening queue: an accepted alert may be added to one of them."""
    return (
        referrals_to_screen(user)
        .filter(young_person__in=alert.young_people.values("pk"))
        .select_related("young_person", "receiving_agency")
        .order_by("received_at")
    )


def open_cases_for(user: User, alert: Alert) -> QuerySet[Case]:
    """Open cases of the alert's young people that this user may see (for a case action)."""
    return (
        cases_for(user)
        .exclude(status=CaseStatus.CLOSED)
        .filter(young_person__in=alert.young_people.values("pk"))
        .order_by("young_person__family_name", "pk")
    )


# --- The rules' record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRecord:
    """How a rule has earned its keep in the live queue."""

    rule: Rule
    raised: int
    accepted: int
    dismissed: int
    merged: int
    still_open: int
    dismissed_by_reason: list[tuple[str, int]]

    @property
    def decided(self) -> int:
        return self.accepted + self.dismissed

    @property
    def acceptance_share(self) -> int | None:
        """Accepted as a whole percentage of those accepted or dismissed (None before any)."""
        if not self.decided:
            return None
        return round(100 * self.accepted / self.decided)


def rule_records() -> list[RuleRecord]:
    """Every rule with its counts in the live queue (figures only: no young person)."""
    live = Alert.objects.filter(replay_run__isnull=True)
    by_status: dict[tuple[int, str], int] = {
        (row["rule_id"], row["status"]): row["n"]
        for row in live.values("rule_id", "status").annotate(n=Count("pk"))
    }
    reasons: dict[int, Counter[str]] = {}
    dismissed = live.filter(status=AlertStatus.DISMISSED)
    for row in dismissed.values("rule_id", "dismiss_reason").annotate(n=Count("pk")):
        reasons.setdefault(row["rule_id"], Counter())[row["dismiss_reason"]] += row["n"]
    labels = dict(DismissReason.choices)
    records = []
    for rule in Rule.objects.all():
        counts = {status: by_status.get((rule.pk, status), 0) for status in AlertStatus.values}
        records.append(
            RuleRecord(
                rule=rule,
                raised=sum(counts.values()),
                accepted=counts[AlertStatus.ACCEPTED],
                dismissed=counts[AlertStatus.DISMISSED],
                merged=counts[AlertStatus.MERGED],
                still_open=counts[AlertStatus.OPEN],
                dismissed_by_reason=[
                    (labels.get(code, code), n)
                    for code, n in sorted(reasons.get(rule.pk, Counter()).items())
                ],
            )
        )
    return records


def rule_record(rule: Rule) -> RuleRecord:
    return next(r for r in rule_records() if r.rule.pk == rule.pk)


def benign_values() -> QuerySet[BenignValue]:
    return BenignValue.objects.select_related("added_by").order_by("kind", "label")


# --- Replays -------------------------------------------------------------------------------------


def replay_runs(user: User) -> QuerySet[ReplayRun]:
    if not may(user, Capability.RUN_ALERT_REPLAY):
        return ReplayRun.objects.none()
    return ReplayRun.objects.select_related("created_by").order_by("-created_at", "-pk")


def replay_counts(run: ReplayRun) -> list[tuple[Rule, int, int]]:
    """(rule, alerts raised, distinct young people) per rule in one replay run."""
    rows = (
        Alert.objects.filter(replay_run=run)
        .values("rule_id")
        .annotate(n=Count("pk", distinct=True), people=Count("young_people", distinct=True))
    )
    rules = {rule.pk: rule for rule in Rule.objects.all()}
    return [
        (rules[row["rule_id"]], row["n"], row["people"])
        for row in sorted(rows, key=lambda r: (rules[r["rule_id"]].position, r["rule_id"]))
    ]


def replay_total(run: ReplayRun) -> int:
    return Alert.objects.filter(replay_run=run).count()


# --- The replay run's CSV (references only) ----------------------------------------------------

REPLAY_CSV_COLUMNS = (
    "Alert",
    "Young person reference",
    "Agency row references",
    "Raised on",
    "Rule",
    "Evidence record references",
)


def young_person_reference(pk: int) -> str:
    """Tessera's reference for a young person, as exports and replays give it."""
    return f"YP-{pk}"


def _row_references(young_person_ids: set[int]) -> dict[int, str]:
    """For each young person, the agency rows linked to them: feed, file, rows and the
    agency's own reference for the person, one entry per feed, file and reference."""
    grouped: dict[int, dict[tuple[str, str, str], list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for person, feed, file_name, row, reference in (
        ImportedRow.objects.filter(young_person_id__in=young_person_ids)
        .order_by("young_person_id", "batch_id", "row_number")
        .values_list(
            "young_person_id", "feed", "batch__file_name", "row_number", "source_reference"
        )
        .iterator(chunk_size=5000)
    ):
        grouped[person][(feed, file_name, reference)].append(row)
    return {
        person: "; ".join(
            f"{feed} | {file_name} | rows {','.join(str(row) for row in rows)} | "
            f"{reference or 'no reference'}"
            for (feed, file_name, reference), rows in entries.items()
        )
        for person, entries in grouped.items()
    }


def replay_csv_rows(run: ReplayRun, *, chunk: int = 500) -> Iterator[list[str]]:
    """The run's alerts as CSV rows (the header first): one row per alert and young person,
    every cell spreadsheet-safe. Read a chunk of alerts at a time."""
    yield list(REPLAY_CSV_COLUMNS)
    last = 0
    while True:
        alerts = list(
            Alert.objects.filter(replay_run=run, pk__gt=last)
            .select_related("rule")
            .order_by("pk")[:chunk]
        )
        if not alerts:
            return
        last = alerts[-1].pk
        people: dict[int, list[int]] = defaultdict(list)
        for alert_id, person in Alert.young_people.through.objects.filter(
            alert__in=alerts
        ).values_list("alert_id", "youngperson_id"):
            people[alert_id].append(person)
        evidence: dict[int, list[int]] = defaultdict(list)
        for alert_id, record_id in AlertEvidence.objects.filter(alert__in=alerts).values_list(
            "alert_id", "record_id"
        ):
            evidence[alert_id].append(record_id)
        references = _row_references({p for persons in people.values() for p in persons})
        for alert in alerts:
            records = " ".join(f"R-{pk}" for pk in sorted(evidence[alert.pk]))
            for person in sorted(people[alert.pk]):
                yield [
                    safe_cell(value)
                    for value in (
                        str(alert.pk),
                        young_person_reference(person),
                        references.get(person, ""),
                        timezone.localtime(alert.raised_at).date().isoformat(),
                        alert.rule.name,
                        records,
                    )
                ]
