"""``--diagnose``: where the time of a page goes, the plans of its queries, and what fixes buy.

Nothing in the application is changed: its functions are wrapped with timers for the length of a
few requests (module attributes, restored afterwards), every SQL statement is timed through
``connection.execute_wrapper``, the slowest statements are run again under
``EXPLAIN (ANALYZE, BUFFERS)``, and candidate fixes are timed side by side with what the
application does now, outside the request, on the same rows.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from bench import measure
from bench.load import Partnership
from governance import audit, policy
from governance.models import (
    AuditAction,
    AuditObject,
    BreakGlassAccess,
    LegitimateRelationship,
    Level,
)
from governance.permissions import Capability, may
from partnership.models import User
from people.models import YoungPerson
from records import queries
from records import views as record_views
from records.forms import FilterForm
from records.models import AgencyRecord, Classification, RecordType

REPEATS = 20

# (module, attribute, label): wrapped with a timer while a page is requested.
CHRONOLOGY_PARTS: tuple[tuple[Any, str, str], ...] = (
    (record_views, "_young_person", "view: young person lookup"),
    (record_views, "FilterForm", "view: filter form (agencies, types)"),
    (queries, "chronology_for", "view: chronology_for"),
    (policy, "viewer_for", "  of which viewer_for"),
    (policy, "sharing_rules", "    of which sharing_rules"),
    (policy, "level_of", "  of which level_of (all records)"),
    (audit, "record", "view: audit.record"),
    (record_views, "render", "view: render template"),
)
LIST_PARTS: tuple[tuple[Any, str, str], ...] = (
    (record_views, "FilterForm", "view: filter form (agencies, types)"),
    (Paginator, "get_page", "view: Paginator.get_page (the count query)"),
    (queries, "filtered_records", "view: filtered_records (builds the queryset)"),
    (QuerySet, "_fetch_all", "view: querysets evaluated (the first page's rows, choices)"),
    (policy, "viewers_for", "view: viewers_for (the young people on the page)"),
    (policy, "sharing_rules", "  of which sharing_rules"),
    (policy, "level_of", "view: level_of (50 rows)"),
    (audit, "record", "view: audit.record"),
    (record_views, "render", "view: render template"),
)
TOP_LEVEL = "view:"

QUERY_KINDS: tuple[tuple[str, str], ...] = (
    (r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO)", "savepoints"),
    (r"django_session", "session (load and save)"),
    (r"governance_audit", "audit (chain head lock, insert, head update)"),
    (r"COUNT\(\*\).*records_agencyrecord|records_agencyrecord.*COUNT\(\*\)", "records: count"),
    (r"FROM \"records_agencyrecord\"", "records: rows"),
    (r"governance_sharing", "sharing agreement"),
    (r"governance_legitimaterelationship", "case team check"),
    (r"governance_breakglassaccess", "break-glass check"),
    (r"otp_", "second factor device"),
    (r"partnership_user", "signed-in user"),
    (r"people_recordedidentity", "recorded identities"),
    (r"people_youngperson", "young person"),
    (r"partnership_agency|records_recordtype", "form choices (agencies, types)"),
)


def _kind(sql: str) -> str:
    for pattern, label in QUERY_KINDS:
        if re.search(pattern, sql, re.IGNORECASE | re.DOTALL):
            return label
    return "other"


class _Clock:
    def __init__(self) -> None:
        self.ms: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.statements: list[tuple[float, str, Any]] = []
        self.inside = 0

    def wrap(self, label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        """Time each call; a top-level ("view:") part called inside another is not counted
        again (a queryset evaluated inside the filter form belongs to the form)."""
        top = label.startswith(TOP_LEVEL)

        def timed(*args: Any, **kwargs: Any) -> Any:
            nested = top and self.inside > 0
            self.inside += top
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.inside -= top
                if not nested:
                    self.ms[label] += (time.perf_counter() - started) * 1000
                    self.calls[label] += 1

        return timed

    def sql(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.statements.append((elapsed, sql, params))


@contextmanager
def _instrumented(parts: Sequence[tuple[Any, str, str]]) -> Iterator[_Clock]:
    clock = _Clock()
    with ExitStack() as stack:
        for module, attribute, label in parts:
            original = getattr(module, attribute)
            setattr(module, attribute, clock.wrap(label, original))
            stack.callback(setattr, module, attribute, original)
        stack.enter_context(connection.execute_wrapper(clock.sql))
        yield clock


def _breakdown(
    client: Client, urls: Sequence[str], parts: Sequence[tuple[Any, str, str]]
) -> tuple[dict[str, Any], list[tuple[float, str, Any]]]:
    """Mean ms per request of each part, of each kind of query, and of the whole request."""
    for url in urls[:3]:
        client.get(url)
    totals: list[float] = []
    with _instrumented(parts) as clock:
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            totals.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
    n = len(urls)
    total = statistics.fmean(totals)
    top = sum(ms for label, ms in clock.ms.items() if label.startswith(TOP_LEVEL)) / n
    parts_ms = {label: round(clock.ms[label] / n, 2) for _m, _a, label in parts}
    parts_ms["not wrapped (middleware, session, auth, response)"] = round(total - top, 2)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for ms, sql, _params in clock.statements:
        by_kind[_kind(sql)].append(ms)
    queries_ms = {
        kind: {"per_request": round(len(v) / n, 1), "ms": round(sum(v) / n, 2)}
        for kind, v in sorted(by_kind.items(), key=lambda item: -sum(item[1]))
    }
    result = {
        "requests": n,
        "mean_ms": round(total, 2),
        "parts_ms": parts_ms,
        "sql_ms": round(sum(ms for ms, _s, _p in clock.statements) / n, 2),
        "queries": queries_ms,
    }
    return result, clock.statements


def _explain(statements: Sequence[tuple[float, str, Any]], kinds: Sequence[str]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) the slowest SELECT of each kind.

    Only reads: EXPLAIN ANALYZE runs the statement, and an audit INSERT run again would
    collide with the row it already wrote."""
    slowest: dict[str, tuple[float, str, Any]] = {}
    for entry in statements:
        if not entry[1].lstrip().upper().startswith("SELECT"):
            continue
        kind = _kind(entry[1])
        if kind in kinds and (kind not in slowest or entry[0] > slowest[kind][0]):
            slowest[kind] = entry
    plans = []
    for kind in kinds:
        if kind not in slowest:
            continue
        ms, sql, params = slowest[kind]
        # A SELECT ... FOR UPDATE takes its lock: released at once by the rollback.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            transaction.set_rollback(True)
        plans.append(f"  [{kind}] {ms:.2f} ms in the request\n    {sql}\n{plan}")
    return plans


