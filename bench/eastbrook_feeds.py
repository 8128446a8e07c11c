"""Synthetic Eastbrook files for EVERY feed, with ground truth kept in memory (issue 12).

All of it is made up (SYNTHETIC): one population of children in households of the fictional
Eastbrook area (postcodes EB1-EB9; names, streets and schools from
``bench.eastbrook_linkage``), and the files its agencies would send about them, in the columns
of ``docs/import-formats.md``:

* ``school_roll`` (education): one row per enrolment, the register's best source. A pupil who
  changed school has two enrolments with the same UPN (the earlier one often at the family's
  old address); twins (about 2% of children) share a surname, date of birth, address and
  school but never a UPN. Children above school age, home educated or schooled out of the area
  are not on it.
* ``school_attendance`` (education): unauthorised absence marks, with the roll's identity and
  UPN.
* ``police_missing`` (police): capitals, accents stripped, no date of birth about 10% of the
  time (the officer's estimate of age instead), names swapped, nicknames, known by a middle
  name or a step-family surname, an old address, gender ``X``.
* ``health_attendance`` (health): NHS number usually, no date of birth 1-2% of the time,
  spelling variants, typos, gender ``U``.
* ``social_care_status`` (children's social care): UPN and NHS number often, step-family
  surnames, day and month swapped.
* ``concerns`` from a school, the youth service, a voluntary organisation and housing: the
  community agencies give an approximate age about half the time instead of a date of birth,
  some give no surname, mostly first names as the young person gave them.

Truth is never written to the files: :class:`Truth` maps each file's data row number to the
child it is about, with the noise applied to it (labels below), the children's twins and
namesakes, and who is "exploited" (a few young people with many more rows across agencies).

Noise labels: ``dob_missing``, ``surname_missing``, ``nickname``, ``swapped_names``,
``dob_day_month``, ``typo``, ``outdated_address``, ``accents_stripped``, ``spelling_variant``,
``middle_name``, ``step_surname``, ``gender_differs``, ``changed_school`` (a roll's earlier
enrolment), ``twin`` and ``namesake`` (rows about children who have one), ``not_on_roll``.
Agencies' habits are modelled as they are, not tuned to what the matching does well.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import eastbrook_linkage as eb
from people.identifiers import make_upn, nhs_check_digit

# Surnames and given names written with letters beyond ASCII, as a school's MIS keeps them.
ACCENTED_SURNAMES = (
    "dąbrowska",
    "wójcik",
    "lewandowska",
    "szymańska",
    "woźniak",
    "zieliński",
    "kamińska",
    "müller",
    "garcía",
    "núñez",
    "gonçalves",
    "yılmaz",
    "ó briain",
    "nováková",
    "łukasiewicz",
)
ACCENTED_GIRLS = ("zoë", "chloé", "anaïs", "agnieszka", "małgorzata", "renée", "inès")
ACCENTED_BOYS = ("josé", "łukasz", "jérôme", "andré", "mátyás", "ömer", "françois")

# Spellings of one name that agencies write differently (not in the nickname list's sense).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "muhammad": ("mohammed", "mohammad", "muhammed"),
    "aisha": ("ayesha", "aysha"),
    "zainab": ("zaynab", "zeinab"),
    "layla": ("leila", "laila"),
    "sophia": ("sofia",),
    "sofia": ("sophia",),
    "isabella": ("isabela", "izabella"),
    "callum": ("calum",),
    "kieran": ("ciaran", "kieron"),
    "niamh": ("neve", "neamh"),
    "caitlin": ("kaitlyn", "katelyn"),
    "jayden": ("jaden", "jaiden"),
    "matthew": ("mathew",),
    "phoebe": ("pheobe",),
    "zara": ("zarah",),
    "lewis": ("louis",),
    "leah": ("lea", "lia"),
    "amira": ("ameera",),
    "yusuf": ("yousef", "yusef"),
    "hamza": ("hamzah",),
    "esme": ("esmee",),
    "thompson": ("thomson",),
    "davies": ("davis",),
    "clarke": ("clark",),
    "hussain": ("hussein", "husain"),
    "mahmood": ("mahmud", "mehmood"),
    "chowdhury": ("choudhury", "chaudhry"),
    "rahman": ("rehman",),
    "oconnor": ("o'connor",),
    "mcdonald": ("macdonald",),
    "ahmed": ("ahmad",),
    "reid": ("read",),
    "gray": ("grey",),
    "begum": ("begam",),
    "stevens": ("stephens",),
    "phillips": ("philips",),
}
ETHNICITY = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "ABAN", "APKN", "BAFR", "BCRB", "WIRI")
NOISES = (
    "clean",
    "dob_missing",
    "surname_missing",
    "nickname",
    "swapped_names",
    "dob_day_month",
    "typo",
    "outdated_address",
    "accents_stripped",
    "spelling_variant",
    "middle_name",
    "step_surname",
    "gender_differs",
    "changed_school",
    "twin",
    "namesake",
    "not_on_roll",
)


@dataclass
class Child:
    id: str
    given: str
    middle: list[str]
    family: str
    step_family: str | None  # the household's surname when it is not the child's legal one
    born: date
    gender: str
    postcode: str
    address: str
    old_postcode: str | None  # the home before the family moved, if they did
    old_address: str | None
    school: str
    old_school: str | None  # the school before, for a pupil who changed school
    household: int
    upn: str | None  # None: not on the roll
    nhs: str
    preferred: str | None = None  # the forename the child goes by, if not the legal one
    twin: str | None = None
    namesake: str | None = None
    exploited: bool = False

    def age(self, on: date) -> int:
        years = on.year - self.born.year
        return years - ((on.month, on.day) < (self.born.month, self.born.day))


@dataclass
class Feed:
    """One file: the feed it is for, the agency sending it (kind, name) and its rows."""

    name: str
    feed: str
    agency_kind: str
    agency_name: str
    rows: list[dict[str, str]] = field(default_factory=list)
    child: list[str] = field(default_factory=list)  # per row: the child's id
    noise: list[tuple[str, ...]] = field(default_factory=list)  # per row: noise labels

    def add(self, row: dict[str, Any], child: Child, noise: list[str]) -> None:
        self.rows.append({key: "" if value is None else str(value) for key, value in row.items()})
        self.child.append(child.id)
        labels = list(dict.fromkeys(noise))
        if child.twin:
            labels.append("twin")
        if child.namesake:
            labels.append("namesake")
        if child.upn is None:
            labels.append("not_on_roll")
        self.noise.append(tuple(labels) or ("clean",))


@dataclass
class Truth:
    children: dict[str, Child]
    feeds: list[Feed]

    @property
    def exploited(self) -> set[str]:
        return {c.id for c in self.children.values() if c.exploited}

    def twin_pairs(self) -> list[tuple[str, str]]:
        return sorted({tuple(sorted((c.id, c.twin))) for c in self.children.values() if c.twin})  # type: ignore[misc]

    def rows(self) -> int:
        return sum(len(feed.rows) for feed in self.feeds)


# --- Population -------------------------------------------------------------------------------


def _nhs(rng: random.Random, used: set[str]) -> str:
    while True:
        first9 = f"{rng.randint(400_000_000, 799_999_999)}"
        check = nhs_check_digit(first9)
        if check is None:
            continue
        number = f"{first9}{check}"
        if number not in used and len(set(number)) > 1:
            used.add(number)
            return number


def _given(rng: random.Random, gender: str) -> str:
    if rng.random() < 0.03:
        return rng.choice(ACCENTED_GIRLS if gender == "F" else ACCENTED_BOYS)
    return rng.choice(eb.GIRLS if gender == "F" else eb.BOYS)


def _family(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(ACCENTED_SURNAMES)
    family = eb._surname(rng)
    if rng.random() < 0.06:
        other = eb._surname(rng)
        if other != family:
            family = f"{family}-{other}"
    return family


def population(size: int, rng: random.Random, today: date) -> list[Child]:
    """Children aged 4 to 17 in households. Siblings share a surname (unless a step-family's),
    an address and often a school; about 2% of children are twins; 15% of families moved in the
    last two years; 8% of pupils changed school; pupils aged 16-17 and about 4% of the younger
    (home educated, schooled out of the area) are not on the roll."""
    children: list[Child] = []
    used_nhs: set[str] = set()
    household = 0
    while len(children) < size:
        household += 1
        family = _family(rng)
        postcode, address = eb._postcode(rng), f"{rng.randint(1, 180)} {eb._street(rng)}"
        moved = rng.random() < 0.15
        old_postcode = eb._postcode(rng) if moved else None
        old_address = f"{rng.randint(1, 180)} {eb._street(rng)}" if moved else None
        school = rng.choice(eb.SCHOOLS)
        # The step-parent's surname the household goes by, for some children of the family.
        step = _family(rng) if rng.random() < 0.08 else None
        for _ in range(rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4))):
            born = today - timedelta(days=rng.randint(4 * 365 + 30, 18 * 365 - 30))
            births = 2 if rng.random() < 0.01 else 1
            born_together: list[Child] = []
            for _ in range(births):
                gender = rng.choice("FM")
                given = _given(rng, gender)
                while any(given == other.given for other in born_together):
                    given = _given(rng, gender)
                middle = [_given(rng, gender)] if rng.random() < 0.45 else []
                middle = [m for m in middle if m != given]
                child = Child(
                    id=f"c{len(children) + 1}",
                    given=given,
                    middle=middle,
                    family=family,
                    step_family=step if step and step != family and rng.random() < 0.6 else None,
                    born=born,
                    gender=gender,
                    postcode=postcode,
                    address=address,
                    old_postcode=old_postcode,
                    old_address=old_address,
                    school=school if rng.random() < 0.8 else rng.choice(eb.SCHOOLS),
                    old_school=None,
                    household=household,
                    upn=None,
                    nhs=_nhs(rng, used_nhs),
                )
                if born_together:
                    child.twin, born_together[0].twin = born_together[0].id, child.id
                    child.school = born_together[0].school
                    child.gender = born_together[0].gender if rng.random() < 0.5 else gender
                if rng.random() < 0.12:
                    short = _short_form(child.given, rng)
                    child.preferred = short if short != child.given else None
                born_together.append(child)
                children.append(child)
    children = children[:size]
    # Namesakes: about 1% of children share their given and family name with another child of
    # the same school year who lives elsewhere (the commonest names make more of their own).
    by_id = {c.id: c for c in children}
    for child in rng.sample(children, max(1, size // 100)):
        other = rng.choice(children)
        if other.household == child.household or other.twin or child.twin:
            continue
        if child.namesake or other.namesake:
            continue
        other.given, other.family, other.gender = child.given, child.family, child.gender
        other.born = date(child.born.year, rng.randint(1, 12), rng.randint(1, 28))
        other.namesake, child.namesake = child.id, other.id
    # The roll: school age, not home educated, not at school out of the area.
    serial = 0
    for child in children:
        if child.age(today) >= 16 or rng.random() < 0.04:
            continue
        if child.twin and by_id[child.twin].upn is None and child.twin < child.id:
            continue  # twins are on the same roll or neither is
        serial += 1
        child.upn = make_upn(881, 4000 + serial % 7, 10 + serial // 700_000 % 10, serial % 1000)
        if rng.random() < 0.08 and child.age(today) >= 7:
            child.old_school = rng.choice([s for s in eb.SCHOOLS if s != child.school])
    _unique_upns(children)
    # Exploited: about 2.5% of those aged 11 and over.
    for child in children:
        if child.age(today) >= 11 and rng.random() < 0.025:
            child.exploited = True
    return children


def _unique_upns(children: list[Child]) -> None:
    seen: Counter[str] = Counter(c.upn for c in children if c.upn)
    serial = 0
    for child in children:
        if child.upn and seen[child.upn] > 1:
            seen[child.upn] -= 1
            serial += 1
            child.upn = make_upn(882, 5000 + serial // 1000 % 1000, 20, serial % 1000)


def _short_form(given: str, rng: random.Random) -> str:
    """A short form of the name: from the nickname list most of the time, otherwise the first
    letters as children and agencies shorten names ("Jess", "Alex", "Max")."""
    variants = eb._variants(given)
    if variants and rng.random() < 0.7:
        return rng.choice(variants)
    if len(given) >= 5:
        return given[: rng.choice((3, 4))]
    return given


# --- Noise ------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ı", "i")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _has_accents(text: str) -> bool:
    return strip_accents(text) != text


def _title(text: str) -> str:
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in text.split())


@dataclass
class _Identity:
    given: str
    family: str | None
    other: str
    born: date | None
    approximate_age: int | None
    gender: str
    postcode: str
    address: str


@dataclass
class Habits:
    """How often an agency's rows carry each kind of noise (probabilities per row)."""

    dob_missing: float = 0.0
    surname_missing: float = 0.0
    nickname: float = 0.0
    swapped_names: float = 0.0
    dob_day_month: float = 0.0
    typo: float = 0.0
    outdated_address: float = 0.0
    accents_stripped: float = 0.0  # of rows whose names have accents
    spelling_variant: float = 0.0
    middle_name: float = 0.0
    step_surname: float = 0.0  # of rows about a child with a step-family surname
    gender_differs: float = 0.0
    upper: bool = False
    postcode_blank: float = 0.1
    address_blank: float = 0.3
    age_given: float = 1.0  # of rows without a date of birth, the share with an estimated age


POLICE = Habits(
    dob_missing=0.10,
    surname_missing=0.02,
    nickname=0.15,
    swapped_names=0.04,
    dob_day_month=0.02,
    typo=0.05,
    outdated_address=0.30,
    accents_stripped=0.9,
    spelling_variant=0.04,
    middle_name=0.03,
    step_surname=0.4,
    gender_differs=0.05,
    upper=True,
    postcode_blank=0.15,
    address_blank=0.2,
)
HEALTH = Habits(
    dob_missing=0.015,
    nickname=0.05,
    dob_day_month=0.01,
    typo=0.04,
    outdated_address=0.25,
    accents_stripped=0.4,
    spelling_variant=0.05,
    middle_name=0.02,
    step_surname=0.2,
    gender_differs=0.03,
    postcode_blank=0.05,
    address_blank=0.4,
)
SOCIAL_CARE = Habits(
    dob_missing=0.005,
    nickname=0.03,
    dob_day_month=0.02,
    typo=0.02,
    outdated_address=0.2,
    accents_stripped=0.3,
    spelling_variant=0.02,
    middle_name=0.03,
    step_surname=0.5,
    gender_differs=0.02,
    postcode_blank=0.05,
    address_blank=0.1,
)
COMMUNITY = Habits(
    dob_missing=0.5,
    surname_missing=0.12,
    nickname=0.3,
    swapped_names=0.01,
    typo=0.06,
    outdated_address=0.3,
    accents_stripped=0.7,
    spelling_variant=0.08,
    middle_name=0.03,
    step_surname=0.5,
    gender_differs=0.05,
    postcode_blank=0.45,
    address_blank=0.6,
    age_given=0.85,
)
SCHOOL_CONCERN = Habits(
    nickname=0.3, typo=0.02, accents_stripped=0.1, postcode_blank=0.6, address_blank=0.7
)


def _identity(
    child: Child, habits: Habits, on: date, rng: random.Random
) -> tuple[_Identity, list[str]]:
    """The child as one row of an agency records them, and the noise applied."""
    noise: list[str] = []
    given, family, other = child.given, child.family, ""
    if habits.middle_name and child.middle and rng.random() < habits.middle_name * 2:
        given = child.middle[0]  # known by their middle name (the legal first name in other)
        other = child.given if rng.random() < 0.5 else ""
        noise.append("middle_name")
    elif rng.random() < habits.nickname:
        short = child.preferred or _short_form(child.given, rng)
        if short != given:
            given = short
            noise.append("nickname")
    if child.step_family and rng.random() < habits.step_surname:
        family = child.step_family
        noise.append("step_surname")
    if rng.random() < habits.spelling_variant:
        for part in ("given", "family"):
            word = given if part == "given" else family
            if word in SPELLINGS:
                word = rng.choice(SPELLINGS[word])
                noise.append("spelling_variant")
                given, family = (word, family) if part == "given" else (given, word)
                break
    if rng.random() < habits.typo:
        if rng.random() < 0.5:
            given = eb._typo(given, rng)
        else:
            family = eb._typo(family, rng)
        noise.append("typo")
    if (_has_accents(given) or _has_accents(family)) and rng.random() < habits.accents_stripped:
        given, family = strip_accents(given), strip_accents(family)
        noise.append("accents_stripped")
    born: date | None = child.born
    day, month = child.born.day, child.born.month
    if rng.random() < habits.dob_day_month and day <= 12 and day != month:
        born = child.born.replace(day=month, month=day)
        noise.append("dob_day_month")
    approximate: int | None = None
    if rng.random() < habits.dob_missing:
        born = None
        noise.append("dob_missing")
        if rng.random() < habits.age_given:
            approximate = max(4, child.age(on) + rng.choice((-1, 0, 0, 0, 1)))
    if rng.random() < habits.swapped_names:
        given, family = family, given
        noise.append("swapped_names")
    if rng.random() < habits.surname_missing:
        family = ""
        noise.append("surname_missing")
    gender = child.gender
    if rng.random() < habits.gender_differs:
        gender = rng.choice(("X", "U", "M" if child.gender == "F" else "F"))
        noise.append("gender_differs")
    postcode, address = child.postcode, child.address
    if child.old_postcode and rng.random() < habits.outdated_address:
        postcode, address = child.old_postcode, child.old_address or ""
        noise.append("outdated_address")
    if rng.random() < habits.postcode_blank:
        postcode = ""
    if rng.random() < habits.address_blank:
        address = ""
    if habits.upper:
        given, family, other = given.upper(), family.upper(), other.upper()
        address = address.upper()
        postcode = postcode.replace(" ", "")
    else:
        given, family, other = _title(given), _title(family), _title(other)
        address = _title(address) + (", Eastbrook" if address and rng.random() < 0.5 else "")
    return (
        _Identity(given, family, other, born, approximate, gender, postcode, address),
        noise,
    )


def _identity_columns(ident: _Identity, **ids: str | None) -> dict[str, Any]:
    return {
        "given_name": ident.given,
        "family_name": ident.family,
        "other_names": ident.other,
        "date_of_birth": ident.born.isoformat() if ident.born else "",
        "approximate_age": ident.approximate_age,
        "gender": ident.gender,
        "postcode": ident.postcode,
        "address": ident.address,
        "upn": ids.get("upn") or "",
        "nhs_number": ids.get("nhs") or "",
        "person_reference": ids.get("reference") or "",
    }


# --- Files ------------------------------------------------------------------------------------


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
    return datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.choice((0, 15, 30, 45)))


