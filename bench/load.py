"""Synthetic data for the benchmark, loaded fast.

The partnership (agencies, services, users) goes through the real actions: a few dozen rows,
each audited as in real use. Young people, their recorded identities and their agency records
go in with PostgreSQL ``COPY`` on a connection of their own, in one transaction: the secondary
indexes and foreign keys of each table are dropped first and rebuilt afterwards, which is much
faster than maintaining them row by row and leaves the schema exactly as migrated. Nothing here
writes to the audit log except through ``governance.audit.record`` (inside the actions).

The data (all ``is_synthetic=True``):

* young people aged 10 to 17, names from :mod:`demo.names`; 3% declined consent to sharing;
* records per young person log-normally distributed (sigma 1.0) and scaled to the total, capped
  at :data:`MAX_PER_PERSON`: most young people have a few records, a tail has hundreds;
* records spread over ten agencies by realistic weights and, within each agency, over the
  record types (and services) that agency actually records; the sharing category comes from
  :func:`records.catalogue.category_for` for the owner, as in the application;
* occurred over the last three years, written in time order with young people interleaved (so
  a young person's records are scattered over the table as they would be in real use);
* 94% standard, 5% sensitive, 1% restricted; 0.3% disposed (hidden from every page).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from psycopg import sql
from psycopg.rows import TupleRow

from bench import database
from demo import names
from partnership.actions import do_add_service, do_create_agency, do_create_user
from partnership.models import Agency, AgencyKind, Role, Service, ServiceKind, User
from records.catalogue import category_for
from records.models import RecordType

PASSWORD = "bench-password-not-secret-0123"  # noqa: S105 — synthetic accounts in a throwaway db
COORDINATOR = "bench.coordinator"
PRACTITIONER = "bench.practitioner"
YEARS = 3
SIGMA = 1.0
MAX_PER_PERSON = 1000
CHUNK = 50_000

# key, name, short name, kind, share of all records, CSE contact
AGENCIES: tuple[tuple[str, str, str, AgencyKind, float, str], ...] = (
    ("police", "Benchshire Police", "POL", AgencyKind.POLICE, 24, "CSE team, 0100 000 0001"),
    (
        "csc",
        "Benchshire Children's Social Care",
        "CSC",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        20,
        "MASH, 0100 000 0002",
    ),
    ("health", "Benchshire Health NHS Trust", "HLT", AgencyKind.HEALTH, 12, "Named nurse"),
    ("education", "Benchshire Education", "EDU", AgencyKind.EDUCATION, 25, "Safeguarding team"),
    ("yos", "Benchshire Youth Offending Service", "YOS", AgencyKind.YOUTH_OFFENDING, 5, ""),
    ("probation", "Benchshire Probation", "PRB", AgencyKind.PROBATION, 2, ""),
    ("housing", "Benchshire Housing", "HSG", AgencyKind.HOUSING, 4, ""),
    ("charity", "Benchshire Safe Steps", "VOL", AgencyKind.VOLUNTARY_SECTOR, 6, "Project lead"),
    ("adults", "Benchshire Adult Services", "ADS", AgencyKind.ADULT_SERVICES, 1.5, ""),
    ("hotel", "Benchshire Riverside Hotel", "HTL", AgencyKind.COMMUNITY_PARTNER, 0.5, ""),
)

# key, agency key, name, kind
SERVICES: tuple[tuple[str, str, str, ServiceKind], ...] = (
    ("police.cse", "police", "Child exploitation team", ServiceKind.CSE_TEAM),
    ("police.intel", "police", "Intelligence unit", ServiceKind.INTELLIGENCE),
    ("police.mash", "police", "MASH", ServiceKind.MASH),
    ("csc.mash", "csc", "MASH", ServiceKind.MASH),
    ("csc.assessment", "csc", "Assessment and intervention", ServiceKind.GENERAL),
    ("health.sexual", "health", "Sexual health clinic", ServiceKind.SEXUAL_HEALTH),
    ("health.nursing", "health", "School nursing", ServiceKind.SCHOOL_NURSING),
    ("health.ed", "health", "Emergency department", ServiceKind.EMERGENCY_DEPARTMENT),
    ("education.academy", "education", "Benchshire Academy", ServiceKind.SCHOOL),
    ("education.primary", "education", "Brookside Primary", ServiceKind.SCHOOL),
)

# What each agency records: (record type code, weight, services it is held by; None = none).
TYPE_MIX: dict[str, tuple[tuple[str, float, tuple[str | None, ...]], ...]] = {
    "police": (
        ("missing-episode", 22, (None, "police.mash")),
        ("police-stop", 14, (None,)),
        ("arrest", 8, (None,)),
        ("found-with-adult", 10, ("police.cse",)),
        ("seen-at-hot-spot", 8, ("police.intel", "police.cse")),
        ("gang-association", 5, ("police.intel",)),
        ("concern", 15, ("police.cse", "police.mash")),
        ("note", 18, (None, "police.cse")),
    ),
    "csc": (
        ("missing-episode", 15, ("csc.assessment",)),
        ("return-home-interview", 12, ("csc.assessment",)),
        ("placement-move", 8, ("csc.assessment",)),
        ("in-care", 5, ("csc.assessment",)),
        ("prior-abuse", 5, ("csc.assessment", "csc.mash")),
        ("concern", 25, ("csc.mash",)),
        ("note", 30, ("csc.assessment", None)),
    ),
    "health": (
        ("health-attendance", 25, (None,)),
        ("emergency-attendance", 20, ("health.ed",)),
        ("sexual-health-attendance", 15, ("health.sexual",)),
        ("school-nurse-contact", 20, ("health.nursing",)),
        ("substance-misuse", 5, (None, "health.ed")),
        ("concern", 10, (None, "health.nursing")),
        ("note", 5, (None,)),
    ),
    "education": (
        ("school-absence", 35, ("education.academy", "education.primary")),
        ("late-after-registers-closed", 15, ("education.academy", "education.primary")),
        ("lesson-missed", 20, ("education.academy",)),
        ("out-of-education", 3, (None,)),
        ("concern", 15, ("education.academy", "education.primary")),
        ("note", 12, ("education.academy", "education.primary", None)),
    ),
    "yos": (
        ("concern", 30, (None,)),
        ("note", 40, (None,)),
        ("gang-association", 15, (None,)),
        ("substance-misuse", 15, (None,)),
    ),
    "probation": (("note", 60, (None,)), ("concern", 40, (None,))),
    "housing": (("homelessness", 30, (None,)), ("note", 40, (None,)), ("concern", 30, (None,))),
    "charity": (
        ("concern", 25, (None,)),
        ("note", 40, (None,)),
        ("older-boyfriend", 10, (None,)),
        ("gifts", 10, (None,)),
        ("unexplained-phone-or-money", 15, (None,)),
    ),
    "adults": (("note", 50, (None,)), ("concern", 30, (None,)), ("disability", 20, (None,))),
    "hotel": (("concern", 100, (None,)),),
}

TITLES = (
    "{}",
    "{}: reported by carer",
    "{}: reported by school",
    "{}: seen by duty officer",
    "{}: follow-up arranged",
    "{}: information from a partner agency",
)
DETAILS = (
    "Young person was spoken to alone and said they were fine; carer reports they are often "
    "out late and will not say where they have been.",
    "Seen getting into a car with an older male outside the shopping centre at around 21:00. "
    "Vehicle details passed to the police.",
    "Attended with a friend. Presented as withdrawn and tired; declined to discuss how they "
    "got the new phone. Safeguarding lead informed.",
    "Missing overnight from placement, returned of own accord at 07:30 with unexplained cash. "
    "Return home interview offered.",
    "Attendance has dropped to 62% this half term; unauthorised absences are mostly Fridays.",
    "Worker's professional opinion: the young person is at risk of exploitation; multi-agency "
    "discussion requested.",
    "Concern raised by staff about an adult repeatedly booking rooms with different young "
    "people. Descriptions recorded.",
    "Discussed healthy relationships; young person described a 'boyfriend' aged about 24.",
    "",
)
LOCATIONS = ("", "", "", "Town centre", "Railway station", "Retail park", "Riverside", "Home")
FACTS_MISSING = (
    '{"reported_by": "carer", "found_by": "police"}',
    '{"reported_by": "placement", "returned": "own accord"}',
    '{"reported_by": "parent"}',
)
CLASSIFICATIONS = (("standard", 94.0), ("sensitive", 5.0), ("restricted", 1.0))
NATURES = (("fact", 70.0), ("opinion", 20.0), ("allegation", 10.0))
PERSON_CATEGORIES = (("victim", 92.0), ("witness", 5.0), ("other", 3.0))
DISPOSED_SHARE = 0.003
CONSENT_BLOCKED_SHARE = 0.03


@dataclass
class Partnership:
    agencies: dict[str, Agency]
    services: dict[str, Service]
    authors: dict[str, User]
    coordinator: User
    practitioner: User


@dataclass(frozen=True)
class LoadResult:
    young_people: int
    records: int
    seconds: float


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


# --- The partnership, through the real actions ---------------------------------------------


def partnership() -> Partnership:
    """Agencies, services and users: created through the actions, or found if already there."""
    existing = User.objects.filter(username=COORDINATOR).first()
    if existing is None:
        with transaction.atomic():
            _create_partnership()
    return _find_partnership()


def _create_partnership() -> None:
    agencies: dict[str, Agency] = {}
    for key, name, short, kind, _share, contact in AGENCIES:
        agencies[key] = do_create_agency(
            actor=None,
            name=name,
            short_name=short,
            kind=kind,
            cse_contact=contact,
            is_synthetic=True,
        )
    services: dict[str, Service] = {}
    for key, agency_key, name, service_kind in SERVICES:
        services[key] = do_add_service(
            actor=None, agency=agencies[agency_key], name=name, kind=service_kind
        )
    for key, _name, short, kind, _share, _contact in AGENCIES:
        community = kind == AgencyKind.COMMUNITY_PARTNER
        do_create_user(
            actor=None,
            username=f"bench.{key}.author",
            password=PASSWORD,
            agency=agencies[key],
            role=Role.COMMUNITY_PARTNER if community else Role.PRACTITIONER,
            first_name="Bench",
            last_name=f"Author {short}",
            is_synthetic=True,
            validate=False,
        )
    people = (
        (COORDINATOR, "police", "police.cse", Role.COORDINATOR, "Coordinator"),
        (PRACTITIONER, "csc", "csc.assessment", Role.PRACTITIONER, "Practitioner"),
    )
    for username, agency_key, service_key, role, last in people:
        user = do_create_user(
            actor=None,
            username=username,
            password=PASSWORD,
            agency=agencies[agency_key],
            service=services[service_key],
            role=role,
            first_name="Bench",
            last_name=last,
            is_synthetic=True,
            validate=False,
        )
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _find_partnership() -> Partnership:
    agencies = {
        key: Agency.objects.get(short_name=short) for key, _n, short, _k, _s, _c in AGENCIES
    }
    services = {
        key: Service.objects.get(agency=agencies[agency_key], name=name)
        for key, agency_key, name, _kind in SERVICES
    }
    users = User.objects.select_related("agency", "service")
    return Partnership(
        agencies=agencies,
        services=services,
        authors={key: users.get(username=f"bench.{key}.author") for key in agencies},
        coordinator=users.get(username=COORDINATOR),
        practitioner=users.get(username=PRACTITIONER),
    )


# --- Bulk rows with COPY -------------------------------------------------------------------


@contextmanager
def _without_secondary_indexes(cur: psycopg.Cursor[TupleRow], table: str) -> Iterator[None]:
    """Drop a table's secondary indexes and foreign keys, and rebuild them on the way out."""
    indexes = cur.execute(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique",
        [table],
    ).fetchall()
    foreign_keys = cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    ).fetchall()
    for name, _definition in foreign_keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
    for name, _definition in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    started = time.perf_counter()
    for _name, definition in indexes:
        cur.execute(definition)
    for name, definition in foreign_keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.Identifier(table), sql.Identifier(name)
            )
            + sql.SQL(definition)
        )
    _log(
        f"{table}: rebuilt {len(indexes)} indexes and {len(foreign_keys)} foreign keys "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _records_per_person(rng: random.Random, people: int, total: int) -> list[int]:
    """A skewed split of ``total`` records over ``people``: log-normal, capped, exact total."""
    weights = [rng.lognormvariate(0.0, SIGMA) for _ in range(people)]
    scale = total / sum(weights)
    counts = [min(MAX_PER_PERSON, int(weight * scale)) for weight in weights]
    short = total - sum(counts)
    while short > 0:
        index = rng.randrange(people)
        if counts[index] < MAX_PER_PERSON:
            counts[index] += 1
            short -= 1
    return counts


@dataclass(frozen=True)
class _Option:
    """One kind of record an agency makes, with the services (and categories) that hold it."""

    type_id: int
    has_end: bool
    facts: tuple[str, ...]
    titles: tuple[str, ...]
    holders: tuple[tuple[int | None, str], ...]  # (service id, category)


def _options(parts: Partnership) -> dict[int, tuple[list[_Option], list[float]]]:
    types = {t.code: t for t in RecordType.objects.all()}
    missing = sorted({code for mix in TYPE_MIX.values() for code, _w, _s in mix} - set(types))
    if missing:
        raise RuntimeError(f"record types missing from the catalogue: {', '.join(missing)}")
    by_agency: dict[int, tuple[list[_Option], list[float]]] = {}
    for key, mix in TYPE_MIX.items():
        agency = parts.agencies[key]
        options: list[_Option] = []
        weights: list[float] = []
        for code, weight, holders in mix:
            record_type = types[code]
            held: list[tuple[int | None, str]] = []
            for service_key in holders:
                service = parts.services[service_key] if service_key else None
                held.append(
                    (
                        service.pk if service else None,
                        category_for(agency, service, record_type=code),
                    )
                )
            options.append(
                _Option(
                    type_id=record_type.pk,
                    has_end=record_type.has_end,
                    facts=FACTS_MISSING if code == "missing-episode" else ("{}",),
                    titles=tuple(title.format(record_type.name) for title in TITLES),
                    holders=tuple(held),
                )
            )
            weights.append(weight)
        by_agency[agency.pk] = (options, weights)
    return by_agency


YOUNG_PERSON_COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "ethnicity",
    "disability",
    "lgbt_self_described",
    "care_status",
    "voice",
    "consent_blocks_sharing",
    "is_synthetic",
    "created_at",
)
IDENTITY_COLUMNS = (
    "young_person_id",
    "agency_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "source_reference",
    "recorded_at",
)
RECORD_COLUMNS = (
    "young_person_id",
    "record_type_id",
    "category",
    "owning_agency_id",
    "owning_service_id",
    "author_id",
    "occurred_at",
    "ended_at",
    "recorded_at",
    "location",
    "title",
    "details",
    "facts",
    "nature",
    "person_category",
    "classification",
    "version",
    "updated_at",
    "review_due",
    "disposed_at",
    "is_synthetic",
)


