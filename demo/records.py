"""A year of agency records for every Eastbrook young person: the generator's ``records`` step.

Everything here is synthetic (``is_synthetic=True`` on every record). Titles are short, plain
and professional, never graphic; the adults, cars, phones and places in them are invented.

The year
    Records fall in the year before the generator's "today" (:data:`YEAR_START`, 1 September
    2025, to 31 August 2026). School records fall on school days of an invented 2025-26 term
    calendar; missing episodes end at least a few days before "today" so that their return home
    interview is due within the year. Education records are held by the school the young
    person attended *that* year (a pupil now in year 7 was at a primary school; the primary is
    the one named in their UPN when it is an Eastbrook school), or by the children missing
    education team for those on no school roll.

Who carries the records
    Most young people have little; a minority carry most records. Each young person is put in
    one of three groups, with exact quotas so that every town has the same shape:

    * low (about 85%): 0 to 4 records (rarely 5 or 6, when a missing episode brings its return
      home interview and a next-day absence), mostly school absences, a school nurse drop-in,
      an emergency department visit, occasionally a clinic visit (15 and over) or a single
      short missing episode;
    * some concern (about 12%): usually 5 to 15 records across two to four agencies;
    * high risk (about 3%): usually 20 to 60 records across most agencies.

    Older young people are more likely to be in the higher groups, girls somewhat more than
    boys (boys are included: they are under-identified, and the problem profile should show it).
    About 1% of the low group, 10% of the concern group and 35% of the high-risk group are
    looked after.

Rates per agency (per young person per year; medians from a medium town, seed 2017)
    ==================  ========================================================================
    Education           unauthorised absences (codes O, N, G), "arrived after registers closed"
                        (code U), lessons missed after registration (secondary age), concerns,
                        warning signs (gifts, older "boyfriend", unexplained phone or money);
                        out of education and disability indicators. An absence often follows
                        the night of a missing episode. Low 0-4 (half have none), concern 1-12
                        (median 6), high up to about 26 (median 18).
    Health              emergency department and school nurse drop-ins (each about 1 in 8 of the
                        low group, 1 in 4 of the concern group, 1 to 3 a year for the high-risk
                        group), sexual health clinic (only when 14 or over on the day, in the
                        sexual health service, so category sexual health; about 3 in 4 of the
                        high-risk group), rare GP-type visits.
    Police              missing episodes (``ended_at`` is the return; ``facts`` hold
                        ``reported_by``, ``found_at``, ``returned_by``, ``hours_missing``),
                        stops, "found in the company of an adult", rare arrests (the young
                        person then a suspect). Missing episodes: 2% of the low group once,
                        about 40% of the concern group once or twice, the high-risk group 3 to 9.
    Return home         after about 74% of missing episodes a return home interview within 72
    interviews          hours, after about 13% a late one (3 to 10 days), after the rest none.
                        Children's social care holds most for looked-after children, Safe Steps
                        (the commissioned voluntary service) most for the others.
    Social care         concerns, in care and prior abuse indicators, placement moves for
                        looked-after children.
    YOS, housing,       occasional, mostly for the high-risk group: referral orders and missed
    voluntary sector    appointments, notices and sofa-surfing, specialist CSE sessions and
                        disclosures, detached youth work sightings at hot spots.
    Community partners  only around the hidden clusters (a hotel or taxi firm noticing).
    ==================  ========================================================================

    Nature follows the record: episodes and observations are facts, worries are professional
    opinion, anything a young person or a third party tells are allegations. Most records are
    standard; disclosures, prior abuse and some sexual health and police records are sensitive;
    a few (an adult arrested, a disclosure) are restricted.

Identifiers in links
    Phones come only from Ofcom's ranges reserved for drama (020 7946 0xxx, 0113/0114/0116/
    0117/0118/0121/0131/0141/0151/0161 496 0xxx, 0191 498 0xxx, 028 9649 6xxx, 029 2018 0xxx),
    so no real person's number is ever linked to a young person. (The mobile drama range 07700
    900xxx is accepted too, since :func:`people.identifiers.normalise_uk_phone` takes every
    possible number; the demo keeps to the ranges above so its data stays as it was.) Other
    mobile numbers, such as 07400 123xxx, may belong to real people. Vehicles have current-style
    marks whose memory tag starts with Z, which DVLA never issues in Great Britain (I, Q and Z
    are not used there). Places are postcodes in the town's "ZY" area. Outside the clusters
    below every phone, vehicle and place is linked to one young person only, so a shared link
    is always a planted signal.

Hidden clusters (for the "joining the dots" and link chart work)
    One cluster in a tiny town, two in a small one, three in larger ones, each of 3 to 6
    high-risk young people aged 13 or over from different households, drawn from
    :data:`CLUSTERS`:

    * ``canal``: a flat above a takeaway on Canal Side, an adult known as "Jay", a grey
      hatchback; Eastbrook Housing hears from a neighbour about young people visiting late.
    * ``lodge``: the Riverside Lodge Hotel, a number saved as "Uncle", a black saloon; the hotel
      (a community partner) reports a young person arriving with an adult who booked the room.
    * ``retail``: the car park behind the Riverside retail park, an adult known as "Smiley", a
      white van; Brook Cars (the taxi firm) reports late pick-ups on an adult's account.

    Each cluster has a list of nights that come closer together and last longer through the
    spring and summer; each member goes missing on most of them (so members often go missing on
    the same night), is found at the cluster's place (once or twice by the police, with the
    adult, which ends the episode), and has the cluster's phone, vehicle and place linked in
    police, voluntary sector and partner records. The members' missing episodes
    therefore escalate in frequency and length, and one phone, one vehicle and one place are each
    linked to several young people. :class:`RecordPlan` keeps the clusters for tests.

Case teams, lead professionals and consent (:func:`allocate`)
    ``school.dsl``, ``police.practitioner``, ``csc.practitioner``, ``health.sexualhealth``,
    ``safesteps.practitioner`` and ``yos.practitioner`` each join the case team of 10 to 20
    young people (fewer in a tiny town), high-risk first, preferring those their agency holds
    records on (for the school DSL, Eastbrook Academy pupils); the teams overlap.
    ``csc.coordinator`` is lead professional for every cluster member and about a third of the
    other high-risk young people (at most 20), ``safesteps.coordinator`` for a few in the
    concern group.
    About half of the allocated young people have a consent decision recorded by a member of
    their case team; a few declined, so other agencies see only that records exist.

Determinism and the two ways in
    Records are planned in memory first (:class:`RecordPlanner`, no database), from the
    generator's streams: ``records:tiers`` for the groups and clusters, ``records:identifiers``
    for phones, vehicles and places, and ``records:<n>`` for the n-th young person. The plan is
    then written through :func:`records.actions.do_record_many`, the records app's bulk action
    (as the system, each record naming its agency): one record per call for towns of up to
    :data:`demo.eastbrook.ONE_BY_ONE_LIMIT` young people, as a practitioner's records arrive,
    and batches of :data:`BULK_BATCH` otherwise (:func:`write_bulk`). Either way each record
    has its own audit event, as in real use, and the category and review date come from the
    one builder every record goes through. Both
    give the same records for the same seed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from demo import names
from demo.eastbrook import (
    LA_CODE,
    LONDON,
    POSTCODE_AREA,
    REFERENCE_DATE,
    SCHOOLS,
    PersonPlan,
    Phase,
    School,
)
from governance.actions import do_add_relationship, do_record_consent
from governance.models import ConsentStatus, RelationshipKind
from people.identifiers import normalise_postcode, normalise_uk_phone, normalise_vrm
from people.models import Gender
from records.actions import LinkInput, RecordInput, do_record_many
from records.catalogue import ensure_catalogue
from records.models import (
    Classification,
    LinkKind,
    Nature,
    PersonCategory,
    RecordType,
)

if TYPE_CHECKING:
    from demo.eastbrook import Generator

YEAR_START = REFERENCE_DATE - timedelta(days=365)
"""The first day of the records year (1 September 2025)."""

LAST_EPISODE_DAY = REFERENCE_DATE - timedelta(days=6)
"""Missing episodes start no later than this, so the return home interview is due in the year."""

HIGH_SHARE = 0.03
CONCERN_SHARE = 0.12
BULK_BATCH = 2_000

FACT = Nature.FACT.value
OPINION = Nature.OPINION.value
ALLEGATION = Nature.ALLEGATION.value
STANDARD = Classification.STANDARD.value
SENSITIVE = Classification.SENSITIVE.value
RESTRICTED = Classification.RESTRICTED.value

_LAST_MOMENT = datetime(
    REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 7, 30, tzinfo=LONDON
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q
_MEMORY_TAG_SECOND = "ABCDEFGHJKLMNOPRSTUVWXY"  # no I, Q or Z

# Ofcom's numbers reserved for drama that the phone library accepts (see the module docstring).
DRAMA_PHONE_RANGES: tuple[str, ...] = (
    "020 7946 0",
    "0113 496 0",
    "0114 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "0191 498 0",
    "028 9649 6",
    "029 2018 0",
)


class Tier(StrEnum):
    LOW = "low"
    CONCERN = "concern"
    HIGH = "high"


@dataclass(frozen=True)
class PlannedLink:
    kind: str
    value: str  # already normalised: E.164 phone, VRM, postcode
    label: str = ""


@dataclass(frozen=True)
class PlannedRecord:
    """One agency record before it is written: ``person`` is the young person's position."""

    person: int
    agency: str
    service: str | None
    type_code: str
    occurred_at: datetime
    recorded_at: datetime
    title: str
    nature: str
    classification: str = STANDARD
    person_category: str = PersonCategory.VICTIM.value
    ended_at: datetime | None = None
    location: str = ""
    details: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    links: tuple[PlannedLink, ...] = ()


