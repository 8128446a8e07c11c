"""Synthetic Eastbrook cross-agency data with ground truth, for the linkage benchmarks.

All of it is made up (SYNTHETIC): a population of children living in households in the
fictional Eastbrook area (postcodes EB1-EB9), a school roll, police missing-episode reports and
health attendances. Each incoming report either belongs to a child on the roll (truth = that
pupil's id) or to a child who is not on it (truth = None), and carries one error-type label:

- ``clean``: written as on the roll (apart from the agency's usual missing fields and case)
- ``nickname``: a short form or pet name ("Alfie" for Alfred)
- ``typo``: one character inserted, deleted, replaced or two swapped, in a given or family name
- ``swapped_names``: given and family names exchanged
- ``dob_day_month``: day and month of birth exchanged
- ``dob_typo``: one digit of the date of birth wrong
- ``missing_fields``: date of birth, or postcode and address, not recorded
- ``moved``: the family has moved: a new address and postcode
- ``double_barrelled``: one half of a double-barrelled family name, or the halves reordered
- ``not_on_roll``: a child who is not on the roll (must not be linked)

Households make it realistically hard: siblings share a family name, address, postcode and
often a school; twins share a date of birth too. Seeded, so every run is the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from matching import nicknames

GIRLS = [
    "olivia",
    "amelia",
    "isla",
    "ava",
    "mia",
    "ivy",
    "lily",
    "isabella",
    "rosie",
    "sophia",
    "grace",
    "freya",
    "willow",
    "florence",
    "emily",
    "ella",
    "poppy",
    "evie",
    "elsie",
    "charlotte",
    "evelyn",
    "sienna",
    "sofia",
    "daisy",
    "phoebe",
    "sophie",
    "alice",
    "harper",
    "matilda",
    "ruby",
    "emilia",
    "maya",
    "millie",
    "eva",
    "jessica",
    "margaret",
    "elizabeth",
    "victoria",
    "rebecca",
    "samantha",
    "katherine",
    "abigail",
    "amy",
    "hannah",
    "chloe",
    "zara",
    "aisha",
    "fatima",
    "maryam",
    "amira",
    "priya",
    "ananya",
    "zainab",
    "layla",
    "nadia",
    "megan",
    "lucy",
    "holly",
    "ellie",
    "jasmine",
    "leah",
    "niamh",
    "erin",
    "caitlin",
    "bethany",
    "georgia",
    "summer",
    "esme",
]
BOYS = [
    "noah",
    "oliver",
    "george",
    "arthur",
    "muhammad",
    "leo",
    "harry",
    "oscar",
    "archie",
    "henry",
    "theodore",
    "freddie",
    "jack",
    "charlie",
    "theo",
    "alfie",
    "jacob",
    "thomas",
    "william",
    "lucas",
    "tommy",
    "finley",
    "isaac",
    "teddy",
    "james",
    "joshua",
    "alexander",
    "samuel",
    "daniel",
    "benjamin",
    "edward",
    "joseph",
    "matthew",
    "christopher",
    "nicholas",
    "michael",
    "robert",
    "richard",
    "callum",
    "kieran",
    "liam",
    "ethan",
    "mason",
    "logan",
    "dylan",
    "riley",
    "kai",
    "reuben",
    "ibrahim",
    "yusuf",
    "omar",
    "ali",
    "hamza",
    "aarav",
    "arjun",
    "rohan",
    "kwame",
    "kofi",
    "tyler",
    "jayden",
    "connor",
    "lewis",
    "aaron",
    "nathan",
    "ryan",
    "zachary",
]
SURNAMES = [
    "smith",
    "jones",
    "williams",
    "taylor",
    "brown",
    "davies",
    "evans",
    "wilson",
    "thomas",
    "johnson",
    "roberts",
    "robinson",
    "thompson",
    "wright",
    "walker",
    "white",
    "edwards",
    "hughes",
    "green",
    "hall",
    "lewis",
    "harris",
    "clarke",
    "patel",
    "jackson",
    "wood",
    "turner",
    "martin",
    "cooper",
    "hill",
    "ward",
    "morris",
    "moore",
    "clark",
    "lee",
    "king",
    "baker",
    "harrison",
    "morgan",
    "allen",
    "james",
    "scott",
    "phillips",
    "watson",
    "davis",
    "parker",
    "price",
    "bennett",
    "young",
    "griffiths",
    "mitchell",
    "kelly",
    "cook",
    "carter",
    "richardson",
    "bailey",
    "collins",
    "bell",
    "shaw",
    "murphy",
    "miller",
    "cox",
    "richards",
    "khan",
    "marshall",
    "anderson",
    "simpson",
    "ellis",
    "adams",
    "singh",
    "begum",
    "wilkinson",
    "foster",
    "chapman",
    "powell",
    "webb",
    "rogers",
    "gray",
    "mason",
    "ali",
    "hussain",
    "campbell",
    "matthews",
    "owen",
    "palmer",
    "holmes",
    "mills",
    "barnes",
    "knight",
    "lloyd",
    "butler",
    "russell",
    "barker",
    "fisher",
    "stevens",
    "jenkins",
    "murray",
    "dixon",
    "harvey",
    "graham",
    "pearson",
    "ahmed",
    "fletcher",
    "walsh",
    "kaur",
    "gibson",
    "howard",
    "andrews",
    "stewart",
    "elliott",
    "reynolds",
    "saunders",
    "payne",
    "fox",
    "ford",
    "pearce",
    "day",
    "brooks",
    "west",
    "lawrence",
    "cole",
    "atkinson",
    "bradley",
    "spencer",
    "gill",
    "dawson",
    "ball",
    "burton",
    "o'brien",
    "watts",
    "rose",
    "booth",
    "perry",
    "ryan",
    "grant",
    "wells",
    "armstrong",
    "francis",
    "rees",
    "hayes",
    "hart",
    "hudson",
    "newman",
    "barrett",
    "webster",
    "hunter",
    "gregory",
    "carr",
    "lowe",
    "page",
    "marsh",
    "riley",
    "dunn",
    "woods",
    "parsons",
    "berry",
    "stone",
    "reid",
    "holland",
    "hawkins",
    "harding",
    "porter",
    "robertson",
    "newton",
    "oliver",
    "reeves",
    "nicholson",
    "mahmood",
    "okafor",
    "mensah",
    "nowak",
    "kowalski",
    "novak",
    "silva",
    "santos",
    "oconnor",
    "mcdonald",
    "chowdhury",
    "rahman",
]
SCHOOLS = (
    "Eastbrook Academy",
    "Eastbrook High School",
    "St Mary's C of E Primary",
    "Riverside Primary",
    "Brook Lane Infants",
    "Westfield Junior School",
    "Holy Trinity RC Primary",
    "Northgate Academy",
    "Castle Hill Primary",
    "Meadow Way Primary",
    "Kingsmead School",
    "Oakfield Free School",
)
ERROR_TYPES = (
    "clean",
    "nickname",
    "typo",
    "swapped_names",
    "dob_day_month",
    "dob_typo",
    "missing_fields",
    "moved",
    "double_barrelled",
    "not_on_roll",
)
REFERENCE_DAY = date(2026, 9, 1)


@dataclass
class Child:
    id: str
    given: str
    family: str
    other: str | None
    born: date
    gender: str
    postcode: str
    address: str
    school: str


@dataclass
class Dataset:
    """The roll and one or more incoming feeds, with truth and error types per incoming id."""

    roll: list[dict[str, object]]
    feeds: dict[str, list[dict[str, object]]]
    truth: dict[str, str | None] = field(default_factory=dict)
    error_type: dict[str, str] = field(default_factory=dict)


STREET_NAMES = [
    "acacia",
    "albany",
    "alder",
    "ash",
    "beech",
    "birch",
    "bramble",
    "briar",
    "brook",
    "castle",
    "cedar",
    "chapel",
    "chestnut",
    "church",
    "clover",
    "college",
    "copper",
    "coronation",
    "daisy",
    "elm",
    "fern",
    "forge",
    "foxglove",
    "garden",
    "glebe",
    "grange",
    "hawthorn",
    "hazel",
    "heath",
    "holly",
    "juniper",
    "kings",
    "laurel",
    "lime",
    "linden",
    "maple",
    "market",
    "meadow",
    "mill",
    "moor",
    "oak",
    "orchard",
    "park",
    "poplar",
    "priory",
    "queens",
    "rectory",
    "river",
    "rowan",
    "school",
    "spring",
    "station",
    "sycamore",
    "thorn",
    "valley",
    "vicarage",
    "victoria",
    "willow",
    "windmill",
    "york",
]
STREET_KINDS = [
    "road",
    "street",
    "lane",
    "close",
    "avenue",
    "drive",
    "way",
    "grove",
    "court",
    "crescent",
    "gardens",
    "place",
]


def _street(rng: random.Random) -> str:
    """One of about 750 street names (North, South... variants make more for big towns)."""
    name = f"{rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
    if rng.random() < 0.5:
        name = f"{rng.choice(('north', 'south', 'east', 'west', 'upper', 'lower'))} {name}"
    return name


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"EB{rng.randint(1, 9)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"


_SURNAME_WEIGHTS = [1 / (rank + 20) for rank in range(len(SURNAMES))]


def _surname(rng: random.Random) -> str:
    # Zipf-like, as in England: the commonest (Smith) about 2 % of people, a long tail.
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]


def population(size: int, rng: random.Random, prefix: str = "p") -> list[Child]:
    """Children in households: siblings share family name, address, postcode (and often a
    school); about one in a hundred births is twins."""
    children: list[Child] = []
    number = 0
    while len(children) < size:
        family = _surname(rng)
        if rng.random() < 0.06:
            other = _surname(rng)
            if other != family:
                family = f"{family}-{other}"
        postcode = _postcode(rng)
        address = f"{rng.randint(1, 180)} {_street(rng)}"
        siblings = rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4))
        school = rng.choice(SCHOOLS)
        for _ in range(siblings):
            born = REFERENCE_DAY - timedelta(days=rng.randint(4 * 365, 17 * 365))
            births = 2 if rng.random() < 0.01 else 1
            for _ in range(births):
                gender = rng.choice("FM")
                names = GIRLS if gender == "F" else BOYS
                given = rng.choice(names)
                middle = rng.choice(names) if rng.random() < 0.4 else None
                number += 1
                children.append(
                    Child(
                        id=f"{prefix}{number}",
                        given=given,
                        family=family,
                        other=middle if middle != given else None,
                        born=born,
                        gender=gender,
                        postcode=postcode,
                        address=address,
                        school=school if rng.random() < 0.8 else rng.choice(SCHOOLS),
                    )
                )
    return children[:size]


def _title(text: str) -> str:
    return "-".join(part.capitalize() for part in text.split("-"))


def roll_record(child: Child) -> dict[str, object]:
    return {
        "id": f"pupil-{child.id}",
        "given_name": child.given.capitalize(),
        "family_name": _title(child.family),
        "other_names": child.other.capitalize() if child.other else None,
        "date_of_birth": child.born,
        "gender": child.gender,
        "postcode": child.postcode,
        "school": child.school,
        "address": f"{child.address.title()}, Eastbrook",
    }


def _typo(word: str, rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if len(word) < 3:
        return word + rng.choice(letters)
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("insert", "delete", "replace", "transpose"))
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "replace":
        return word[:i] + rng.choice(letters.replace(word[i], "")) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


@cache
def _variants(given: str) -> list[str]:
    groups = nicknames.groups(given)
    found = {
        name
        for name, keys in nicknames.groups_by_name().items()
        if keys & groups and name != given and name.isalpha()
    }
    return sorted(found)


def _digit_typo(born: date, rng: random.Random) -> date:
    for _ in range(20):
        choice = rng.choice(("day", "year"))
        try:
            if choice == "day":
                day = born.day + rng.choice((-10, -1, 1, 10))
                return born.replace(day=day)
            year = born.year + rng.choice((-1, 1))
            return born.replace(year=year)
        except ValueError:
            continue
    return born + timedelta(days=1)


def _apply(child: Child, error: str, rng: random.Random) -> Child | None:
    """The child as the agency recorded them with this error, or None if it cannot apply."""
    c = Child(**child.__dict__)
    if error == "nickname":
        variants = _variants(c.given)
        if not variants:
            return None
        c.given = rng.choice(variants)
    elif error == "typo":
        if rng.random() < 0.5:
            c.given = _typo(c.given, rng)
        else:
            c.family = _typo(c.family, rng)
    elif error == "swapped_names":
        c.given, c.family = c.family, c.given
    elif error == "dob_day_month":
        if c.born.day > 12 or c.born.day == c.born.month:
            return None
        c.born = c.born.replace(day=c.born.month, month=c.born.day)
    elif error == "dob_typo":
        c.born = _digit_typo(c.born, rng)
    elif error == "moved":
        c.postcode = _postcode(rng)
        c.address = f"{rng.randint(1, 180)} {_street(rng)}"
    elif error == "double_barrelled":
        if "-" not in c.family:
            return None
        first, second = c.family.split("-", 1)
        c.family = rng.choice((first, second, f"{second}-{first}", f"{first} {second}"))
    return c


def _report(
    child: Child, error: str, id: str, agency: str, rng: random.Random
) -> dict[str, object]:
    police = agency == "police"
    missing_dob = error == "missing_fields" and rng.random() < 0.5
    missing_home = error == "missing_fields" and not missing_dob
    no_address = missing_home or rng.random() < (0.2 if police else 0.4)
    no_gender = not police and rng.random() < 0.1
    family = child.family.upper() if police else _title(child.family)
    return {
        "id": id,
        "given_name": child.given.upper() if police else child.given.capitalize(),
        "family_name": family,
        "other_names": None,
        "date_of_birth": None if missing_dob else child.born,
        "gender": None
        if no_gender
        else {"F": "Female", "M": "Male"}[child.gender]
        if police
        else child.gender,
        "postcode": None if missing_home else child.postcode.replace(" ", "").lower(),
        "school": child.school if police and rng.random() < 0.5 else None,
        "address": None
        if no_address
        else (child.address.upper() if police else child.address)
        + (", Eastbrook" if rng.random() < 0.5 else ""),
    }


def generate(
    *,
    pupils: int = 5_000,
    police_reports: int = 800,
    health_attendances: int = 800,
    seed: int = 2017,
    not_on_roll_share: float = 0.1,
    error_share: float = 0.6,
    second_error_share: float = 0.35,
) -> Dataset:
    """A roll of ``pupils`` and two feeds. ``error_share`` of the reports of children on the
    roll carry one deliberate error (spread evenly over the types; the record is labelled with
    it) and ``second_error_share`` of those a second, different one; the rest are ``clean``.
    Agencies also leave fields out as they do in practice (police: address one time in five,
    school half the time; health: address two times in five, gender one time in ten)."""
    rng = random.Random(seed)
    children = population(pupils, rng)
    outsiders = population(max(1, int((police_reports + health_attendances) * 0.2)), rng, "x")
    dataset = Dataset(roll=[roll_record(c) for c in children], feeds={})
    errors = [e for e in ERROR_TYPES if e not in ("clean", "not_on_roll")]
    # Errors that need something to work on draw from the children who have it.
    eligible = {
        "nickname": [c for c in children if _variants(c.given)],
        "dob_day_month": [c for c in children if c.born.day <= 12 and c.born.day != c.born.month],
        "double_barrelled": [c for c in children if "-" in c.family],
    }
    # A few children go missing repeatedly: reports cluster on them.
    frequent = rng.sample(children, max(1, pupils // 50))
    for agency, count in (("police", police_reports), ("health", health_attendances)):
        records: list[dict[str, object]] = []
        while len(records) < count:
            number = len(records) + 1
            record_id = f"{agency}-{number}"
            if rng.random() < not_on_roll_share:
                child, error, truth = rng.choice(outsiders), "not_on_roll", None
                recorded: Child | None = child
            else:
                error = rng.choice(errors) if rng.random() < error_share else "clean"
                pool = eligible.get(error, children)
                child = rng.choice(frequent) if rng.random() < 0.3 else rng.choice(pool)
                recorded = _apply(child, error, rng)
                if recorded is not None and error != "clean" and rng.random() < second_error_share:
                    second = rng.choice([e for e in errors if e != error])
                    recorded = _apply(recorded, second, rng) or recorded
                truth = f"pupil-{child.id}"
            if recorded is None:
                continue
            records.append(_report(recorded, error, record_id, agency, rng))
            dataset.truth[record_id] = truth
            dataset.error_type[record_id] = error
        dataset.feeds[agency] = records
    return dataset