def _school_roll(children: list[Child], rng: random.Random, today: date) -> Feed:
    feed = Feed("school-roll.csv", "school_roll", "education", "Eastbrook schools")
    term = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for child in children:
        if child.upn is None:
            continue
        age = child.age(term)
        year_group = "R" if age <= 4 else str(min(11, age - 4))
        common = {
            "upn": child.upn,
            "legal_forename": _title(child.given),
            "preferred_forename": _title(child.preferred) if child.preferred else "",
            "middle_names": " ".join(_title(m) for m in child.middle),
            "surname": _title(child.family),
            "date_of_birth": child.born.isoformat(),
            "gender": child.gender,
            "ethnicity_code": rng.choice(ETHNICITY),
            "sen_provision": rng.choice(("none",) * 8 + ("sen_support", "ehc_plan")),
            "free_school_meals": rng.choice(("yes", "no", "no", "no")),
            "looked_after": "no",
            "recorded_at": "",
        }
        joined = term - timedelta(days=365 * rng.randint(0, 2))
        if child.old_school:
            started = date(joined.year - rng.randint(1, 3), 9, rng.randint(1, 7))
            left = joined - timedelta(days=rng.randint(30, 200))
            moved = child.old_address is not None
            feed.add(
                {
                    "school": child.old_school,
                    **common,
                    "address": _title(child.old_address or child.address) + ", Eastbrook",
                    "postcode": child.old_postcode if moved else child.postcode,
                    "year_group": year_group,
                    "on_roll_from": started.isoformat(),
                    "on_roll_to": left.isoformat(),
                    "leaving_reason": "Moved school",
                    "person_reference": f"MIS-{rng.randint(10000, 99999)}",
                },
                child,
                ["changed_school"] + (["outdated_address"] if moved else []),
            )
        feed.add(
            {
                "school": child.school,
                **common,
                "address": _title(child.address) + ", Eastbrook",
                "postcode": child.postcode,
                "year_group": year_group,
                "on_roll_from": joined.isoformat(),
                "on_roll_to": "",
                "leaving_reason": "",
                "person_reference": f"MIS-{rng.randint(10000, 99999)}",
            },
            child,
            [],
        )
    return feed