@dataclass(frozen=True)
class ClusterSpec:
    key: str
    place: str
    adult: str
    vehicle: str
    partner: str  # the agency that notices: housing, hotel or taxi


CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec(
        "canal",
        "Flat above a takeaway, Canal Side",
        "an adult known as 'Jay'",
        "Grey hatchback",
        "housing",
    ),
    ClusterSpec(
        "lodge", "Riverside Lodge Hotel", "a number saved as 'Uncle'", "Black saloon", "hotel"
    ),
    ClusterSpec(
        "retail",
        "Car park behind the Riverside retail park",
        "an adult known as 'Smiley'",
        "White van",
        "taxi",
    ),
)


@dataclass
class Cluster:
    spec: ClusterSpec
    place: PlannedLink
    phone: PlannedLink
    vehicle: PlannedLink
    nights: list[datetime]
    members: list[int] = field(default_factory=list)


@dataclass
class Profile:
    """What the records step decided about one young person."""

    index: int
    plan: PersonPlan
    tier: Tier
    looked_after: bool = False
    cluster: Cluster | None = None
    school: School | None = None  # the school attended during the records year


@dataclass
class RecordPlan:
    profiles: list[Profile]
    clusters: list[Cluster]
    records: list[PlannedRecord]

    def count_by_person(self) -> Counter[int]:
        counts: Counter[int] = Counter({profile.index: 0 for profile in self.profiles})
        counts.update(record.person for record in self.records)
        return counts


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_HOLIDAYS = (
    (date(2025, 10, 27), date(2025, 10, 31)),
    (date(2025, 12, 22), date(2026, 1, 2)),
    (date(2026, 2, 16), date(2026, 2, 20)),
    (date(2026, 3, 30), date(2026, 4, 10)),
    (date(2026, 5, 4), date(2026, 5, 4)),
    (date(2026, 5, 25), date(2026, 5, 29)),
)
_TERM = (date(2025, 9, 3), date(2026, 7, 22))


def _school_days() -> tuple[date, ...]:
    days = []
    day = _TERM[0]
    while day <= _TERM[1]:
        if day.weekday() < 5 and not any(first <= day <= last for first, last in _HOLIDAYS):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


SCHOOL_DAYS = _school_days()
_SCHOOL_DAY_SET = frozenset(SCHOOL_DAYS)


def _moment(day: date, rng: random.Random, first_hour: int, last_hour: int) -> datetime:
    """A moment on ``day`` between ``first_hour``:00 and ``last_hour``:59, local time."""
    hour = rng.randint(first_hour, last_hour)
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)


def _day(rng: random.Random, first: date = YEAR_START, last: date = LAST_EPISODE_DAY) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return date(born.year + age, 3, 1)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_PHRASES = {
    "Riverside retail park": "the Riverside retail park",
    "Town centre": "the town centre",
    "Parked car": "a parked car",
    "Flat above a takeaway, Canal Side": "a flat above a takeaway on Canal Side",
    "Riverside Lodge Hotel": "the Riverside Lodge Hotel",
    "Car park behind the Riverside retail park": "the car park behind the Riverside retail park",
}


def _phrase(place: str) -> str:
    """A place as it reads inside a sentence: "found at the town centre"."""
    if place in _PHRASES:
        return _PHRASES[place]
    if place.startswith(("A ", "An ")):
        return place[0].lower() + place[1:]
    return place


def _daytime_after(
    rng: random.Random, after: datetime, least_hours: float, most_hours: float
) -> datetime:
    """A working-hours moment between ``least_hours`` and ``most_hours`` after ``after``."""
    for _ in range(40):
        moment = after + timedelta(hours=rng.uniform(least_hours, most_hours))
        if 9 <= moment.hour < 18:
            return moment.replace(second=0, microsecond=0)
    return (after + timedelta(hours=least_hours)).replace(second=0, microsecond=0)


# --------------------------------------------------------------------------------------------
# Identifiers for links
# --------------------------------------------------------------------------------------------


