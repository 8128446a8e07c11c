"""Two agency files imported into the synthetic Eastbrook demo, through the real import job.

What the demo shows on *Import a file* and in the clerical review queue:

- **School attendance** from Eastbrook Academy, imported by the education MASH officer
  (``education.mash``): a few days of session registers for some of the demo's own pupils,
  written the way a school's spreadsheet really arrives. Most pupils carry their UPN and are
  linked by it at once; some rows have no UPN, a nickname instead of the given name, a typing
  slip in the family name or the day and month of birth swapped, and are left to the matching;
  one UPN has a wrong check letter (reported, not used, the row matched on its other details);
  two pupils are not yet known to the partnership (new young people); and a handful of rows
  break a rule (an unknown attendance code, an impossible date, a lesson mark without its
  lesson, a blank family name) and are rejected with row, column and rule in the report.
- **Police missing episodes**, imported by the police intelligence analyst (``police.analyst``):
  episodes for young people the force knows by name and date of birth only (no UPN), some with
  the name they go by, one with the date of birth entered the American way round and an old
  postcode, two with no date of birth (the officer's estimate of age) that wait for a person in
  the review queue, one child not yet known, and two rows rejected (a return before the report, an
  unknown risk grading).
- **A privacy-preserving submission** by Safe Steps (voluntary sector), when the pprl app can
  take one: encoded identities only, with the notice the agency gives young people.

Each file is built from the generator's own young people (so it is the same for a seed), written
to the imports folder as an upload would be, and imported with ``imports.actions.do_start_import``
and ``imports.engine.run_batch`` run in this process (never queued: the demo's task backend may
keep jobs in the database for a worker that is not running). The real matching engine scores
the rows. Everything is synthetic: the names are the demo's made-up young people and the file
names say so.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from imports.actions import do_start_import
from imports.engine import run_batch
from imports.models import Feed, ImportBatch
from imports.storage import upload_dir
from matching import nicknames
from people.identifiers import upn_check_letter
from people.models import YoungPerson

if TYPE_CHECKING:
    from demo.eastbrook import Generator, PersonPlan

SCHOOL_CODE = "EBA"
SCHOOL_IMPORTER = "education.mash"
POLICE_IMPORTER = "police.analyst"
ATTENDANCE_FILE = "eastbrook-academy-attendance-synthetic.csv"
MISSING_FILE = "eastbrook-police-missing-episodes-synthetic.csv"

# How each planned row was written (kept beside the row, never in the file).
UPN = "upn"  # valid UPN of a registered young person: linked by it
BAD_UPN = "bad_upn"  # the UPN's check letter is wrong: reported, row matched on its details
NICKNAME = "nickname"  # no UPN, the name the pupil goes by
TYPO = "typo"  # no UPN, a slip in the family name
DOB_SWAP = "dob_swap"  # no UPN, day and month of birth swapped, and a nickname
HARD = "hard"  # no UPN, nickname, swapped day and month, a slip in the name, moved house
EXACT = "exact"  # no identifier, every detail as registered
NO_DOB = "no_dob"  # no date of birth (an officer's estimate of age), the name they go by, moved
NEW = "new"  # a child the partnership does not know yet
REJECTED = "rejected"  # breaks a rule: not imported

SESSION_CODES = ("/", "/", "/", "L", "U", "O", "N", "I")
MISSING_PLACES = (
    "Car park, Station Road (synthetic)",
    "Riverside Lodge Hotel (synthetic)",
    "Flat, Mill Lane (synthetic)",
    "Bus station (synthetic)",
    "Takeaway, Bridge Street (synthetic)",
)
MISSING_FROM = ("Home address", "Children's home (synthetic)", "School", "Foster placement")
# Where pupils who moved house now live (made-up postcodes in the fictional EB area).
MOVED_TO = ("EB7 3XW", "EB8 1QZ")
# Made-up children the partnership has never met (two per file).
UNKNOWN_CHILDREN = (
    ("Kacper", "Wiśniewski", "M"),
    ("Shanice", "Okonkwo-Reid", "F"),
    ("Darius", "Pelham", "M"),
)


@dataclass(frozen=True)
class PlannedRow:
    """One data row of a demo file and why it was written that way."""

    kind: str
    values: dict[str, str]
    young_person_id: int | None = None  # who it is really about (None: a new child)


@dataclass
class DemoImports:
    attendance: ImportBatch
    missing: ImportBatch
    attendance_rows: list[PlannedRow] = field(default_factory=list)
    missing_rows: list[PlannedRow] = field(default_factory=list)
    privacy_preserving: bool = False


def generate(gen: Generator) -> DemoImports:
    """Import the two demo files (and the privacy-preserving submission, when possible)."""
    attendance_rows = attendance_file(gen)
    missing_rows = missing_file(gen)
    attendance = _import(
        gen, SCHOOL_IMPORTER, Feed.SCHOOL_ATTENDANCE, ATTENDANCE_FILE, attendance_rows
    )
    missing = _import(gen, POLICE_IMPORTER, Feed.POLICE_MISSING, MISSING_FILE, missing_rows)
    result = DemoImports(attendance, missing, attendance_rows, missing_rows)
    result.privacy_preserving = submit_encodings(gen, missing_rows) is not None
    gen._progress(
        f"imports: {attendance.rows_seen} attendance marks ({attendance.rows_rejected} rejected), "
        f"{missing.rows_seen} missing episodes ({missing.rows_rejected} rejected)"
    )
    return result


# --- Choosing the young people ------------------------------------------------------------


def _pairs(gen: Generator) -> list[tuple[PersonPlan, YoungPerson]]:
    return list(zip(gen.plans, gen.registered, strict=True))


def _pupils(gen: Generator) -> list[tuple[PersonPlan, YoungPerson]]:
    """Secondary-age pupils with a UPN, those at Eastbrook Academy first."""
    found = [
        (plan, person)
        for plan, person in _pairs(gen)
        if plan.school is not None and plan.upn and 11 <= plan.age <= 16
    ]
    found.sort(key=lambda pair: pair[0].school is None or pair[0].school.code != SCHOOL_CODE)
    return found


def _variant(given: str) -> str:
    """Another form of a given name the nickname list knows (empty when it knows none)."""
    name = given.lower()
    mine = nicknames.groups(name)
    others = sorted(
        (other for other, keys in nicknames.groups_by_name().items() if keys & mine),
        key=lambda other: (len(other), other),
    )
    for other in others:
        if other != name and not name.startswith(other) and len(other) >= 3:
            return other.capitalize()
    for other in others:
        if other != name:
            return other.capitalize()
    return ""


def _typo(family: str) -> str:
    """A typing slip: two letters in the middle of the name swapped (or one doubled)."""
    middle = len(family) // 2
    if len(family) >= 5 and family[middle] != family[middle + 1]:
        return family[:middle] + family[middle + 1] + family[middle] + family[middle + 2 :]
    return family[:middle] + family[middle] + family[middle:]


def _swapped(born: date) -> date | None:
    if born.day > 12 or born.day == born.month:
        return None
    return date(born.year, born.day, born.month)


def _bad_upn(upn: str) -> str:
    """The same UPN with another check letter (so it fails its check)."""
    right = upn_check_letter(upn[1:])
    wrong = "A" if right != "A" else "B"
    return wrong + upn[1:]


@dataclass
class _Cast:
    """Who appears in a file, by the way their rows are written."""

    groups: dict[str, list[tuple[PersonPlan, YoungPerson]]] = field(default_factory=dict)

    def take(
        self,
        kind: str,
        pool: list[tuple[PersonPlan, YoungPerson]],
        wanted: int,
        fits: Callable[[PersonPlan], bool] = lambda plan: True,
    ) -> None:
        chosen = [pair for pair in pool if fits(pair[0])][:wanted]
        for pair in chosen:
            pool.remove(pair)
        self.groups[kind] = chosen


# --- School attendance --------------------------------------------------------------------


def _school_days(count: int) -> list[date]:
    """The ``count`` school days before last week (never in the future)."""
    day = timezone.localdate() - timedelta(days=7)
    days: list[date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _identity(plan: PersonPlan, **changes: str) -> dict[str, str]:
    values = {
        "given_name": plan.given_name,
        "family_name": plan.family_name,
        "other_names": plan.known_as,
        "date_of_birth": plan.date_of_birth.isoformat(),
        "gender": plan.gender.value,
        "postcode": plan.home.postcode,
        "address": f"{plan.home.number} {plan.home.street}",
        "upn": "",
        "nhs_number": "",
    }
    values.update(changes)
    return values


def attendance_file(gen: Generator) -> list[PlannedRow]:
    """The school's rows: a few days of AM and PM registers, with the usual mistakes."""
    rng = gen.stream("imports-attendance")
    pool = _pupils(gen)
    cast = _Cast()
    cast.take(UPN, pool, 6)
    cast.take(BAD_UPN, pool, 1)
    cast.take(NICKNAME, pool, 2, lambda plan: bool(_variant(plan.given_name)))
    cast.take(TYPO, pool, 2, lambda plan: len(plan.family_name) >= 5)
    cast.take(
        DOB_SWAP,
        pool,
        2,
        lambda plan: _swapped(plan.date_of_birth) is not None and bool(_variant(plan.given_name)),
    )
    cast.take(
        HARD,
        pool,
        2,
        lambda plan: (
            _swapped(plan.date_of_birth) is not None
            and bool(_variant(plan.given_name))
            and len(plan.family_name) >= 5
        ),
    )
    school = f"{_school_name(gen)} (synthetic)"
    days = _school_days(3)
    rows: list[PlannedRow] = []

    def marks(kind: str, person_id: int | None, identity: dict[str, str], ref: str) -> None:
        for day in days:
            for session in ("AM", "PM"):
                code = rng.choice(SESSION_CODES)
                if code == "/" and session == "PM":
                    code = "\\"
                values = {
                    "school": school,
                    **identity,
                    "person_reference": ref,
                    "attendance_date": day.isoformat(),
                    "level": "session",
                    "session": session,
                    "lesson": "",
                    "code": code,
                }
                rows.append(PlannedRow(kind, values, person_id))

    for kind, pairs in cast.groups.items():
        for plan, person in pairs:
            ref = f"EBA-{person.pk:05d}"
            if kind == UPN:
                identity = _identity(plan, upn=plan.upn)
            elif kind == BAD_UPN:
                identity = _identity(plan, upn=_bad_upn(plan.upn))
            elif kind == NICKNAME:
                identity = _identity(plan, given_name=_variant(plan.given_name), other_names="")
            elif kind == TYPO:
                identity = _identity(plan, family_name=_typo(plan.family_name))
            else:
                swapped = _swapped(plan.date_of_birth)
                assert swapped is not None
                identity = _identity(
                    plan, given_name=_variant(plan.given_name), date_of_birth=swapped.isoformat()
                )
                if kind == HARD:
                    identity.update(
                        family_name=_typo(plan.family_name),
                        postcode=MOVED_TO[person.pk % len(MOVED_TO)],
                        address="",
                    )
            marks(kind, person.pk, identity, ref)

    for number, (given, family, gender) in enumerate(UNKNOWN_CHILDREN[:2]):
        born = date(timezone.localdate().year - 13 - number, 3 + number * 4, 9 + number * 7)
        identity = {
            "given_name": given,
            "family_name": family,
            "other_names": "",
            "date_of_birth": born.isoformat(),
            "gender": gender,
            "postcode": f"EB{4 + number} {2 + number}HQ",
            "address": f"{20 + number} Kiln Lane, Eastbrook",
            "upn": "",
            "nhs_number": "",
        }
        marks(NEW, None, identity, f"EBA-NEW-{number + 1}")

    # Rows a person typed by hand, each breaking one rule.
    if cast.groups[UPN]:
        plan, person = cast.groups[UPN][0]
        base = {
            "school": school,
            **_identity(plan, upn=plan.upn),
            "person_reference": f"EBA-{person.pk:05d}",
            "attendance_date": days[-1].isoformat(),
            "level": "lesson",
            "session": "PM",
            "lesson": "P5",
            "code": "O",
        }
        rows.append(PlannedRow(REJECTED, {**base, "code": "ZZ"}, person.pk))
        rows.append(PlannedRow(REJECTED, {**base, "lesson": ""}, person.pk))
        rows.append(
            PlannedRow(
                REJECTED,
                {**base, "lesson": "P6", "attendance_date": f"31/02/{days[-1].year}"},
                person.pk,
            )
        )
    if len(cast.groups[UPN]) > 1:
        plan, person = cast.groups[UPN][1]
        rows.append(
            PlannedRow(
                REJECTED,
                {
                    "school": school,
                    **_identity(plan, upn=plan.upn, given_name="", family_name=""),
                    "person_reference": f"EBA-{person.pk:05d}",
                    "attendance_date": days[0].isoformat(),
                    "level": "lesson",
                    "session": "AM",
                    "lesson": "P2",
                    "code": "G",
                },
                person.pk,
            )
        )
    return rows