def _count(child: Child, rng: random.Random, base: float, exploited: tuple[int, int]) -> int:
    if child.exploited:
        return rng.randint(*exploited)
    return 1 + (rng.random() < 0.3) if rng.random() < base else 0


def generate(*, children: int = 5_000, seed: int = 2026, today: date | None = None) -> Truth:
    """Every feed's rows for a population of ``children``, with the truth beside them."""
    today = today or date.today()
    rng = random.Random(seed)
    people = population(children, rng, today)
    first, last = today - timedelta(days=400), today - timedelta(days=3)
    roll = _school_roll(people, rng, today)
    attendance = Feed(
        "school-attendance.csv", "school_attendance", "education", "Eastbrook schools"
    )
    police = Feed("police-missing.csv", "police_missing", "police", "Eastbrook Police")
    health = Feed("health-attendances.csv", "health_attendance", "health", "Eastbrook Health")
    care = Feed(
        "social-care-status.csv",
        "social_care_status",
        "childrens_social_care",
        "Eastbrook Children's Services",
    )
    community = {
        "school": Feed("concerns-schools.csv", "concerns", "education", "Eastbrook schools"),
        "youth_service": Feed(
            "concerns-youth-service.csv", "concerns", "youth_offending", "Eastbrook Youth Service"
        ),
        "voluntary_sector": Feed(
            "concerns-voluntary.csv", "concerns", "voluntary_sector", "Eastbrook Youth Trust"
        ),
        "housing": Feed("concerns-housing.csv", "concerns", "housing", "Eastbrook Homes"),
    }
    police_ref: dict[str, str] = {}
    health_ref: dict[str, str] = {}
    care_ref: dict[str, str] = {}
    sessions: set[tuple[str, date, str]] = set()
    for child in people:
        older = child.age(today) >= 10
        # Attendance: unauthorised absence marks, as the school's MIS holds the pupil.
        if child.upn:
            for _ in range(_count(child, rng, 0.05, (3, 8))):
                day = first + timedelta(days=rng.randint(0, (last - first).days))
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                session = rng.choice(("AM", "PM"))
                if (child.id, day, session) in sessions:
                    continue
                sessions.add((child.id, day, session))
                attendance.add(
                    {
                        "school": child.school,
                        "given_name": _title(child.given),
                        "family_name": _title(child.family),
                        "other_names": _title(child.preferred) if child.preferred else "",
                        "date_of_birth": child.born.isoformat(),
                        "gender": child.gender,
                        "postcode": child.postcode,
                        "address": _title(child.address),
                        "upn": child.upn,
                        "nhs_number": "",
                        "person_reference": "",
                        "attendance_date": day.isoformat(),
                        "level": "session",
                        "session": session,
                        "lesson": "",
                        "code": rng.choice(("O", "O", "G", "N", "U")),
                    },
                    child,
                    [],
                )
        # Police missing episodes.
        for _ in range(_count(child, rng, 0.03 if older else 0.003, (3, 10))):
            went = _moment(rng, first, last)
            ident, noise = _identity(child, POLICE, went.date(), rng)
            reference = police_ref.setdefault(child.id, f"EBP-P-{len(police_ref) + 70000}")
            back = went + timedelta(hours=rng.randint(2, 60))
            interview = rng.choice(
                ("offered", "completed", "not_completed", "declined", "not_known")
            )
            police.add(
                {
                    **_identity_columns(
                        ident, nhs=child.nhs if rng.random() < 0.03 else None, reference=reference
                    ),
                    "episode_reference": f"EBP-MISS-{len(police.rows) + 1:06d}",
                    "missing_from": went.strftime("%Y-%m-%d %H:%M"),
                    "missing_from_location": rng.choice(
                        ("Home address", "Children's home", "School")
                    ),
                    "returned_at": back.strftime("%Y-%m-%d %H:%M") if back.date() < today else "",
                    "found_location": rng.choice(
                        ("", "Town centre", "Friend's address", "Retail park")
                    ),
                    "risk_grading": rng.choice(("low", "medium", "medium", "high")),
                    "return_home_interview": interview,
                    "return_home_interview_date": (back.date() + timedelta(days=2)).isoformat()
                    if interview == "completed" and back.date() + timedelta(days=2) < today
                    else "",
                    "last_seen_at": (went - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                    "reported_by": rng.choice(
                        ("Mother", "Father", "Carer", "Children's home staff")
                    ),
                    "circumstances": "Synthetic episode.",
                    "return_method": rng.choice(("Returned of own accord", "Found by police", "")),
                    "recorded_at": "",
                },
                child,
                noise,
            )
        # Health attendances.
        for _ in range(_count(child, rng, 0.08, (2, 6))):
            when = _moment(rng, first, last)
            ident, noise = _identity(child, HEALTH, when.date(), rng)
            reference = health_ref.setdefault(child.id, f"HLT-{len(health_ref) + 300000}")
            service = (
                rng.choice(("emergency_department", "sexual_health", "emergency_department"))
                if child.exploited
                else rng.choice(("emergency_department", "gp", "school_nursing", "mental_health"))
            )
            health.add(
                {
                    **_identity_columns(
                        ident, nhs=child.nhs if rng.random() < 0.65 else None, reference=reference
                    ),
                    "attendance_reference": f"EBH-{len(health.rows) + 1:06d}",
                    "attended_at": when.strftime("%Y-%m-%d %H:%M"),
                    "service_type": service,
                    "site": "Eastbrook General (synthetic)",
                    "reason": rng.choice(("Minor injury", "Intoxication", "Drop-in", "")),
                    "outcome": rng.choice(("Discharged", "Referred", "")),
                    "accompanied_by": rng.choice(
                        ("Mother", "Friend", "Unknown adult", "Alone", "")
                    ),
                    "safeguarding_concern_noted": rng.choice(("yes", "no", "")),
                    "recorded_at": "",
                },
                child,
                noise,
            )
        # Social care status.
        starts: set[tuple[str, date]] = set()
        for _ in range(_count(child, rng, 0.03, (1, 3))):
            status = rng.choice(("child_in_need", "child_protection_plan", "looked_after"))
            start = first + timedelta(days=rng.randint(0, (last - first).days))
            if (status, start) in starts:
                continue
            starts.add((status, start))
            ident, noise = _identity(child, SOCIAL_CARE, start, rng)
            reference = care_ref.setdefault(child.id, f"CSC-{len(care_ref) + 40000}")
            care.add(
                {
                    **_identity_columns(
                        ident,
                        upn=child.upn if rng.random() < 0.4 else None,
                        nhs=child.nhs if rng.random() < 0.4 else None,
                        reference=reference,
                    ),
                    "status": status,
                    "start_date": start.isoformat(),
                    "end_date": "",
                    "case_reference": reference.replace("CSC", "EBC"),
                    "category": "",
                    "category_of_need": rng.choice(
                        ("N1 Abuse or neglect", "N4 Family in acute stress")
                    ),
                    "placement_type": "Foster care" if status == "looked_after" else "",
                    "recorded_at": "",
                },
                child,
                noise,
            )
        # Concerns from the community: a school, the youth service, a charity, housing.
        for _ in range(_count(child, rng, 0.04 if older else 0.01, (3, 9))):
            kind = rng.choice(
                ("school", "youth_service", "voluntary_sector", "voluntary_sector", "housing")
            )
            if kind == "school" and child.upn is None:
                kind = "voluntary_sector"
            when = _moment(rng, first, last)
            habits = SCHOOL_CONCERN if kind == "school" else COMMUNITY
            ident, noise = _identity(child, habits, when.date(), rng)
            target = community[kind]
            target.add(
                {
                    **_identity_columns(
                        ident, upn=child.upn if kind == "school" and rng.random() < 0.5 else None
                    ),
                    "school": child.school if child.upn and rng.random() < 0.5 else "",
                    "concern_reference": f"{kind[:3].upper()}-{len(target.rows) + 1:05d}",
                    "agency_kind": kind if rng.random() < 0.5 else "",
                    "reporter_role": rng.choice(
                        ("Teacher", "Youth worker", "Housing officer", "Volunteer")
                    ),
                    "concern_date": when.strftime("%Y-%m-%d %H:%M"),
                    "category": rng.choice(
                        (
                            "older_associate",
                            "unexplained_gifts_or_money",
                            "going_missing",
                            "seen_in_hotspot",
                            "change_in_behaviour",
                        )
                    ),
                    "concern": "Synthetic concern.",
                    "recorded_at": "",
                },
                child,
                noise,
            )
    feeds = [roll, attendance, police, health, care, *community.values()]
    return Truth(children={c.id: c for c in people}, feeds=[f for f in feeds if f.rows])


def write(truth: Truth, folder: Path) -> dict[str, Path]:
    """Each feed's CSV in ``folder`` (UTF-8, as the import formats page asks). Truth stays in
    memory: nothing about who a row is goes into the files beyond what the agency sent."""
    paths: dict[str, Path] = {}
    for feed in truth.feeds:
        path = folder / feed.name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(feed.rows[0]))
            writer.writeheader()
            writer.writerows(feed.rows)
        paths[feed.name] = path
    return paths