def _median_ms(run: Callable[[], Any], repeats: int = REPEATS) -> float:
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


# --- Candidate fixes, timed against what the application does now --------------------------


def _rows_and_levels(
    user: User,
    filters: queries.Filters,
    filtered: Callable[[User, queries.Filters], QuerySet[AgencyRecord]] = queries.filtered_records,
) -> int:
    return len(measure.list_data_layer(user, filters, filtered))


def _list_fixes(user: User, windows: Sequence[measure.Window]) -> dict[str, float]:
    samples = windows[:REPEATS]
    filters = [
        queries.Filters(type_code=measure.LIST_TYPE, since=w.since, until=w.until) for w in samples
    ]

    def each(run: Callable[[queries.Filters], Any]) -> Callable[[], None]:
        def all_windows() -> None:
            for f in filters:
                run(f)

        return all_windows

    n = len(filters)

    def per_window(run: Callable[[queries.Filters], Any]) -> float:
        return round(_median_ms(each(run), 5) / n, 2)

    out = {
        "rows_and_levels_now_ms": per_window(lambda f: _rows_and_levels(user, f)),
        "count_query_now_ms": per_window(lambda f: queries.filtered_records(user, f).count()),
        "first_page_query_now_ms": per_window(
            lambda f: list(queries.filtered_records(user, f)[:PAGE])
        ),
    }
    for f in filters:  # the proposal must give the same rows
        now = queries.filtered_records(user, f)
        proposed = _proposed_filtered_records(user, f)
        same_page = list(now.values_list("pk", flat=True)[:PAGE]) == list(
            proposed.values_list("pk", flat=True)[:PAGE]
        )
        if not same_page or now.count() != proposed.count():
            raise RuntimeError(f"the proposed list query disagrees with the app's for {f}")
    with transaction.atomic():
        # The partial index exists only inside this transaction, rolled back at the end.
        with connection.cursor() as cursor:
            cursor.execute(CONSENT_INDEX)
            cursor.execute("ANALYZE people_youngperson")
        out["count_query_proposed_ms"] = per_window(
            lambda f: _proposed_filtered_records(user, f).count()
        )
        out["first_page_query_proposed_ms"] = per_window(
            lambda f: list(_proposed_filtered_records(user, f)[:PAGE])
        )
        out["rows_and_levels_all_proposals_ms"] = per_window(
            lambda f: _rows_and_levels(user, f, _proposed_filtered_records)
        )
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_youngperson")
    return out


PAGE = 50
CONSENT_INDEX = (
    "CREATE INDEX bench_consent_blocked ON people_youngperson (id) WHERE consent_blocks_sharing"
)