def _school_name(gen: Generator) -> str:
    from demo.eastbrook import SCHOOL_BY_CODE

    return SCHOOL_BY_CODE[SCHOOL_CODE].name


# --- Police missing episodes --------------------------------------------------------------


def missing_file(gen: Generator) -> list[PlannedRow]:
    """The force's rows: names and dates of birth (no UPN), one episode per row."""
    rng = gen.stream("imports-missing")
    pool = [(plan, person) for plan, person in _pairs(gen) if 12 <= plan.age <= 17]
    rng.shuffle(pool)
    cast = _Cast()
    cast.take(EXACT, pool, 3)
    cast.take(NICKNAME, pool, 2, lambda plan: bool(_variant(plan.given_name)))
    cast.take(
        DOB_SWAP,
        pool,
        1,
        lambda plan: _swapped(plan.date_of_birth) is not None and bool(_variant(plan.given_name)),
    )
    cast.take(NO_DOB, pool, 2, lambda plan: bool(_variant(plan.given_name)))
    today = timezone.localdate()
    rows: list[PlannedRow] = []
    serial = 0

    def episode(kind: str, person_id: int | None, identity: dict[str, str], **changes: str) -> None:
        nonlocal serial
        serial += 1
        went = datetime.combine(
            today - timedelta(days=rng.randint(10, 70)), time(rng.randint(17, 23), 5 * serial % 60)
        )
        back = went + timedelta(hours=rng.randint(5, 40))
        values = {
            **identity,
            "person_reference": f"EBP-P-{70000 + (person_id or 900 + serial)}",
            "episode_reference": f"EBP-MISS-{today.year}-{serial:04d}",
            "missing_from": went.strftime("%Y-%m-%d %H:%M"),
            "missing_from_location": rng.choice(MISSING_FROM),
            "returned_at": back.strftime("%Y-%m-%d %H:%M"),
            "found_location": rng.choice(MISSING_PLACES),
            "risk_grading": rng.choice(("medium", "high", "medium", "low")),
            "return_home_interview": rng.choice(("offered", "declined", "not_known")),
            "return_home_interview_date": "",
        }
        values.update(changes)
        rows.append(PlannedRow(kind, values, person_id))

    for kind, pairs in cast.groups.items():
        for plan, person in pairs:
            if kind == EXACT:
                identity = _identity(plan)
            elif kind == NICKNAME:
                identity = _identity(plan, given_name=_variant(plan.given_name))
            elif kind == NO_DOB:
                identity = _identity(
                    plan,
                    given_name=_variant(plan.given_name),
                    date_of_birth="",
                    postcode=MOVED_TO[1 % len(MOVED_TO)],
                    address="",
                )
                identity["approximate_age"] = str(plan.age)
            else:
                swapped = _swapped(plan.date_of_birth)
                assert swapped is not None
                identity = _identity(
                    plan,
                    given_name=_variant(plan.given_name),
                    date_of_birth=swapped.isoformat(),
                    postcode=MOVED_TO[0],
                    address="",
                )
            episode(kind, person.pk, identity)
    given, family, gender = UNKNOWN_CHILDREN[2]
    episode(
        NEW,
        None,
        {
            "given_name": given,
            "family_name": family,
            "other_names": "Daz",
            "date_of_birth": date(today.year - 15, 11, 23).isoformat(),
            "gender": gender,
            "postcode": "",
            "address": "",
            "upn": "",
            "nhs_number": "",
        },
    )
    if cast.groups[EXACT]:
        plan, person = cast.groups[EXACT][0]
        went = datetime.combine(today - timedelta(days=5), time(22, 30))
        episode(
            REJECTED,
            person.pk,
            _identity(plan),
            missing_from=went.strftime("%d/%m/%Y %H:%M"),
            returned_at=(went - timedelta(hours=3)).strftime("%d/%m/%Y %H:%M"),
        )
        episode(REJECTED, person.pk, _identity(plan), risk_grading="very high")
    return rows