class _Identifiers:
    """Phones, vehicles and places, each handed out once (clusters share theirs on purpose)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        phones = [
            f"{prefix}{number:03d}" for prefix in DRAMA_PHONE_RANGES for number in range(1000)
        ]
        rng.shuffle(phones)
        self._phones: Iterator[str] = iter(phones)
        self._vehicles: set[str] = set()
        self._places: set[str] = set()

    def phone(self) -> str | None:
        """A new phone number in E.164 form, or ``None`` once the drama ranges are used up."""
        raw = next(self._phones, None)
        return None if raw is None else normalise_uk_phone(raw)

    def vehicle(self) -> str:
        rng = self.rng
        while True:
            age = rng.choice((rng.randint(8, 25), rng.randint(58, 75)))
            mark = f"Z{rng.choice(_MEMORY_TAG_SECOND)}{age:02d} " + "".join(
                rng.choice(_VRM_LETTERS) for _ in range(3)
            )
            value = normalise_vrm(mark)
            if value not in self._vehicles:
                self._vehicles.add(value)
                return value

    def place(self) -> str:
        rng = self.rng
        while True:
            code = (
                f"{POSTCODE_AREA}{rng.randint(1, 9)} {rng.randint(0, 9)}"
                f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            value = normalise_postcode(code)
            if value not in self._places:
                self._places.add(value)
                return value


# --------------------------------------------------------------------------------------------
# Titles (short, professional, never graphic)
# --------------------------------------------------------------------------------------------

# (title, DfE code)
ABSENCES = (
    ("Unauthorised absence, no reason given (code O)", "O"),
    ("Absent all day; parent not reachable by phone (code O)", "O"),
    ("Absence not yet explained; first-day call made (code N)", "N"),
    ("Unauthorised absence, afternoon session (code O)", "O"),
    ("Unauthorised absence; reported unwell after the event (code O)", "O"),
)
HOLIDAY_ABSENCE = ("Term-time holiday not authorised (code G)", "G")
ABSENCE_AFTER_MISSING = ("Absent the day after a reported missing episode (code O)", "O")
LESSONS_MISSED = (
    "Registered in the morning, then missing from periods 3 and 4",
    "Left the site after afternoon registration; returned at the end of the day",
    "Missing from lessons after registration; found off site at lunchtime",
    "Registered, then not in any lesson that morning",
)
# (type, title, nature, classification)
EDUCATION_LOW_CONCERNS = (
    ("concern", "Seemed upset in class; pastoral team checked in", OPINION, STANDARD),
    ("concern", "Friendship fall-out affecting attendance; parents contacted", OPINION, STANDARD),
)
EDUCATION_CONCERNS = (
    ("concern", "Appears tired and withdrawn in lessons; DSL informed", OPINION, STANDARD),
    ("concern", "Change in behaviour and friendship group over recent weeks", OPINION, STANDARD),
    (
        "concern",
        "Seen being collected at the school gate by an older male in a car",
        FACT,
        STANDARD,
    ),
    (
        "concern",
        "Friends worried about a new older 'boyfriend'; DSL spoke with the young person",
        OPINION,
        STANDARD,
    ),
    (
        "concern",
        "Told a teacher that an adult has been buying them alcohol",
        ALLEGATION,
        SENSITIVE,
    ),
)
EDUCATION_WARNING_SIGNS = (
    ("gifts", "New phone and designer clothes; says they were presents from a friend", FACT),
    (
        "older-boyfriend",
        "Talks about an older 'boyfriend' who collects them after school",
        ALLEGATION,
    ),
    ("unexplained-phone-or-money", "Has a second phone and cash they cannot explain", FACT),
    (
        "seen-at-hot-spot",
        "Seen by staff at the bus station during school hours with older youths",
        FACT,
    ),
)
ED_LOW = (
    "Attended with a sprained wrist after a fall; discharged",
    "Attended with a head bump from football; no follow-up needed",
    "Attended with an allergic reaction; treated and discharged",
    "Attended with a cut hand; glued and discharged",
)
ED_CONCERN = (
    "Attended late at night after drinking alcohol; collected by parent",
    "Attended with minor injuries; unable to say how they happened",
    "Attended after feeling unwell at a party; discharged to carer",
    "Attended intoxicated with friends; paediatric liaison nurse informed",
)
NURSE_LOW = (
    "Drop-in session; sleep and wellbeing advice given",
    "Health review; no concerns",
    "Drop-in about a sports injury; advice given",
)
NURSE_CONCERN = (
    "Drop-in: low mood and poor sleep; referred to CAMHS",
    "Asked about contraception; advised to attend the clinic",
    "Drop-in: worried about a friend; advice given",
    "Drop-in: seemed anxious and would not say why; follow-up offered",
)
SEXUAL_HEALTH_ROUTINE = (
    "Attended clinic; advice given",
    "Attended for contraception advice; seen alone",
)
# (title, classification)
SEXUAL_HEALTH_CONCERN = (
    ("Attended with an older adult who left before being seen", SENSITIVE),
    ("Repeat attendance; CSE screening tool completed and shared with MASH health", STANDARD),
    ("Attended for emergency contraception; safeguarding assessment completed", SENSITIVE),
    ("Attended clinic; disclosed an older partner, advice given", RESTRICTED),
)
GP_TITLES = (
    "Seen at the walk-in centre; no follow-up needed",
    "Out-of-hours GP appointment; advice given",
)
HOT_SPOTS = (
    "Riverside retail park",
    "Eastbrook bus station",
    "Town centre",
    "Eastbrook Park",
    "Station Approach",
)
REPORTED_BY_HOME = ("Mother", "Father", "Grandparent", "Step-parent", "Older sibling", "Aunt")
REPORTED_BY_CARE = ("Foster carer", "Residential home staff")
POLICE_STOPS = (
    "Stopped in the town centre after midnight; taken home",
    "Stop and account near the Riverside retail park; no further action",
    "Seen with older youths at the bus station late at night; details recorded",
)
POLICE_CAR_STOPS = (
    "Stopped as a passenger in a car with two older males; details recorded",
    "Seen getting out of a car on Station Approach late at night; driver spoken to",
)
ARRESTS = (
    "Arrested for shoplifting; released under investigation",
    "Arrested for possession of cannabis; youth caution given",
    "Arrested after a fight in the town centre; no further action",
)
CSC_CONCERNS = (
    ("Contact from school about older associates; assessment opened", FACT, STANDARD),
    ("Parent worried about late nights and new friends", OPINION, STANDARD),
    ("Strategy discussion held; plan agreed to reduce risk", FACT, STANDARD),
    ("Social worker concerned about money and gifts from unknown sources", OPINION, STANDARD),
    ("Assessment completed: risk of exploitation judged significant", OPINION, SENSITIVE),
)
CSC_LOW = ("Contact from parent asking for advice; no further action", FACT, STANDARD)
PRIOR_ABUSE = (
    "Previous child protection plan for neglect (ended)",
    "Known to services as a younger child for domestic abuse at home",
)
IN_CARE = (
    "Looked after (section 20); in foster care",
    "Looked after under a care order; in a children's home",
)
PLACEMENT_MOVES = (
    "Moved to a new foster placement",
    "Emergency placement move after placement breakdown",
    "Moved to a children's home in Eastbrook",
    "Moved to an out-of-area placement",
)
RHI_TITLES = (
    ("Return home interview completed; said they had been with friends", FACT, STANDARD),
    ("Return home interview: would not say where they had been", FACT, STANDARD),
    ("Return home interview completed at school; safety plan agreed", FACT, STANDARD),
    (
        "Return home interview: said an older male bought them food and phone credit",
        ALLEGATION,
        SENSITIVE,
    ),
)
RHI_LATE = (
    "Return home interview completed outside the 72-hour window",
    FACT,
    STANDARD,
)
YOS_TITLES = (
    ("note", "Referral order started; weekly appointments agreed", FACT),
    ("note", "Missed appointment; home visit made", FACT),
    ("concern", "Worker concerned about a new older peer group", OPINION),
    ("substance-misuse", "Disclosed regular cannabis use", ALLEGATION),
    ("gang-association", "Associating with an older group linked to drug supply", OPINION),
)
HOUSING_TITLES = (
    ("note", "Family served notice on tenancy; temporary accommodation offered", FACT),
    (
        "concern",
        "Neighbour reported older males calling at the family home late at night",
        ALLEGATION,
    ),
)
SAFESTEPS_TITLES = (
    ("note", "Specialist CSE worker session; engaged well", FACT, STANDARD),
    ("note", "Session on healthy relationships; safety plan agreed", FACT, STANDARD),
    ("note", "Did not attend planned session; worker followed up by text", FACT, STANDARD),
    ("concern", "Worker concerned about contact with older males online", OPINION, STANDARD),
)
YOUTH_PROJECT_TITLES = (
    (
        "seen-at-hot-spot",
        "Seen at the Riverside retail park late at night with older males",
        FACT,
    ),
    ("concern", "Engaged in youth club session; mentioned a new older friend", OPINION),
    ("seen-at-hot-spot", "Seen by detached youth workers at the bus station after 22:00", FACT),
)


# --------------------------------------------------------------------------------------------
# The planner
# --------------------------------------------------------------------------------------------

_HIGH_WEIGHT_BY_AGE = {10: 0.05, 11: 0.2, 12: 0.5, 13: 1.0, 14: 1.4, 15: 1.6, 16: 1.6, 17: 1.4}
_CONCERN_WEIGHT_BY_AGE = {10: 0.5, 11: 0.7, 12: 0.9, 13: 1.0, 14: 1.2, 15: 1.3, 16: 1.3, 17: 1.2}
_LOOKED_AFTER = {Tier.LOW: 0.008, Tier.CONCERN: 0.10, Tier.HIGH: 0.35}


def _gender_weight(plan: PersonPlan) -> float:
    return 1.0 if plan.gender == Gender.BOY else 1.5


def cluster_sizes(count: int, rng: random.Random) -> list[int]:
    if count < 100:
        return [3]
    if count <= 1_000:
        return [rng.randint(3, 4), rng.randint(3, 5)]
    return [rng.randint(4, 6) for _ in range(3)]


def _school_last_year(plan: PersonPlan, rng: random.Random) -> School | None:
    school = plan.school
    group = plan.year_group - 1
    if school is None or school.phase in (Phase.PRIMARY, Phase.SPECIAL, Phase.PRU):
        return school
    if school.phase == Phase.COLLEGE:
        if group >= 12:
            return school
        secondaries = [s for s in SCHOOLS if s.phase in (Phase.SECONDARY, Phase.ALL_THROUGH)]
        return rng.choices(secondaries, weights=[s.weight for s in secondaries])[0]
    if group >= 7:
        return school
    # Moved up to secondary this September: last year they were at primary school.
    primaries = [s for s in SCHOOLS if s.phase == Phase.PRIMARY]
    if int(plan.upn[1:4]) == LA_CODE:
        for primary in primaries:
            if primary.establishment == int(plan.upn[4:8]):
                return primary
    return rng.choices(primaries, weights=[s.weight for s in primaries])[0]


class RecordPlanner:
    """Plans a year of records for the young people ``plans`` (in registration order)."""

    def __init__(self, stream: Callable[[str], random.Random], plans: Sequence[PersonPlan]):
        self.stream = stream
        self.plans = plans
        self.identifiers = _Identifiers(stream("records:identifiers"))

    def plan(self) -> RecordPlan:
        profiles, clusters = self._profiles()
        records: list[PlannedRecord] = []
        for profile in profiles:
            records.extend(
                _PersonRecords(self, profile, self.stream(f"records:{profile.index}")).make()
            )
        return RecordPlan(profiles=profiles, clusters=clusters, records=records)

    # -- who carries the records -------------------------------------------------------------

    def _profiles(self) -> tuple[list[Profile], list[Cluster]]:
        rng = self.stream("records:tiers")
        count = len(self.plans)
        sizes = cluster_sizes(count, rng)
        n_high = max(round(HIGH_SHARE * count), sum(sizes))
        n_concern = round(CONCERN_SHARE * count)

        def key(plan: PersonPlan, weights: dict[int, float]) -> float:
            weight = weights.get(plan.age, 1.0) * _gender_weight(plan)
            return rng.random() ** (1.0 / weight)  # weighted sampling without replacement

        high_keys = [key(plan, _HIGH_WEIGHT_BY_AGE) for plan in self.plans]
        concern_keys = [key(plan, _CONCERN_WEIGHT_BY_AGE) for plan in self.plans]
        by_high = sorted(range(count), key=lambda i: -high_keys[i])

        clusters = self._clusters(rng, sizes)
        cluster_of: dict[int, Cluster] = {}
        eligible = [i for i in by_high if self.plans[i].age >= 13]
        for cluster, size in zip(clusters, sizes, strict=True):
            households: set[int] = set()
            for index in eligible:
                if len(cluster.members) == size:
                    break
                household = self.plans[index].household
                if index in cluster_of or household in households:
                    continue
                cluster.members.append(index)
                cluster_of[index] = cluster
                households.add(household)
        high = set(cluster_of)
        for index in by_high:
            if len(high) >= n_high:
                break
            high.add(index)
        rest = sorted((i for i in range(count) if i not in high), key=lambda i: -concern_keys[i])
        concern = set(rest[:n_concern])

        profiles = []
        for index, plan in enumerate(self.plans):
            tier = Tier.HIGH if index in high else Tier.CONCERN if index in concern else Tier.LOW
            looked_after = rng.random() < _LOOKED_AFTER[tier]
            profiles.append(
                Profile(
                    index=index,
                    plan=plan,
                    tier=tier,
                    looked_after=looked_after,
                    cluster=cluster_of.get(index),
                    school=_school_last_year(plan, rng),
                )
            )
        return profiles, clusters

    def _clusters(self, rng: random.Random, sizes: Sequence[int]) -> list[Cluster]:
        specs = list(CLUSTERS)
        rng.shuffle(specs)
        clusters = []
        for spec in specs[: len(sizes)]:
            phone = self.identifiers.phone()
            assert phone is not None  # the first numbers handed out
            clusters.append(
                Cluster(
                    spec=spec,
                    place=PlannedLink(LinkKind.PLACE.value, self.identifiers.place(), spec.place),
                    phone=PlannedLink(
                        LinkKind.PHONE.value, phone, f"Contact number of {spec.adult}"
                    ),
                    vehicle=PlannedLink(
                        LinkKind.VEHICLE.value, self.identifiers.vehicle(), spec.vehicle
                    ),
                    nights=_escalating_nights(rng),
                )
            )
        return clusters


def _escalating_nights(rng: random.Random) -> list[datetime]:
    """Nights that come closer together: density grows through the spring and summer."""
    first = date(2026, 1, 5) + timedelta(days=rng.randint(0, 60))
    span = (LAST_EPISODE_DAY - first).days
    count = rng.randint(8, 11)
    days = sorted(
        {
            first + timedelta(days=round(span * ((step + rng.uniform(0.0, 0.6)) / count) ** 0.5))
            for step in range(count)
        }
    )
    return [_moment(day, rng, 19, 23) for day in days]


class _PersonRecords:
    """The records of one young person, drawn from their own stream."""

    def __init__(self, planner: RecordPlanner, profile: Profile, rng: random.Random) -> None:
        self.planner = planner
        self.profile = profile
        self.plan = profile.plan
        self.rng = rng
        self.out: list[PlannedRecord] = []
        school = profile.school
        self.education_service = school.service_key if school else "education.cme"
        self.secondary_age = self.plan.year_group - 1 >= 7
        # Foster care or a children's home, and who usually reports them missing.
        self.placement = rng.randrange(len(IN_CARE))
        if profile.looked_after:
            self.reporter = REPORTED_BY_CARE[self.placement]
        else:
            self.reporter = rng.choice(REPORTED_BY_HOME)

    # -- adding ------------------------------------------------------------------------------

    def add(
        self,
        agency: str,
        service: str | None,
        code: str,
        occurred: datetime,
        title: str,
        nature: str = FACT,
        *,
        minutes: tuple[int, int] = (20, 240),
        ended: datetime | None = None,
        classification: str = STANDARD,
        person_category: str = PersonCategory.VICTIM.value,
        location: str = "",
        details: str = "",
        facts: dict[str, Any] | None = None,
        links: Sequence[PlannedLink] = (),
    ) -> None:
        recorded = (ended or occurred) + timedelta(minutes=self.rng.randint(*minutes))
        recorded = max(min(recorded, _LAST_MOMENT), ended or occurred)
        self.out.append(
            PlannedRecord(
                person=self.profile.index,
                agency=agency,
                service=service,
                type_code=code,
                occurred_at=occurred,
                recorded_at=recorded,
                title=title,
                nature=nature,
                classification=classification,
                person_category=person_category,
                ended_at=ended,
                location=location,
                details=details,
                facts=facts or {},
                links=tuple(links),
            )
        )

    def make(self) -> list[PlannedRecord]:
        tier = self.profile.tier
        if tier == Tier.LOW:
            self._low()
        elif tier == Tier.CONCERN:
            self._concern()
        else:
            self._high()
        self.out.sort(key=lambda record: (record.occurred_at, record.type_code, record.title))
        return self.out

    # -- the three groups --------------------------------------------------------------------

    def _low(self) -> None:
        rng = self.rng
        self._standing_indicators()
        budget = rng.choices((0, 1, 2, 3, 4), weights=(0.40, 0.27, 0.17, 0.10, 0.06))[0]
        menu: list[tuple[Callable[[], None], float]] = [
            (self._nurse_low, 0.12),
            (self._ed_low, 0.12),
            (self._gp, 0.04),
            (self._csc_low, 0.02),
            (self._youth_club, 0.03),
            (self._missing_low, 0.02),
            (self._stop, 0.015),
        ]
        if self.profile.school is not None:
            menu += [
                (self._absence, 0.42),
                (self._late, 0.10),
                (self._holiday, 0.04),
                (self._education_low_concern, 0.04),
            ]
        if self.plan.age >= 15:
            menu.append((self._sexual_health_routine, 0.06))
        actions, weights = zip(*menu, strict=True)
        for action in rng.choices(actions, weights=weights, k=budget):
            action()

    def _concern(self) -> None:
        rng = self.rng
        self._standing_indicators()
        if self.profile.school is not None:
            for _ in range(rng.randint(1, 6)):
                self._absence()
            for _ in range(rng.choice((0, 0, 1, 2, 3))):
                self._late()
            if self.secondary_age:
                for _ in range(rng.choice((0, 0, 1, 2))):
                    self._lessons_missed()
            if rng.random() < 0.35:
                self._education_concern()
            if rng.random() < 0.15:
                self._education_warning_sign()
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                self._missing(self._random_start(), rng.uniform(3, 30))
        if rng.random() < 0.2:
            self._stop()
        if rng.random() < 0.25:
            self._ed(ED_CONCERN, night=True)
        if rng.random() < 0.3:
            self._nurse(NURSE_CONCERN + NURSE_LOW)
        if rng.random() < 0.2:
            self._sexual_health(concerning=False)
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                self._csc_concern()
        if rng.random() < 0.1:
            self._prior_abuse()
        if self.profile.looked_after:
            for _ in range(rng.choice((0, 1))):
                self._placement_move()
        if rng.random() < 0.15:
            self._youth_project()
        if rng.random() < 0.08:
            self._safesteps()
        if rng.random() < 0.04:
            for _ in range(rng.randint(1, 2)):
                self._yos()
        if rng.random() < 0.03:
            self._housing()
        if rng.random() < 0.02:
            self._arrest()

    def _high(self) -> None:
        rng = self.rng
        self._standing_indicators()
        cluster = self.profile.cluster
        if self.profile.school is not None:
            for _ in range(rng.randint(3, 10)):
                self._absence()
            for _ in range(rng.randint(1, 5)):
                self._late()
            if self.secondary_age:
                for _ in range(rng.randint(1, 6)):
                    self._lessons_missed()
            for _ in range(rng.randint(1, 3)):
                self._education_concern()
            for _ in range(rng.randint(1, 2)):
                self._education_warning_sign()
        if cluster is not None:
            self._cluster_episodes(cluster)
        else:
            starts = sorted(self._random_start() for _ in range(rng.randint(3, 8)))
            for start in starts:
                self._missing(start, rng.uniform(5, 50), noise_links=True)
        for _ in range(rng.randint(1, 3)):
            self._stop(noise_links=cluster is None)
        for _ in range(rng.randint(0 if cluster else 1, 2)):
            self._found_with_adult()
        if rng.random() < 0.15:
            self._arrest()
        if rng.random() < (0.25 if self.plan.gender == Gender.BOY else 0.08):
            self._police_gang_association()
        for _ in range(rng.randint(1, 3)):
            self._ed(ED_CONCERN, night=True)
        for _ in range(rng.randint(0, 2)):
            self._nurse(NURSE_CONCERN)
        for _ in range(rng.randint(1, 3)):
            self._sexual_health(concerning=True)
        for _ in range(rng.randint(1, 3)):
            self._csc_concern()
        if rng.random() < 0.4:
            self._prior_abuse()
        if self.profile.looked_after:
            for _ in range(rng.randint(1, 3)):
                self._placement_move()
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                self._yos()
        if rng.random() < 0.12:
            self._housing()
        if rng.random() < 0.65:
            for _ in range(rng.randint(1, 4)):
                self._safesteps(noise_links=cluster is None)
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                self._youth_project()
        if self.plan.age >= 17 and rng.random() < 0.3:
            self.add(
                "adults",
                None,
                "note",
                _moment(_day(self.rng, date(2026, 3, 1)), self.rng, 9, 16),
                "Transitions referral: Care Act assessment planned before 18th birthday",
                minutes=(30, 600),
            )

    # -- standing facts ----------------------------------------------------------------------

    def _standing_indicators(self) -> None:
        rng = self.rng
        if self.profile.school is None:
            self.add(
                "education",
                "education.cme",
                "out-of-education",
                _moment(_day(rng, YEAR_START, date(2025, 10, 31)), rng, 9, 16),
                "Not on a school roll; the children missing education team is following up",
                minutes=(30, 600),
            )
        elif self.profile.school.phase == Phase.SPECIAL and rng.random() < 0.5:
            self.add(
                "education",
                self.education_service,
                "disability",
                _moment(rng.choice(SCHOOL_DAYS[:20]), rng, 9, 15),
                "Education, health and care plan in place",
                minutes=(30, 600),
            )
        if self.profile.looked_after:
            self.add(
                "csc",
                "csc.assessment",
                "in-care",
                _moment(_day(rng, YEAR_START, date(2025, 9, 30)), rng, 9, 16),
                IN_CARE[self.placement],
                minutes=(30, 600),
            )

    # -- education ---------------------------------------------------------------------------

    def _school_day(self) -> date:
        return self.rng.choice(SCHOOL_DAYS)

    def _absence(self, day: date | None = None, title: tuple[str, str] | None = None) -> None:
        if self.profile.school is None:
            return
        rng = self.rng
        day = day or self._school_day()
        text, code = title or rng.choice(ABSENCES)
        afternoon = "afternoon" in text
        self.add(
            "education",
            self.education_service,
            "school-absence",
            _moment(day, rng, 13, 13) if afternoon else _moment(day, rng, 8, 8),
            text,
            minutes=(30, 120),
            location=self.profile.school.name,
            facts={"code": code, "sessions": 1 if afternoon else 2},
        )

    def _holiday(self) -> None:
        self._absence(title=HOLIDAY_ABSENCE)

    def _late(self) -> None:
        if self.profile.school is None:
            return
        rng = self.rng
        day = self._school_day()
        arrived = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON) + timedelta(
            minutes=rng.randint(35, 110)
        )
        self.add(
            "education",
            self.education_service,
            "late-after-registers-closed",
            arrived,
            f"Arrived at {arrived:%H:%M}, after registers closed (code U)",
            minutes=(5, 60),
            location=self.profile.school.name,
            facts={"code": "U", "arrived": f"{arrived:%H:%M}"},
        )

    def _lessons_missed(self) -> None:
        if self.profile.school is None:
            return
        rng = self.rng
        self.add(
            "education",
            self.education_service,
            "lesson-missed",
            _moment(self._school_day(), rng, 10, 14),
            rng.choice(LESSONS_MISSED),
            minutes=(20, 180),
            location=self.profile.school.name,
        )

    def _education_low_concern(self) -> None:
        self._education_concern(EDUCATION_LOW_CONCERNS)

    def _education_concern(
        self, choices: Sequence[tuple[str, str, str, str]] = EDUCATION_CONCERNS
    ) -> None:
        if self.profile.school is None:
            return
        rng = self.rng
        code, title, nature, classification = rng.choice(choices)
        self.add(
            "education",
            self.education_service,
            code,
            _moment(self._school_day(), rng, 9, 16),
            title,
            nature,
            classification=classification,
            minutes=(10, 300),
        )

    def _education_warning_sign(self) -> None:
        if self.profile.school is None:
            return
        rng = self.rng
        code, title, nature = rng.choice(EDUCATION_WARNING_SIGNS)
        self.add(
            "education",
            self.education_service,
            code,
            _moment(self._school_day(), rng, 9, 16),
            title,
            nature,
            minutes=(10, 300),
        )

    # -- health ------------------------------------------------------------------------------

    def _ed_low(self) -> None:
        self._ed(ED_LOW)

    def _ed(self, titles: Sequence[str], *, night: bool = False) -> None:
        rng = self.rng
        day = _day(rng, YEAR_START, REFERENCE_DATE - timedelta(days=2))
        occurred = _moment(day, rng, 20, 23) if night else _moment(day, rng, 8, 21)
        if night and rng.random() < 0.5:
            occurred += timedelta(hours=rng.randint(2, 5))  # the small hours
        self.add(
            "health",
            "health.ed",
            "emergency-attendance",
            occurred,
            rng.choice(titles),
            minutes=(30, 360),
            location="Emergency department",
        )

    def _nurse_low(self) -> None:
        self._nurse(NURSE_LOW)

    def _nurse(self, titles: Sequence[str]) -> None:
        rng = self.rng
        self.add(
            "health",
            "health.schoolnursing",
            "school-nurse-contact",
            _moment(self._school_day(), rng, 9, 15),
            rng.choice(titles),
            minutes=(30, 1440),
            location=self.profile.school.name if self.profile.school else "",
        )

    def _gp(self) -> None:
        rng = self.rng
        self.add(
            "health",
            None,
            "health-attendance",
            _moment(_day(rng, YEAR_START, REFERENCE_DATE - timedelta(days=1)), rng, 9, 19),
            rng.choice(GP_TITLES),
            minutes=(30, 600),
        )

    def _sexual_health_routine(self) -> None:
        self._sexual_health(concerning=False)

    def _sexual_health(self, *, concerning: bool) -> None:
        """A clinic visit, only on a day when the young person is 14 or over."""
        rng = self.rng
        first = max(YEAR_START, _birthday(self.plan.date_of_birth, 14))
        last = REFERENCE_DATE - timedelta(days=1)
        if first > last:
            return
        day = _day(rng, first, last)
        while day.weekday() == 6:  # the clinic is shut on Sundays
            day -= timedelta(days=1)
        if day < first:
            return
        classification = STANDARD
        if concerning and rng.random() < 0.7:
            title, classification = rng.choice(SEXUAL_HEALTH_CONCERN)
        else:
            title = rng.choice(SEXUAL_HEALTH_ROUTINE)
        self.add(
            "health",
            "health.sexualhealth",
            "sexual-health-attendance",
            _moment(day, rng, 9, 18),
            title,
            classification=classification,
            minutes=(15, 240),
            location="Sexual health clinic",
        )

    # -- police, missing episodes and return home interviews ---------------------------------

    def _random_start(self) -> datetime:
        rng = self.rng
        return _moment(_day(rng), rng, 15, 23)

    def _missing_low(self) -> None:
        self._missing(self._random_start(), self.rng.uniform(2, 9))

    def _missing(
        self,
        start: datetime,
        hours: float,
        *,
        found_at: str = "",
        links: Sequence[PlannedLink] = (),
        noise_links: bool = False,
        found_by_police: bool = False,
    ) -> datetime:
        """A missing episode, its return home interview, and often a school absence next day.

        Returns when the young person was found or came back.
        """
        rng = self.rng
        from_care = self.profile.looked_after
        ended = start + timedelta(hours=hours)
        ended = ended.replace(minute=rng.randrange(60), second=0, microsecond=0)
        if ended <= start:
            ended = start + timedelta(hours=1)
        links = list(links)
        if not found_at:
            draw = rng.random()
            if draw < 0.4:
                found_at = "Home address (returned of own accord)"
            elif draw < 0.75:
                found_at = rng.choice(HOT_SPOTS)
            else:
                found_at = f"An address on {rng.choice(names.STREETS)}"
                if noise_links:
                    links.append(
                        PlannedLink(
                            LinkKind.PLACE.value, self.planner.identifiers.place(), found_at
                        )
                    )
        if found_at.startswith("Home") and not found_by_police:
            returned_by, phrase = "self", "returned of own accord"
        elif found_by_police or rng.random() < 0.6:
            returned_by, phrase = "police", "returned by police"
        else:
            returned_by = "carer" if from_care else "family"
            phrase = f"found at {_phrase(found_at)}"
        where = "Missing from care" if from_care else "Missing from home"
        if hours < 8:
            span = f"for {max(2, round(hours))} hours"
        elif hours < 20:
            span = "overnight"
        elif hours < 36:
            span = "for over a day"
        else:
            span = f"for {round(hours / 24)} days"
        reported_by = self.reporter
        if not from_care and rng.random() < 0.2:
            reported_by = rng.choice(REPORTED_BY_HOME)
        self.add(
            "police",
            "police.neighbourhood",
            "missing-episode",
            start,
            f"{where} {span}; {phrase}",
            ended=ended,
            minutes=(20, 180),
            location=found_at,
            facts={
                "reported_by": reported_by,
                "found_at": found_at,
                "returned_by": returned_by,
                "hours_missing": round((ended - start).total_seconds() / 3600),
            },
            links=links,
        )
        self._return_home_interview(ended)
        day_after = start.date() + timedelta(days=1)
        if day_after in _SCHOOL_DAY_SET:
            registers = datetime(day_after.year, day_after.month, day_after.day, 9, tzinfo=LONDON)
            if rng.random() < (0.85 if ended > registers else 0.3):
                self._absence(day_after, ABSENCE_AFTER_MISSING)
        return ended

    def _return_home_interview(self, ended: datetime) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.74:
            occurred = _daytime_after(rng, ended, 3, 69)
            title, nature, classification = rng.choice(RHI_TITLES)
        elif draw < 0.87:
            occurred = _daytime_after(rng, ended, 78, 240)
            title, nature, classification = RHI_LATE
        else:
            return  # not done: declined, or the young person could not be reached
        if occurred >= _LAST_MOMENT:
            return
        by_social_care = rng.random() < (0.7 if self.profile.looked_after else 0.35)
        hours = (occurred - ended).total_seconds() / 3600
        self.add(
            "csc" if by_social_care else "safesteps",
            "csc.assessment" if by_social_care else None,
            "return-home-interview",
            occurred,
            title,
            nature,
            classification=classification,
            minutes=(60, 1440),
            facts={"hours_after_return": round(hours), "within_72_hours": hours <= 72},
        )

    def _stop(self, *, noise_links: bool = False) -> None:
        rng = self.rng
        start = _moment(_day(rng), rng, 20, 23)
        links: list[PlannedLink] = []
        if noise_links and rng.random() < 0.6:
            title = rng.choice(POLICE_CAR_STOPS)
            links.append(PlannedLink(LinkKind.VEHICLE.value, self.planner.identifiers.vehicle()))
        else:
            title = rng.choice(POLICE_STOPS)
        if noise_links and rng.random() < 0.3:
            phone = self.planner.identifiers.phone()
            if phone:
                links.append(PlannedLink(LinkKind.PHONE.value, phone, "Number given by an adult"))
        self.add(
            "police",
            "police.neighbourhood",
            "police-stop",
            start,
            title,
            minutes=(30, 300),
            location=rng.choice(HOT_SPOTS),
            links=links,
        )

    def _found_with_adult(
        self,
        when: datetime | None = None,
        *,
        vehicle: PlannedLink | None = None,
        place: PlannedLink | None = None,
    ) -> None:
        """Found with an adult, in a car or at an address; new identifiers unless given."""
        rng = self.rng
        when = when or _moment(_day(rng), rng, 21, 23)
        ids = self.planner.identifiers
        in_car = rng.random() < 0.5
        links: list[PlannedLink] = []
        if in_car:
            links.append(vehicle or PlannedLink(LinkKind.VEHICLE.value, ids.vehicle()))
        if place is None and not in_car:
            label = f"An address on {rng.choice(names.STREETS)}"
            place = PlannedLink(LinkKind.PLACE.value, ids.place(), label)
        if place is not None:
            links.append(place)
        where = place.label if place is not None else "Parked car"
        draw = rng.random()
        classification = SENSITIVE if draw < 0.4 else STANDARD
        if draw < 0.12:
            title, classification = (
                "Found with an adult; adult arrested, enquiries ongoing",
                (RESTRICTED),
            )
        elif in_car:
            title = "Found in a parked car with an adult male; taken home"
        else:
            title = f"Found at {_phrase(where)} with older males; returned to carers"
        self.add(
            "police",
            "police.cse",
            "found-with-adult",
            when,
            title,
            classification=classification,
            minutes=(30, 240),
            location=where,
            links=links,
        )

    def _arrest(self) -> None:
        rng = self.rng
        self.add(
            "police",
            "police.neighbourhood",
            "arrest",
            _moment(_day(rng), rng, 12, 23),
            rng.choice(ARRESTS),
            person_category=PersonCategory.SUSPECT.value,
            minutes=(60, 600),
        )

    def _police_gang_association(self) -> None:
        rng = self.rng
        self.add(
            "police",
            "police.neighbourhood",
            "gang-association",
            _moment(_day(rng), rng, 9, 17),
            "Known to associate with an older peer group linked to drug supply",
            OPINION,
            minutes=(60, 1440),
        )

    # -- the hidden clusters -----------------------------------------------------------------

    def _cluster_episodes(self, cluster: Cluster) -> None:
        rng = self.rng
        count = len(cluster.nights)
        joined = [step for step in range(count) if rng.random() < 0.75]
        while len(joined) < 5:
            joined = sorted({*joined, rng.randrange(count)})
        later_steps = joined[len(joined) // 2 :]
        found_steps = set(rng.sample(later_steps, k=min(len(later_steps), rng.randint(1, 2))))
        for step in joined:
            start = cluster.nights[step] + timedelta(minutes=rng.randint(-40, 40))
            hours = 4 + 56 * (step / max(1, count - 1)) ** 1.5 + rng.uniform(-1, 3)
            links = [cluster.place] if rng.random() < 0.7 else []
            found = step in found_steps
            ended = self._missing(
                start, hours, found_at=cluster.spec.place, links=links, found_by_police=found
            )
            if found:  # the police find them with an adult, which ends the episode
                self._found_with_adult(
                    ended - timedelta(minutes=rng.randint(10, 50)),
                    vehicle=cluster.vehicle,
                    place=cluster.place,
                )
        later = [cluster.nights[step] for step in later_steps]
        self.add(
            "police",
            "police.cse",
            "police-stop",
            _moment(_day(rng, date(2026, 2, 1)), rng, 20, 23),
            "Stopped as a passenger in a car with an older male; details recorded",
            minutes=(30, 300),
            location="Eastbrook Road",
            links=[cluster.vehicle, cluster.phone],
        )
        self.add(
            "safesteps",
            None,
            "unexplained-phone-or-money",
            _moment(_day(rng, date(2026, 3, 1)), rng, 10, 17),
            "Disclosed that an older male sends money for phone credit",
            ALLEGATION,
            classification=SENSITIVE,
            minutes=(60, 1440),
            links=[cluster.phone],
        )
        partner = cluster.spec.partner
        if rng.random() < 0.7:
            when = rng.choice(later) + timedelta(hours=rng.uniform(0.5, 2))
            if partner == "hotel":
                self.add(
                    "hotel",
                    None,
                    "concern",
                    when,
                    "Staff concerned: young person arrived with an adult who booked the room",
                    minutes=(30, 720),
                    location=cluster.spec.place,
                    links=[cluster.place, cluster.vehicle],
                )
            elif partner == "taxi":
                self.add(
                    "taxi",
                    None,
                    "concern",
                    when,
                    "Driver concerned: young person picked up late at night on an adult's account",
                    minutes=(30, 720),
                    location=cluster.spec.place,
                    links=[cluster.phone, cluster.place],
                )
            else:
                self.add(
                    "housing",
                    None,
                    "concern",
                    when,
                    "Neighbour reported young people visiting a flat late at night",
                    ALLEGATION,
                    minutes=(600, 4000),
                    location=cluster.spec.place,
                    links=[cluster.place],
                )

    # -- social care -------------------------------------------------------------------------

    def _csc_low(self) -> None:
        title, nature, classification = CSC_LOW
        self._csc_record("concern", title, nature, classification, service="csc.mash")

    def _csc_concern(self) -> None:
        title, nature, classification = self.rng.choice(CSC_CONCERNS)
        if self.profile.looked_after:
            title = title.replace("Parent worried", "Carer worried")
        service = "csc.mash" if title.startswith("Contact") else "csc.assessment"
        self._csc_record("concern", title, nature, classification, service=service)

    def _prior_abuse(self) -> None:
        self._csc_record("prior-abuse", self.rng.choice(PRIOR_ABUSE), FACT, SENSITIVE)

    def _placement_move(self) -> None:
        self._csc_record("placement-move", self.rng.choice(PLACEMENT_MOVES), FACT, STANDARD)

    def _csc_record(
        self, code: str, title: str, nature: str, classification: str, service: str = ""
    ) -> None:
        rng = self.rng
        self.add(
            "csc",
            service or "csc.assessment",
            code,
            _moment(_day(rng, YEAR_START, REFERENCE_DATE - timedelta(days=1)), rng, 9, 17),
            title,
            nature,
            classification=classification,
            minutes=(30, 2880),
        )

    # -- youth offending, housing, voluntary sector ------------------------------------------

    def _yos(self) -> None:
        rng = self.rng
        code, title, nature = rng.choice(YOS_TITLES)
        self.add(
            "yos",
            None,
            code,
            _moment(_day(rng), rng, 9, 17),
            title,
            nature,
            minutes=(30, 1440),
        )

    def _housing(self) -> None:
        rng = self.rng
        if self.plan.age >= 16 and rng.random() < 0.5:
            code, title, nature = (
                "homelessness",
                "Sofa-surfing with friends after leaving home",
                FACT,
            )
        else:
            code, title, nature = rng.choice(HOUSING_TITLES)
        self.add(
            "housing",
            None,
            code,
            _moment(_day(rng), rng, 9, 17),
            title,
            nature,
            minutes=(60, 2880),
        )

    def _safesteps(self, *, noise_links: bool = False) -> None:
        rng = self.rng
        code, title, nature, classification = rng.choice(SAFESTEPS_TITLES)
        links: list[PlannedLink] = []
        if noise_links and rng.random() < 0.25:
            phone = self.planner.identifiers.phone()
            if phone:
                code, title, nature, classification = (
                    "concern",
                    "Disclosed contact with an older male who sends messages late at night",
                    ALLEGATION,
                    RESTRICTED if rng.random() < 0.1 else SENSITIVE,
                )
                links.append(PlannedLink(LinkKind.PHONE.value, phone, "Number of the older male"))
        self.add(
            "safesteps",
            None,
            code,
            _moment(_day(rng), rng, 10, 19),
            title,
            nature,
            classification=classification,
            minutes=(30, 1440),
            links=links,
        )

    def _youth_project(self) -> None:
        rng = self.rng
        code, title, nature = rng.choice(YOUTH_PROJECT_TITLES)
        self.add(
            "youthproject",
            None,
            code,
            _moment(_day(rng), rng, 18, 22),
            title,
            nature,
            minutes=(30, 1440),
            location="Riverside retail park" if "Riverside" in title else "",
        )

    def _youth_club(self) -> None:
        rng = self.rng
        self.add(
            "youthproject",
            None,
            "note",
            _moment(_day(rng), rng, 18, 20),
            "Attended youth club; no concerns",
            minutes=(30, 1440),
        )


# --------------------------------------------------------------------------------------------
# Writing the plan
# --------------------------------------------------------------------------------------------


def _record_types() -> dict[str, RecordType]:
    ensure_catalogue()
    return {record_type.code: record_type for record_type in RecordType.objects.all()}


def _as_input(
    generator: Generator, item: PlannedRecord, types: dict[str, RecordType]
) -> RecordInput:
    return RecordInput(
        young_person=generator.registered[item.person],
        record_type=types[item.type_code],
        agency=generator.agency_by_key[item.agency],
        service=generator.service_by_key[item.service] if item.service else None,
        occurred_at=item.occurred_at,
        ended_at=item.ended_at,
        recorded_at=item.recorded_at,
        title=item.title,
        nature=item.nature,
        details=item.details,
        person_category=item.person_category,
        classification=item.classification,
        location=item.location,
        facts=dict(item.facts),
        links=tuple(LinkInput(link.kind, link.value, link.label) for link in item.links),
        is_synthetic=True,
    )


def write_one_by_one(generator: Generator, planned: Sequence[PlannedRecord]) -> Counter[str]:
    """Each record through ``do_record_many`` on its own, one transaction each, as a
    practitioner's records arrive."""
    types = _record_types()
    counts: Counter[str] = Counter()
    for item in planned:
        do_record_many(actor=None, records=[_as_input(generator, item, types)])
        counts[generator.agency_by_key[item.agency].short_name] += 1
    return counts


