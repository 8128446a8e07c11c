"""Timing the pages in-process, and the hand-written SQL baselines, in the same run.

"Server time" is the wall time of ``django.test.Client.get``: the request goes through every
middleware, the view, the queries, the audit write and the template, with no network and no
HTTP parsing. Each page request runs inside ``CaptureQueriesContext`` so that its query count
is known. Page and baseline are interleaved sample by sample (alternating which goes first) so
that both see the same state of the caches.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.load import PASSWORD, YEARS
from governance import policy
from governance.actions import do_add_relationship
from governance.models import Level, RelationshipKind
from governance.permissions import Capability, may
from partnership.models import Role, ServiceKind, User
from people.models import YoungPerson
from records import queries

WARM_UP = 5
LIST_TYPE = "missing-episode"
LIST_DAYS = 30
PAGE_SIZE = 50  # records.views.record_list
CHECKED_SAMPLES = 10  # samples whose baseline rows are checked against the app's own answer


# --- Signing in with both factors ------------------------------------------------------------


def _code(device: TOTPDevice, steps_ahead: int) -> str:
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - steps_ahead * device.step,
        digits=device.digits,
    )
    return f"{value:0{device.digits}d}"


def sign_in(user: User) -> Client:
    """A client signed in with password and TOTP code, as ``conftest.sign_in_fully`` does."""
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"password sign-in failed for {user.username}: {response.status_code}")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    step_now = int((time.time() - device.t0) // device.step)
    # A code is refused if its time step was already used (a re-run within 30 seconds): take
    # the next step's, which the tolerance of one step accepts, or wait for a fresh one.
    while device.last_t >= step_now + 1:
        time.sleep(1)
        step_now = int((time.time() - device.t0) // device.step)
    ahead = 0 if device.last_t < step_now else 1
    response = client.post("/sign-in/code/", {"code": _code(device, ahead)})
    if response.status_code != 302 or response["Location"] != "/":
        raise RuntimeError(f"second factor refused for {user.username}: {response.status_code}")
    return client


# --- Samples ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    pk: int
    records: int
    group: str  # "median" or "heavy"


def sample_people(rng: random.Random, samples: int) -> tuple[list[Person], list[int], float]:
    """Half the samples around the median number of records, half from the top 1%.

    Returns the samples, a few other young people for warming up, and the median.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT young_person_id, count(*) FROM records_agencyrecord "
            "WHERE disposed_at IS NULL GROUP BY young_person_id ORDER BY 2, 1"
        )
        counts: list[tuple[int, int]] = [(int(pk), int(n)) for pk, n in cursor.fetchall()]
    median = statistics.median(n for _pk, n in counts)
    around = [(pk, n) for pk, n in counts if 0.8 * median <= n <= 1.2 * median]
    tail = counts[-max(1, len(counts) // 100) :]
    heavy_count = samples // 2
    median_count = samples - heavy_count
    chosen = [Person(pk, n, "median") for pk, n in rng.sample(around, median_count)]
    chosen += [Person(pk, n, "heavy") for pk, n in rng.sample(tail, min(heavy_count, len(tail)))]
    rng.shuffle(chosen)
    taken = {person.pk for person in chosen}
    spare = [pk for pk, _n in rng.sample(counts, WARM_UP * 4) if pk not in taken][:WARM_UP]
    return chosen, spare, float(median)


def join_case_team(practitioner: User, people: Sequence[int]) -> int:
    """The practitioner joins the case team of each young person (once; re-runs reuse it)."""
    already = set(
        policy.active_relationships(practitioner)
        .filter(young_person_id__in=people)
        .values_list("young_person_id", flat=True)
    )
    added = 0
    for person in YoungPerson.objects.filter(pk__in=set(people) - already):
        do_add_relationship(
            actor=None,
            young_person=person,
            user=practitioner,
            kind=RelationshipKind.CASE_TEAM,
            reason="Benchmark: allocated social worker",
        )
        added += 1
    return added


# --- Timing ----------------------------------------------------------------------------------


@dataclass
class Series:
    """Times (ms) and query counts of the page, and times of the baseline, per sample."""

    page_ms: list[float] = field(default_factory=list)
    page_queries: list[int] = field(default_factory=list)  # without periodic session saves
    session_saves: int = 0
    baseline_ms: list[float] = field(default_factory=list)
    data_ms: list[float] = field(default_factory=list)  # the app's data layer, no request
    # bench.pipeline's pages (chronology only): the audited empty page, the hand-written page
    floor_ms: list[float] = field(default_factory=list)
    handwritten_ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # records (chronology) / rows (list)
    groups: list[str] = field(default_factory=list)


def _session_write(statements: Sequence[dict[str, str]]) -> int:
    """How many of a request's statements are the session's periodic save.

    ``web.middleware.SessionLimitsMiddleware`` refreshes the session's last-seen time at most
    every 30 seconds, so some requests save the session (BEGIN, UPDATE, COMMIT) and most do
    not: a matter of the clock, not of the data, so left out of the fixed-queries check.
    """
    sql = [statement["sql"].strip() for statement in statements]
    for index, text in enumerate(sql):
        if text.startswith('UPDATE "django_session"'):
            before = index > 0 and sql[index - 1] == "BEGIN"
            after = index + 1 < len(sql) and sql[index + 1] == "COMMIT"
            return 1 + int(before) + int(after)
    return 0


def _get(client: Client, url: str) -> tuple[float, int, bool]:
    """Milliseconds, queries (without a periodic session save) and whether it saved one."""
    # The query log is a deque of 9,000: cleared each time, so that the count stays exact.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    session = _session_write(captured.captured_queries)
    return elapsed * 1000, len(captured.captured_queries) - session, session > 0


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return (time.perf_counter() - started) * 1000, result


def _measure(
    client: Client,
    url: str,
    baseline: Callable[[], Any],
    data: Callable[[], Any],
    series: Series,
    index: int,
) -> Any:
    if index % 2:
        page = _get(client, url)
        base_ms, rows = _timed(baseline)
    else:
        base_ms, rows = _timed(baseline)
        page = _get(client, url)
    data_ms, _result = _timed(data)
    series.page_ms.append(page[0])
    series.page_queries.append(page[1])
    series.session_saves += page[2]
    series.baseline_ms.append(base_ms)
    series.data_ms.append(data_ms)
    return rows


# --- The chronology --------------------------------------------------------------------------

CHRONOLOGY_SQL = """
SELECT r.id, r.occurred_at, r.ended_at, r.title, r.nature, r.classification, r.category,
       r.owning_agency_id, r.owning_service_id, r.author_id, r.disposed_at,
       rt.code, rt.name, a.name, a.short_name, a.cse_contact, s.name, s.kind
  FROM records_agencyrecord r
  JOIN records_recordtype rt ON rt.id = r.record_type_id
  JOIN partnership_agency a ON a.id = r.owning_agency_id
  LEFT JOIN partnership_service s ON s.id = r.owning_service_id
 WHERE r.young_person_id = %s AND r.disposed_at IS NULL
 ORDER BY r.occurred_at DESC, r.id DESC
"""


def chronology_baseline(person: int) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(CHRONOLOGY_SQL, [person])
        return cursor.fetchall()


def chronology_data_layer(user: User, person: int) -> queries.Chronology:
    """What the page asks of the data layer: the young person, then ``chronology_for``."""
    return queries.chronology_for(user, YoungPerson.objects.get(pk=person), queries.Filters())


def measure_chronology(
    client: Client, user: User, people: Sequence[Person], spare: Sequence[int]
) -> Series:
    for pk in spare:
        _get(client, f"/young-people/{pk}/")
        _get(client, f"/bench/floor/{pk}/")
        _get(client, f"/bench/handwritten/{pk}/")
        chronology_baseline(pk)
        chronology_data_layer(user, pk)
    series = Series()
    for index, person in enumerate(people):
        series.floor_ms.append(_get(client, f"/bench/floor/{person.pk}/")[0])
        series.handwritten_ms.append(_get(client, f"/bench/handwritten/{person.pk}/")[0])
        rows = _measure(
            client,
            f"/young-people/{person.pk}/",
            partial(chronology_baseline, person.pk),
            partial(chronology_data_layer, user, person.pk),
            series,
            index,
        )
        series.sizes.append(len(rows))
        series.groups.append(person.group)
        if index < CHECKED_SAMPLES:
            _check_chronology(user, person.pk, rows)
    return series


def _check_chronology(user: User, person: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """Every baseline row is one the page decided on (shown, or counted in a flag)."""
    chronology = queries.chronology_for(user, YoungPerson.objects.get(pk=person), queries.Filters())
    shown = {entry.record.pk for entry in chronology.entries}
    flagged = sum(flag.count for flag in chronology.flags)
    ids = {row[0] for row in rows}
    if not shown <= ids or len(shown) + flagged != len(ids):
        raise RuntimeError(
            f"baseline disagrees with the chronology of young person {person}: "
            f"{len(ids)} rows against {len(shown)} shown and {flagged} flagged"
        )


# --- The filtered list -----------------------------------------------------------------------

_IN_TEAM = """
                SELECT young_person_id FROM governance_legitimaterelationship
                 WHERE user_id = %(user)s AND starts_at <= now()
                   AND (ends_at IS NULL OR ends_at > now())
                UNION
                SELECT young_person_id FROM governance_breakglassaccess
                 WHERE user_id = %(user)s AND granted_at <= now() AND expires_at > now()"""
_VISIBLE = f"""
      r.disposed_at IS NULL
  AND rt.code = %(type)s
  AND r.occurred_at >= %(since)s AND r.occurred_at < %(until)s
  AND (
        (r.owning_agency_id = %(agency)s
         AND (r.classification <> 'restricted' OR r.author_id = %(user)s
              OR r.owning_service_id = %(service)s)
         AND (%(sexual_health)s OR r.category <> 'sexual_health' OR r.author_id = %(user)s))
     OR (r.owning_agency_id <> %(agency)s
         AND r.category = ANY(%(categories)s)
         AND r.classification <> 'restricted'
         AND NOT yp.consent_blocks_sharing
         AND (%(need_to_know)s OR r.young_person_id IN ({_IN_TEAM}))
         -- Filtered by type: a type name that is content shows only at full level.
         AND ((r.classification = 'standard' AND r.category <> ALL(%(content_names)s))
              OR (r.category = ANY(%(full_categories)s)
                  AND (r.classification <> 'sensitive' OR r.young_person_id IN ({_IN_TEAM})))))
  )
"""
LIST_COUNT_SQL = f"""
SELECT count(*)
  FROM records_agencyrecord r
  JOIN records_recordtype rt ON rt.id = r.record_type_id
  JOIN people_youngperson yp ON yp.id = r.young_person_id
 WHERE {_VISIBLE}
"""
LIST_PAGE_SQL = f"""
SELECT r.id, r.occurred_at, r.title, r.classification, r.category, r.young_person_id,
       yp.given_name, yp.family_name, yp.consent_blocks_sharing,
       rt.code, rt.name, a.name, a.short_name, s.name
  FROM records_agencyrecord r
  JOIN records_recordtype rt ON rt.id = r.record_type_id
  JOIN people_youngperson yp ON yp.id = r.young_person_id
  JOIN partnership_agency a ON a.id = r.owning_agency_id
  LEFT JOIN partnership_service s ON s.id = r.owning_service_id
 WHERE {_VISIBLE}
 ORDER BY r.occurred_at DESC, r.id DESC
 LIMIT {PAGE_SIZE}
"""


@dataclass(frozen=True)
class Window:
    since: date
    until: date

    @property
    def url(self) -> str:
        return f"/records/?type={LIST_TYPE}&since={self.since}&until={self.until}"


def windows(rng: random.Random, count: int, today: date) -> list[Window]:
    latest = YEARS * 365 - LIST_DAYS
    out = []
    for _ in range(count):
        since = today - timedelta(days=rng.randrange(LIST_DAYS, latest))
        out.append(Window(since, since + timedelta(days=LIST_DAYS)))
    return out


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock.min))


def list_parameters(user: User, window: Window) -> dict[str, Any]:
    """The user's facts for the hand-written visibility predicate (worked out once, untimed)."""
    kind = user.agency.kind if user.agency else ""
    rules = policy.sharing_rules()
    return {
        "type": LIST_TYPE,
        "since": _start_of(window.since),
        "until": _start_of(window.until) + timedelta(days=1),
        "agency": user.agency_id,
        "user": user.pk,
        "service": user.service_id,
        "sexual_health": bool(user.service and user.service.kind == ServiceKind.SEXUAL_HEALTH),
        "categories": [
            c for (k, c), level in rules.items() if k == kind and level >= Level.SUMMARY
        ],
        "need_to_know": may(user, Capability.KNOW_EVERY_YOUNG_PERSON),
        "content_names": sorted(policy.content_type_names()),
        "full_categories": [
            c for (k, c), level in rules.items() if k == kind and level >= Level.FULL
        ],
    }


def list_baseline(parameters: dict[str, Any]) -> tuple[int, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(LIST_COUNT_SQL, parameters)
        row = cursor.fetchone()
        cursor.execute(LIST_PAGE_SQL, parameters)
        return (int(row[0]) if row else 0), cursor.fetchall()


def _filters(window: Window) -> queries.Filters:
    return queries.Filters(type_code=LIST_TYPE, since=window.since, until=window.until)


def list_data_layer(
    user: User,
    filters: queries.Filters,
    filtered: Callable[[User, queries.Filters], Any] = queries.filtered_records,
) -> list[queries.Entry]:
    """What ``records.views.record_list`` asks of the data layer before rendering: the first
    page of ``filtered_records`` (with its count), the viewers of the young people on it
    (``policy.viewers_for``) and a level for each row. Kept in step with the view by hand."""
    page = Paginator(filtered(user, filters), PAGE_SIZE).get_page(1)
    records = list(page.object_list)
    return queries.list_entries(user, records)


def measure_list(
    client: Client, user: User, windows_: Sequence[Window], warm: Sequence[Window]
) -> tuple[Series, list[int]]:
    if user.role == Role.IG_OFFICER:
        raise ValueError("the hand-written predicate covers case workers, not IG officers")
    for window in warm:
        _get(client, window.url)
        list_baseline(list_parameters(user, window))
        list_data_layer(user, _filters(window))
    series = Series()
    matching: list[int] = []
    for index, window in enumerate(windows_):
        parameters = list_parameters(user, window)
        count, rows = _measure(
            client,
            window.url,
            partial(list_baseline, parameters),
            partial(list_data_layer, user, _filters(window)),
            series,
            index,
        )
        series.sizes.append(len(rows))
        series.groups.append("list")
        matching.append(count)
        if index < CHECKED_SAMPLES:
            _check_list(user, window, count, rows)
    return series, matching


def _check_list(user: User, window: Window, count: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """The baseline's count and first page are the app's own (``filtered_records``)."""
    records = queries.filtered_records(user, _filters(window))
    ids = list(records.values_list("pk", flat=True)[:PAGE_SIZE])
    if records.count() != count or ids != [row[0] for row in rows]:
        raise RuntimeError(f"the baseline disagrees with filtered_records for {window}")