# --- A privacy-preserving submission by the voluntary sector ------------------------------

PPRL_SUBMITTER = "safesteps.practitioner"
PPRL_FILE = "safe-steps-caseload-synthetic-encodings.csv"
# A young person on Safe Steps' list whom no other agency knows (made up).
PPRL_UNKNOWN = ("Maisie", "Thornbury", "2012-08-17", "female", "EB6 2LT")


def pprl_identities(gen: Generator, missing_rows: list[PlannedRow]) -> list[dict[str, str]]:
    """Safe Steps' list: young people the police reported missing, as the youth worker knows
    them (one by the name they go by), and one child no other agency knows."""
    plans = {person.pk: plan for plan, person in _pairs(gen)}
    known = sorted(
        {
            row.young_person_id
            for row in missing_rows
            if row.kind in (EXACT, NICKNAME) and row.young_person_id is not None
        }
    )
    identities: list[dict[str, str]] = []
    for number, person_id in enumerate(known[:3], start=1):
        plan = plans[person_id]
        given = plan.given_name
        if number == 2 and _variant(given):
            given = _variant(given)
        sex = {"female": "female", "male": "male"}.get(plan.gender.value, "")
        identities.append(
            {
                "reference": f"SS-{number:03d}",
                "given_name": given,
                "family_name": plan.family_name,
                "date_of_birth": plan.date_of_birth.isoformat(),
                "sex": sex,
                "postcode": plan.home.postcode,
            }
        )
    given, family, born, sex, postcode = PPRL_UNKNOWN
    identities.append(
        {
            "reference": f"SS-{len(identities) + 1:03d}",
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "sex": sex,
            "postcode": postcode,
        }
    )
    return identities