def write_bulk(
    generator: Generator, planned: Sequence[PlannedRecord], *, batch_size: int = BULK_BATCH
) -> Counter[str]:
    """The same records through ``records.actions.do_record_many``, a batch at a time (one
    transaction each), with the same audit events."""
    types = _record_types()
    counts: Counter[str] = Counter()
    for first in range(0, len(planned), batch_size):
        batch = planned[first : first + batch_size]
        do_record_many(
            actor=None,
            records=[_as_input(generator, item, types) for item in batch],
            batch_size=batch_size,
        )
        counts.update(generator.agency_by_key[item.agency].short_name for item in batch)
    return counts


# --------------------------------------------------------------------------------------------
# Case teams, lead professionals and consent
# --------------------------------------------------------------------------------------------

CASE_TEAM_USERS: tuple[tuple[str, str], ...] = (
    # (username, the agency key whose records make a young person a natural choice)
    ("school.dsl", "education"),
    ("police.practitioner", "police"),
    ("csc.practitioner", "csc"),
    ("health.sexualhealth", "health.sexualhealth"),
    ("safesteps.practitioner", "safesteps"),
    ("yos.practitioner", "yos"),
)
ALLOCATION_REASON = "Synthetic demo allocation"
NOT_SOUGHT_REASON = "Asking now would put the young person at greater risk; to be revisited"