def _proposed_visible_to(user: User) -> QuerySet[AgencyRecord]:
    """``policy.records_visible_to(user, at_least=SUMMARY)`` with one change: the consent
    check is ``young_person_id NOT IN (young people whose consent blocks sharing)`` instead of a
    join to every young person, so the planner can stay on the records' own indexes."""
    records = AgencyRecord.objects.filter(disposed_at__isnull=True)
    own = Q(owning_agency_id=user.agency_id) & policy._own_agency_filter(user, Level.SUMMARY)
    rules = policy.sharing_rules()
    kind = user.agency.kind if user.agency else ""
    categories = [c for (k, c), level in rules.items() if k == kind and level >= Level.SUMMARY]
    blocked = YoungPerson.objects.filter(consent_blocks_sharing=True).values("pk")
    other = (
        ~Q(owning_agency_id=user.agency_id)
        & Q(category__in=categories)
        & ~Q(classification=Classification.RESTRICTED)
        & ~Q(young_person_id__in=blocked)
    )
    if not may(user, Capability.KNOW_EVERY_YOUNG_PERSON):
        now = timezone.now()
        other &= Q(
            young_person_id__in=policy.active_relationships(user, now).values("young_person_id")
        ) | Q(young_person_id__in=policy.active_break_glass(user, now).values("young_person_id"))
    return records.filter(own | other)


def _proposed_filtered_records(user: User, filters: queries.Filters) -> QuerySet[AgencyRecord]:
    """``queries.filtered_records`` on the proposed gate, with the record type as an id (the
    filter form has already loaded the types) rather than a join on its code."""
    types = RecordType.objects.filter(code=filters.type_code).values("pk")[:1]
    records = _proposed_visible_to(user).filter(record_type_id=Subquery(types))
    return (
        dataclasses.replace(filters, type_code="")
        .apply(records)
        .select_related("record_type", "owning_agency", "owning_service", "young_person")
        .order_by("-occurred_at", "-pk")
    )


# What the chronology template and the gate read of a record.
CHRONOLOGY_FIELDS = (
    "id",
    "young_person_id",
    "record_type__name",
    "owning_agency__name",
    "owning_agency__cse_contact",
    "owning_service__name",
    "owning_agency_id",
    "owning_service_id",
    "author_id",
    "category",
    "classification",
    "nature",
    "title",
    "occurred_at",
    "disposed_at",
)
FIRST_ENTRIES = 100


def _chronology_fixes(user: User, person: int) -> dict[str, float]:
    young_person = YoungPerson.objects.get(pk=person)
    records = AgencyRecord.objects.filter(
        young_person=young_person, disposed_at__isnull=True
    ).order_by("-occurred_at", "-pk")
    full = records.select_related("record_type", "owning_agency", "owning_service")
    only = full.only(*CHRONOLOGY_FIELDS)
    chronology = queries.chronology_for(user, young_person, queries.Filters())
    request = RequestFactory().get(f"/young-people/{person}/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    form = FilterForm(None, agencies=queries.partnership_agencies(), types=queries.record_types())
    context = {
        "young_person": young_person,
        "chronology": chronology,
        "form": form,
        "show_demographics": True,
        "can_record": True,
        "can_break_glass": False,
        "can_export": True,
        "identities": list(young_person.recorded_identities.select_related("agency")),
    }
    viewer = policy.viewer_for(user, young_person)
    fetched = list(full.all())
    first = dataclasses.replace(chronology, entries=chronology.entries[:FIRST_ENTRIES])
    return {
        "records": len(fetched),
        "entries_shown": len(chronology.entries),
        "baseline_sql_ms": _median_ms(lambda: measure.chronology_baseline(person)),
        # .all() each time: a queryset caches its rows once evaluated.
        "orm_rows_select_related_ms": _median_ms(lambda: list(full.all())),
        "orm_rows_only_needed_fields_ms": _median_ms(lambda: list(only.all())),
        "orm_values_ms": _median_ms(lambda: list(records.values(*CHRONOLOGY_FIELDS))),
        "level_of_all_rows_ms": _median_ms(
            lambda: [policy.level_of(viewer, record) for record in fetched]
        ),
        "chronology_for_ms": _median_ms(
            lambda: queries.chronology_for(user, young_person, queries.Filters())
        ),
        "render_template_ms": _median_ms(
            lambda: render_to_string("records/chronology.html", context, request)
        ),
        f"render_template_first_{FIRST_ENTRIES}_entries_ms": _median_ms(
            lambda: render_to_string(
                "records/chronology.html", {**context, "chronology": first}, request
            )
        ),
        "audit_record_ms": _median_ms(
            lambda: audit.record(
                AuditAction.VIEW,
                actor=user,
                object_type=AuditObject.YOUNG_PERSON,
                object_id=person,
                details={"bench": "diagnose"},
            )
        ),
        "sharing_rules_ms": _median_ms(policy.sharing_rules),
    }


def _unfiltered_list(client: Client, user: User) -> dict[str, float]:
    """``/records/`` with no filter: the paginator counts every record the user may see."""
    records = queries.filtered_records(user, queries.Filters())
    times = []
    for _ in range(3):
        started = time.perf_counter()
        client.get("/records/")
        times.append((time.perf_counter() - started) * 1000)
    out = {
        "page_ms": round(statistics.median(times), 1),
        "count_query_ms": _median_ms(records.count, 3),
        "visible_records": records.count(),
        "first_page_query_ms": _median_ms(lambda: list(records.all()[:PAGE]), 3),
        # "More than 1,000": a count of at most 1,001 rows, without the ordering.
        "capped_count_1001_unordered_ms": _median_ms(lambda: records.order_by()[:1001].count(), 3),
    }
    proposed = (
        _proposed_visible_to(user)
        .select_related("record_type", "owning_agency", "owning_service", "young_person")
        .order_by("-occurred_at", "-pk")
    )
    with transaction.atomic():  # both indexes only inside this transaction, rolled back
        with connection.cursor() as cursor:
            cursor.execute(CONSENT_INDEX)
            cursor.execute(RECENT_INDEX)
            cursor.execute("ANALYZE people_youngperson")
        out["first_page_query_proposed_ms"] = _median_ms(lambda: list(proposed.all()[:PAGE]), 3)
        out["capped_count_1001_proposed_ms"] = _median_ms(
            lambda: proposed.order_by()[:1001].count(), 3
        )
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_youngperson")
    return out


RECENT_INDEX = "CREATE INDEX bench_recent ON records_agencyrecord (occurred_at DESC, id DESC)"


def _indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)), idx_scan "
            "FROM pg_stat_user_indexes WHERE relname = 'records_agencyrecord' ORDER BY 1"
        )
        return [f"{name} ({size}, {scans} scans)" for name, size, scans in cursor.fetchall()]