def submit_encodings(gen: Generator, missing_rows: list[PlannedRow]) -> object | None:
    """Encode Safe Steps' list on "their own machine" and submit it (None when the partnership
    has no linkage secret set, as in production until one is)."""
    from pprl import linkage
    from pprl.actions import do_submit_encodings

    settings = linkage.partnership_settings()
    if settings is None:
        return None
    identities = pprl_identities(gen, missing_rows)
    text = io.StringIO()
    linkage.write_encodings(text, settings, enumerate(identities, start=2))
    return do_submit_encodings(
        actor=gen.user_by_username[PPRL_SUBMITTER],
        file_name=PPRL_FILE,
        handle=io.BytesIO(text.getvalue().encode("utf-8")),
    )


# --- Writing and importing ----------------------------------------------------------------


def _columns(feed: str) -> Sequence[str]:
    if feed == Feed.SCHOOL_ATTENDANCE:
        return (
            "school",
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "gender",
            "postcode",
            "address",
            "upn",
            "nhs_number",
            "person_reference",
            "attendance_date",
            "level",
            "session",
            "lesson",
            "code",
        )
    return (
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "gender",
        "postcode",
        "address",
        "upn",
        "nhs_number",
        "person_reference",
        "episode_reference",
        "missing_from",
        "missing_from_location",
        "returned_at",
        "found_location",
        "risk_grading",
        "return_home_interview",
        "return_home_interview_date",
        "approximate_age",
    )


def write_csv(path: Path, feed: str, rows: Iterable[PlannedRow]) -> Path:
    columns = _columns(feed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.values.get(column, "") for column in columns])
    return path


def _import(
    gen: Generator, username: str, feed: str, file_name: str, rows: list[PlannedRow]
) -> ImportBatch:
    """Write the file where an upload goes and import it here and now, as ``username``."""
    user = gen.user_by_username[username]
    assert user.agency is not None
    path = write_csv(upload_dir() / f"{uuid.uuid4().hex}.csv", feed, rows)
    started = do_start_import(
        actor=user, agency=user.agency, feed=feed, path=path, file_name=file_name
    )
    run_batch(started.batch.pk)
    started.batch.refresh_from_db()
    return started.batch


__all__ = [
    "BAD_UPN",
    "DOB_SWAP",
    "EXACT",
    "HARD",
    "NEW",
    "NICKNAME",
    "REJECTED",
    "TYPO",
    "UPN",
    "DemoImports",
    "PlannedRow",
    "attendance_file",
    "generate",
    "missing_file",
    "pprl_identities",
    "submit_encodings",
    "write_csv",
]