@dataclass
class Allocation:
    case_team: dict[str, list[int]]
    lead_professional: dict[str, list[int]]
    consent: dict[int, str]

    @property
    def relationships(self) -> int:
        return sum(map(len, self.case_team.values())) + sum(
            map(len, self.lead_professional.values())
        )


def plan_allocation(plan: RecordPlan, rng: random.Random) -> Allocation:
    """Who joins which case team, who is lead professional, and the consent decisions."""
    held: dict[str, set[int]] = defaultdict(set)
    for record in plan.records:
        held[record.agency].add(record.person)
        if record.service:
            held[record.service].add(record.person)
    candidates = [p for p in plan.profiles if p.tier != Tier.LOW]
    order = {p.index: rng.random() for p in candidates}

    def prefers(username: str, key: str, profile: Profile) -> bool:
        if username == "school.dsl":
            attends = {profile.school, profile.plan.school}
            return any(school is not None and school.code == "EBA" for school in attends)
        return profile.index in held[key]

    case_team: dict[str, list[int]] = {}
    for username, key in CASE_TEAM_USERS:
        ranked = sorted(
            candidates,
            key=lambda p: (not prefers(username, key, p), p.tier != Tier.HIGH, order[p.index]),
        )
        size = rng.randint(10, 20)
        case_team[username] = sorted(p.index for p in ranked[:size])

    high = [p for p in plan.profiles if p.tier == Tier.HIGH]
    others = [p.index for p in high if p.cluster is None and rng.random() < 0.35]
    # A coordinator's caseload stays plausible in a large town: at most 20 besides the clusters.
    lead = sorted([p.index for p in high if p.cluster is not None] + others[:20])
    leads_taken = set(lead)
    voluntary = [
        p.index
        for p in candidates
        if p.tier == Tier.CONCERN and p.index in held["safesteps"] and p.index not in leads_taken
    ]
    lead_professional = {
        "csc.coordinator": lead,
        "safesteps.coordinator": sorted(rng.sample(voluntary, k=min(3, len(voluntary)))),
    }

    allocated = sorted({index for indexes in case_team.values() for index in indexes})
    decided = sorted(rng.sample(allocated, k=max(1, len(allocated) // 2))) if allocated else []
    in_cluster = {index for cluster in plan.clusters for index in cluster.members}
    could_decline = [index for index in decided if index not in in_cluster] or decided
    declined = set(rng.sample(could_decline, k=min(len(could_decline), max(1, len(decided) // 8))))
    consent: dict[int, str] = {}
    for index in decided:
        if index in declined:
            consent[index] = ConsentStatus.DECLINED.value
        else:
            consent[index] = rng.choices(
                (ConsentStatus.CONSENTED, ConsentStatus.INFORMED, ConsentStatus.NOT_SOUGHT),
                weights=(0.65, 0.25, 0.10),
            )[0].value
    return Allocation(case_team, lead_professional, consent)


def allocate(generator: Generator, plan: RecordPlan) -> Allocation:
    """Write the case teams, lead professionals and consent decisions through the actions."""
    allocation = plan_allocation(plan, generator.stream("case_teams"))
    people = generator.registered
    users = generator.user_by_username
    for kind, chosen in (
        (RelationshipKind.CASE_TEAM, allocation.case_team),
        (RelationshipKind.LEAD_PROFESSIONAL, allocation.lead_professional),
    ):
        for username, indexes in chosen.items():
            for index in indexes:
                do_add_relationship(
                    actor=None,
                    young_person=people[index],
                    user=users[username],
                    kind=kind,
                    reason=ALLOCATION_REASON,
                )
    team_of: dict[int, str] = {}
    for username, indexes in allocation.case_team.items():
        for index in indexes:
            team_of.setdefault(index, username)
    for index, status in allocation.consent.items():
        do_record_consent(
            actor=users[team_of[index]],
            young_person=people[index],
            status=status,
            next_steps_discussed=status != ConsentStatus.NOT_SOUGHT,
            reason_not_sought=NOT_SOUGHT_REASON if status == ConsentStatus.NOT_SOUGHT else "",
            notes="Synthetic demo consent decision",
        )
    return allocation