def _copy_sql(table: str, columns: Sequence[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )


def _flatten(groups: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({name for group in groups.values() for name in group}))


def _young_people(
    cur: psycopg.Cursor[TupleRow],
    rng: random.Random,
    parts: Partnership,
    first_id: int,
    count: int,
    now: datetime,
) -> None:
    girls, boys, family = _flatten(names.GIRLS), _flatten(names.BOYS), _flatten(names.FAMILY)
    today = now.date()
    education = parts.agencies["education"].pk
    health = parts.agencies["health"].pk
    genders = rng.choices(("female", "male", "non_binary"), (49, 49, 2), k=count)
    ethnicities = rng.choices(
        ("white", "asian", "black", "mixed", "other", "not_known"), (58, 14, 9, 7, 3, 9), k=count
    )
    care = rng.choices(
        ("none", "child_in_need", "child_protection_plan", "looked_after", "not_known"),
        (55, 15, 8, 10, 12),
        k=count,
    )
    people: list[tuple[object, ...]] = []
    identities: list[tuple[object, ...]] = []
    for number in range(count):
        gender = genders[number]
        given = rng.choice(girls if gender == "female" else boys)
        surname = rng.choice(family)
        born = today - timedelta(days=rng.randrange(10 * 365, 18 * 365 - 1))
        postcode = f"ZY{rng.randrange(1, 20)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}"
        postcode += rng.choice("LNPQRSTUWXYZ")
        nhs = f"999{rng.randrange(10**7):07d}" if rng.random() < 0.75 else ""
        upn = f"X{rng.randrange(10**12):012d}" if rng.random() < 0.9 else ""
        pk = first_id + number
        people.append(
            (
                pk,
                given,
                surname,
                born,
                gender,
                postcode,
                upn,
                nhs,
                ethnicities[number],
                "",
                "",
                care[number],
                "",
                rng.random() < CONSENT_BLOCKED_SHARE,
                True,
                now,
            )
        )
        identities.append(
            (pk, education, given, surname, "", born, gender, postcode, upn, nhs, "", now)
        )
        if rng.random() < 0.5:
            identities.append(
                (pk, health, given, surname, "", born, gender, "", "", nhs, f"H{pk}", now)
            )
    with cur.copy(_copy_sql("people_youngperson", YOUNG_PERSON_COLUMNS)) as copy:
        for row in people:
            copy.write_row(row)
    identity_copy = _copy_sql("people_recordedidentity", IDENTITY_COLUMNS)
    with (
        _without_secondary_indexes(cur, "people_recordedidentity"),
        cur.copy(identity_copy) as copy,
    ):
        for row in identities:
            copy.write_row(row)
    for table in ("people_youngperson", "people_recordedidentity"):
        cur.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), (SELECT max(id) FROM {i}))"
            ).format(t=sql.Literal(table), i=sql.Identifier(table))
        )