def run(
    parts: Partnership, people: Sequence[measure.Person], windows: Sequence[measure.Window]
) -> dict[str, Any]:
    print("Diagnosing...", flush=True)
    out: dict[str, Any] = {}
    coordinator = parts.coordinator
    client = measure.sign_in(coordinator)
    typical = [p for p in people if p.group == "median"][:REPEATS]
    heavy = sorted((p for p in people if p.group == "heavy"), key=lambda p: -p.records)[:REPEATS]
    heaviest = heavy[0]
    for label, group in (("median", typical), ("heavy", heavy)):
        urls = [f"/young-people/{p.pk}/" for p in group]
        result, statements = _breakdown(client, urls, CHRONOLOGY_PARTS)
        result["records_mean"] = round(statistics.fmean(p.records for p in group), 1)
        out[f"chronology_{label}"] = result
        if label == "heavy":
            out["chronology_plans"] = _explain(
                statements, ("records: rows", "audit (chain head lock, insert, head update)")
            )
    out["chronology_heaviest_isolated"] = _chronology_fixes(coordinator, heaviest.pk)
    out["chronology_typical_isolated"] = _chronology_fixes(coordinator, typical[0].pk)
    for suffix, user in (("", coordinator), ("_practitioner", parts.practitioner)):
        list_client = client if user is coordinator else measure.sign_in(user)
        result, statements = _breakdown(list_client, [w.url for w in windows[:REPEATS]], LIST_PARTS)
        out[f"filtered_list{suffix}"] = result
        out[f"filtered_list{suffix}_plans"] = _explain(
            statements, ("records: count", "records: rows", "case team check")
        )
        out[f"filtered_list{suffix}_fixes"] = _list_fixes(user, windows)
    out["unfiltered_list"] = _unfiltered_list(client, coordinator)
    out["record_indexes"] = _indexes()
    out["relationships"] = LegitimateRelationship.objects.count()
    out["break_glass"] = BreakGlassAccess.objects.count()
    _print(out)
    return {k: v for k, v in out.items() if not k.endswith("_plans")}


def _print(out: dict[str, Any]) -> None:
    for name, value in out.items():
        print(f"\n== {name}")
        if isinstance(value, list):
            print("\n".join(f"  {line}" if not line.startswith("  ") else line for line in value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict):
                    print(f"  {key}:")
                    for k, v in item.items():
                        print(f"    {k:<58} {v}")
                else:
                    print(f"  {key:<60} {item}")
        else:
            print(f"  {value}")