def _pick(rng: random.Random, table: Sequence[tuple[str, float]], size: int) -> list[str]:
    return rng.choices([value for value, _w in table], [weight for _v, weight in table], k=size)


def _records(
    cur: psycopg.Cursor[TupleRow],
    rng: random.Random,
    parts: Partnership,
    options: dict[int, tuple[list[_Option], list[float]]],
    person_ids: Sequence[int],
    total: int,
    now: datetime,
) -> None:
    counts = _records_per_person(rng, len(person_ids), total)
    owners = [pk for pk, _c in zip(person_ids, counts, strict=True) for _ in range(_c)]
    rng.shuffle(owners)
    start = (now - timedelta(days=365 * YEARS)).timestamp()
    end = now.timestamp()
    moments = sorted(rng.uniform(start, end) for _ in range(total))
    agency_ids = list(options)
    agency_weights = [
        share for key, _n, _s, _k, share, _c in AGENCIES if parts.agencies[key].pk in options
    ]
    authors = {parts.agencies[key].pk: user.pk for key, user in parts.authors.items()}
    copied = 0
    started = time.perf_counter()
    with cur.copy(_copy_sql("records_agencyrecord", RECORD_COLUMNS)) as copy:
        for begin in range(0, total, CHUNK):
            size = min(CHUNK, total - begin)
            owning = rng.choices(agency_ids, agency_weights, k=size)
            classes = _pick(rng, CLASSIFICATIONS, size)
            natures = _pick(rng, NATURES, size)
            person_categories = _pick(rng, PERSON_CATEGORIES, size)
            for offset in range(size):
                index = begin + offset
                agency_id = owning[offset]
                agency_options, weights = options[agency_id]
                option = rng.choices(agency_options, weights)[0]
                service_id, category = rng.choice(option.holders)
                occurred = datetime.fromtimestamp(moments[index], UTC)
                recorded = min(now, occurred + timedelta(seconds=rng.randrange(60, 72 * 3600)))
                ended = None
                if option.has_end and rng.random() < 0.97:
                    ended = occurred + timedelta(seconds=rng.randrange(2 * 3600, 48 * 3600))
                disposed = recorded + timedelta(days=30) if rng.random() < DISPOSED_SHARE else None
                copy.write_row(
                    (
                        owners[index],
                        option.type_id,
                        category,
                        agency_id,
                        service_id,
                        authors[agency_id] if rng.random() < 0.7 else None,
                        occurred,
                        ended,
                        recorded,
                        rng.choice(LOCATIONS),
                        rng.choice(option.titles),
                        rng.choice(DETAILS),
                        rng.choice(option.facts),
                        natures[offset],
                        person_categories[offset],
                        classes[offset],
                        1,
                        recorded,
                        None,
                        min(disposed, now) if disposed else None,
                        True,
                    )
                )
            copied += size
            if copied % 500_000 == 0 or copied == total:
                rate = copied / (time.perf_counter() - started)
                _log(f"records: {copied:,} of {total:,} copied ({rate:,.0f} a second)")


def load(*, young_people: int, records: int, seed: int) -> LoadResult:
    """Create the partnership and COPY the young people and records; then VACUUM ANALYZE."""
    started = time.perf_counter()
    parts = partnership()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    # Everything read through the ORM is read before the load's transaction begins: dropping a
    # foreign key locks the table it refers to (agencies, record types) until the commit.
    options = _options(parts)
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET synchronous_commit = off")
        row = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM people_youngperson").fetchone()
        first_id = int(row[0]) if row else 1
        step = time.perf_counter()
        _young_people(cur, rng, parts, first_id, young_people, now)
        _log(f"young people: {young_people:,} copied in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        ids = range(first_id, first_id + young_people)
        with _without_secondary_indexes(cur, "records_agencyrecord"):
            _records(cur, rng, parts, options, ids, records, now)
        _log(f"records: {records:,} loaded in {time.perf_counter() - step:.1f} s")
        conn.commit()
    step = time.perf_counter()
    with database.connect(autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    _log(f"VACUUM ANALYZE in {time.perf_counter() - step:.1f} s")
    return LoadResult(young_people, records, time.perf_counter() - started)
