"""Eastbrook: the fictional town whose partnership the Tessera demo shows.

Everything here is synthetic and marked so (``is_synthetic=True`` on every agency, user and young
person; agency names end "(synthetic)"; e-mail addresses use the reserved ``.invalid`` domain).
No real person's data is used: names are random combinations from :mod:`demo.names`.

Determinism
    The same ``seed`` gives the same town, row for row, on every run and machine. Rather than one
    shared ``random.Random(seed)``, each step draws from its own stream (:meth:`Generator.stream`)
    derived from the seed and the step's name, so that a step added later (``records()``,
    ``episodes()``, ``networks()``) does not change what earlier steps produce. Ages and dates
    are worked out from :data:`REFERENCE_DATE`, the generator's fixed "today" (1 September 2026,
    the first day of the school year), never from the real clock. Only database ids and the
    ``created_at`` and audit time stamps differ between runs.

Steps
    :meth:`Generator.run` builds the whole town in one transaction: :meth:`~Generator.agencies`,
    :meth:`~Generator.users`, :meth:`~Generator.young_people`, then :meth:`~Generator.records`
    (a year of agency records for every young person, with hidden clusters of shared phones,
    vehicles and places) and :meth:`~Generator.case_teams` (demo practitioners in case teams,
    lead professionals, consent decisions). :mod:`demo.records` describes the last two.

Sizes
    ``tiny`` (40 young people, for tests), ``small`` (300), ``medium`` (5,000) and ``large``
    (50,000). Agencies, services and users are the same for every size. Up to
    :data:`ONE_BY_ONE_LIMIT` young people are registered one at a time through
    :func:`people.actions.do_register_young_person` (one audit event each, as in real use);
    larger towns use :func:`people.actions.do_register_young_people_bulk` (one summary event).
    Their records likewise go one by one through :func:`records.actions.do_record`, or in bulk
    with one summary audit event per agency.

Agencies and services
    =========================================  ============  ===================================
    Agency                                     Kind          Services
    =========================================  ============  ===================================
    Eastbrook Police (synthetic)               police        MASH, child exploitation team (CSE
                                                             team), intelligence unit,
                                                             neighbourhood policing
    Eastbrook Children's Social Care (syn.)    social care   MASH, assessment and intervention
    Eastbrook Health NHS Trust (synthetic)     health        sexual health clinic, school
                                                             nursing, emergency department,
                                                             MASH health team
    Eastbrook Education (synthetic)            education     each school (kind ``school``),
                                                             education safeguarding team,
                                                             children missing education team
    Eastbrook Youth Offending Service (syn.)   youth off.    -
    Eastbrook Probation (synthetic)            probation     -
    Eastbrook Housing (synthetic)              housing       -
    Safe Steps Eastbrook (synthetic)           voluntary     - (specialist CSE youth charity)
    Eastbrook Youth Project (synthetic)        voluntary     - (detached youth work)
    Eastbrook Adult Services (synthetic)       adult serv.   -
    Riverside Lodge Hotel (synthetic)          community     -
    Brook Cars Eastbrook (synthetic)           community     - (taxi firm)
    =========================================  ============  ===================================

    The schools are services of one "Eastbrook Education" agency (the local authority's schools
    and education safeguarding), not agencies of their own: a school shares as education does.

Users (all share :data:`DEMO_PASSWORD`; username = ``<agency>.<role>``)
    ======================================  ================  ===============================
    Username                                Role              Agency (service)
    ======================================  ================  ===============================
    police.practitioner                     practitioner      Police (CSE team)
    police.mash                             MASH screener     Police (MASH)
    police.coordinator                      coordinator       Police (CSE team)
    police.analyst                          analyst           Police (intelligence unit)
    police.ig                               IG officer        Police
    police.strategic                        strategic lead    Police
    csc.practitioner                        practitioner      Social care (assessment)
    csc.mash                                MASH screener     Social care (MASH)
    csc.coordinator                         coordinator       Social care
    csc.analyst                             analyst           Social care (partnership analyst)
    csc.ig / csc.strategic                  IG / strategic    Social care
    council.admin                           administrator     Social care (partnership IT)
    health.sexualhealth                     practitioner      Health (sexual health clinic)
    health.schoolnurse                      practitioner      Health (school nursing)
    health.ed                               practitioner      Health (emergency department)
    health.mash                             MASH screener     Health (MASH health team)
    health.coordinator, .ig, .strategic     ...               Health
    school.dsl                              practitioner      Education (Eastbrook Academy DSL)
    primary.dsl                             practitioner      Education (Brookside Primary DSL)
    education.mash                          MASH screener     Education (safeguarding team)
    education.coordinator, .ig, .strategic  ...               Education
    yos.*, probation.*, housing.*,          practitioner,     the agency named
    safesteps.*, youthproject.*, adults.*   coordinator, ig,
                                            strategic
    hotel.partner                           community partner Riverside Lodge Hotel
    taxi.partner                            community partner Brook Cars Eastbrook
    ======================================  ================  ===============================

    Roles follow "one user per role per agency where the role makes sense": every agency except
    the community partners has a practitioner, a CSE coordinator (the research: any agency,
    voluntary sector included, can be lead professional), an IG officer and a strategic lead
    (a board member). MASH screeners sit in the four agencies that staff the MASH (police,
    social care, health, education); analysts in the police intelligence unit and, for the
    partnership, in social care. There is one system administrator, partnership IT, which the
    council hosts: as social care is the council's agency in Tessera the administrator belongs
    to it, cannot read case content, and is named ``council.admin``. Community partners hold only
    community-partner users.

    Every demo user has a confirmed TOTP device whose key is derived from the seed and the
    username (:func:`totp_key`), so ``manage.py demo_accounts --keys`` can print it for an
    authenticator app; in demo mode the sign-in page shows the current code instead.

Young people
    Aged 10 to 17 on :data:`REFERENCE_DATE`; about 49% girls, 49% boys and 2% non-binary, of
    varied heritage, in households (siblings share a surname and address; a few are twins).
    Addresses are on invented streets with postcodes in the area :data:`POSTCODE_AREA` ("ZY"):
    the brief suggested "ZZ", but :func:`people.identifiers.normalise_postcode` follows Royal
    Mail's rule that Z is never the second letter, and ZY is not a real postcode area either.

    UPNs are made as in England: allocated when the child first entered school in reception, so
    they carry the local authority code and establishment number of that first school (usually an
    Eastbrook primary, LA code :data:`LA_CODE` = 999, not a real authority; about one child in
    eight moved in from a fictional neighbouring authority, codes 996-998) and the year of
    allocation. So a UPN names the school a child attends now only if they started there
    (most primary pupils); a secondary pupil's UPN names their primary school. NHS numbers come
    from the NHS test range 999 000 0000 to 999 999 9999, so no real number is ever generated.
    Both pass their check (modulus 23 letter, modulus 11 digit).

    Each young person is registered by Eastbrook Education "as recorded" by their school (or, for
    the few out of education, by the children missing education team); that identity is also the
    canonical record. Schools hold an NHS number for about three quarters of pupils. About 70%
    also have an identity recorded by Eastbrook Health, with the small differences real records
    have: nicknames, a variant spelling of the first name, a mistyped surname, a missing or
    previous postcode, day and month swapped in the date of birth, the sex recorded at birth for
    a non-binary young person. These seed the record-linkage work.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction

from demo import names
from partnership.actions import (
    do_add_service,
    do_create_agency,
    do_create_user,
    do_enrol_demo_device,
)
from partnership.models import Agency, AgencyKind, Role, Service, ServiceKind, User
from people.actions import (
    IdentityRow,
    YoungPersonRow,
    do_record_identity,
    do_register_young_people_bulk,
    do_register_young_person,
)
from people.identifiers import make_upn, nhs_check_digit, normalise_nhs_number, normalise_upn
from people.models import Gender, YoungPerson

if TYPE_CHECKING:
    from demo.records import Allocation, RecordPlan

REFERENCE_DATE = date(2026, 9, 1)
"""The generator's "today": ages and dates are worked out from it, never from the clock."""

DEMO_PASSWORD = "eastbrook-demo-2017"  # noqa: S105 - the published password of synthetic accounts
"""The one password of every demo account (printed by ``manage.py demo_accounts``)."""

DEFAULT_SEED = 2017
SIZES: dict[str, int] = {"tiny": 40, "small": 300, "medium": 5_000, "large": 50_000}
ONE_BY_ONE_LIMIT = 1_000
LA_CODE = 999
POSTCODE_AREA = "ZY"
EMAIL_DOMAIN = "eastbrook.invalid"
LONDON = ZoneInfo("Europe/London")

# Letters Royal Mail uses in the inward code (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_YOUNGEST_AGE = 10
_OLDEST_AGE = 17


# --------------------------------------------------------------------------------------------
# The partnership: agencies, services, users
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    name: str
    kind: ServiceKind


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    short_name: str
    kind: AgencyKind
    cse_contact: str
    services: tuple[ServiceSpec, ...] = ()


@dataclass(frozen=True)
class StaffSpec:
    username: str
    agency: str
    role: Role
    job_title: str
    service: str | None = None


class Phase(StrEnum):
    PRIMARY = "primary"  # reception to year 6
    SECONDARY = "secondary"  # years 7 to 11
    ALL_THROUGH = "all_through"  # years 7 to 13 (a secondary school with a sixth form)
    COLLEGE = "college"  # years 12 and 13
    PRU = "pru"  # pupil referral unit, years 7 to 11
    SPECIAL = "special"  # special school, all ages


@dataclass(frozen=True)
class School:
    code: str
    name: str
    establishment: int
    phase: Phase
    weight: float

    @property
    def service_key(self) -> str:
        return f"school.{self.code.lower()}"


SCHOOLS: tuple[School, ...] = (
    School("BRP", "Brookside Primary School", 2031, Phase.PRIMARY, 1.2),
    School("SAP", "St Aidan's CE Primary School", 3304, Phase.PRIMARY, 0.8),
    School("MPA", "Millrace Primary Academy", 2045, Phase.PRIMARY, 1.0),
    School("HWP", "Heron Way Primary School", 2112, Phase.PRIMARY, 1.0),
    School("KLP", "Kiln Lane Primary School", 2067, Phase.PRIMARY, 0.9),
    School("OLB", "Our Lady of the Brook Catholic Primary School", 3452, Phase.PRIMARY, 0.7),
    School("EPP", "Eastbrook Park Primary School", 2089, Phase.PRIMARY, 1.1),
    School("TGP", "Tanners Green Primary School", 2150, Phase.PRIMARY, 0.8),
    School("EBA", "Eastbrook Academy", 4001, Phase.ALL_THROUGH, 1.4),
    School("NFH", "Northfield High School", 4012, Phase.SECONDARY, 1.0),
    School("SBH", "St Bede's Catholic High School", 4603, Phase.ALL_THROUGH, 0.9),
    School("RCS", "Riverside Community School", 4020, Phase.SECONDARY, 1.1),
    School("CHS", "Coldharbour School", 4035, Phase.ALL_THROUGH, 1.0),
    School("ESF", "Eastbrook Sixth Form College", 4720, Phase.COLLEGE, 1.0),
    School("HHP", "Harbour House Pupil Referral Unit", 1101, Phase.PRU, 1.0),
    School("WBS", "Willow Bank School", 7005, Phase.SPECIAL, 1.0),
)
SCHOOL_BY_CODE = {school.code: school for school in SCHOOLS}

# First schools of children who moved to Eastbrook: (LA code, establishment number), all in
# fictional neighbouring authorities.
ELSEWHERE_PRIMARIES: tuple[tuple[int, int], ...] = (
    (998, 2004),
    (998, 2210),
    (998, 3102),
    (997, 2051),
    (997, 2333),
    (996, 5201),
)

EDUCATION_SERVICES = (
    ServiceSpec("education.safeguarding", "Education safeguarding team", ServiceKind.GENERAL),
    ServiceSpec("education.cme", "Children missing education team", ServiceKind.GENERAL),
    *(ServiceSpec(school.service_key, school.name, ServiceKind.SCHOOL) for school in SCHOOLS),
)

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "police",
        "Eastbrook Police (synthetic)",
        "EB Police",
        AgencyKind.POLICE,
        "Child exploitation team duty sergeant (fictional)",
        (
            ServiceSpec("police.mash", "MASH police desk", ServiceKind.MASH),
            ServiceSpec("police.cse", "Child exploitation team", ServiceKind.CSE_TEAM),
            ServiceSpec("police.intel", "Intelligence unit", ServiceKind.INTELLIGENCE),
            ServiceSpec("police.neighbourhood", "Neighbourhood policing", ServiceKind.GENERAL),
        ),
    ),
    AgencySpec(
        "csc",
        "Eastbrook Children's Social Care (synthetic)",
        "EB CSC",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        "MASH duty manager (fictional)",
        (
            ServiceSpec("csc.mash", "Eastbrook MASH", ServiceKind.MASH),
            ServiceSpec("csc.assessment", "Assessment and intervention", ServiceKind.GENERAL),
        ),
    ),
    AgencySpec(
        "health",
        "Eastbrook Health NHS Trust (synthetic)",
        "EB Health",
        AgencyKind.HEALTH,
        "Named nurse for safeguarding children (fictional)",
        (
            ServiceSpec("health.sexualhealth", "Sexual health clinic", ServiceKind.SEXUAL_HEALTH),
            ServiceSpec("health.schoolnursing", "School nursing", ServiceKind.SCHOOL_NURSING),
            ServiceSpec("health.ed", "Emergency department", ServiceKind.EMERGENCY_DEPARTMENT),
            ServiceSpec("health.mash", "MASH health team", ServiceKind.MASH),
        ),
    ),
    AgencySpec(
        "education",
        "Eastbrook Education (synthetic)",
        "EB Education",
        AgencyKind.EDUCATION,
        "Education safeguarding lead (fictional)",
        EDUCATION_SERVICES,
    ),
    AgencySpec(
        "yos",
        "Eastbrook Youth Offending Service (synthetic)",
        "EB YOS",
        AgencyKind.YOUTH_OFFENDING,
        "YOS exploitation lead (fictional)",
    ),
    AgencySpec(
        "probation",
        "Eastbrook Probation (synthetic)",
        "EB Probation",
        AgencyKind.PROBATION,
        "Senior probation officer, public protection (fictional)",
    ),
    AgencySpec(
        "housing",
        "Eastbrook Housing (synthetic)",
        "EB Housing",
        AgencyKind.HOUSING,
        "Tenancy safeguarding lead (fictional)",
    ),
    AgencySpec(
        "safesteps",
        "Safe Steps Eastbrook (synthetic)",
        "Safe Steps",
        AgencyKind.VOLUNTARY_SECTOR,
        "Service manager (fictional)",
    ),
    AgencySpec(
        "youthproject",
        "Eastbrook Youth Project (synthetic)",
        "Youth Project",
        AgencyKind.VOLUNTARY_SECTOR,
        "Project lead (fictional)",
    ),
    AgencySpec(
        "adults",
        "Eastbrook Adult Services (synthetic)",
        "EB Adults",
        AgencyKind.ADULT_SERVICES,
        "Transitions team manager (fictional)",
    ),
    AgencySpec(
        "hotel",
        "Riverside Lodge Hotel (synthetic)",
        "Riverside Lodge",
        AgencyKind.COMMUNITY_PARTNER,
        "Duty manager (fictional)",
    ),
    AgencySpec(
        "taxi",
        "Brook Cars Eastbrook (synthetic)",
        "Brook Cars",
        AgencyKind.COMMUNITY_PARTNER,
        "Operations manager (fictional)",
    ),
)
AGENCY_NAMES = tuple(spec.name for spec in AGENCIES)


def _core(agency: str, what: str, *, practitioner: str, coordinator: str) -> tuple[StaffSpec, ...]:
    """Practitioner, coordinator, IG officer and strategic lead for an agency with no services."""
    return (
        StaffSpec(f"{agency}.practitioner", agency, Role.PRACTITIONER, practitioner),
        StaffSpec(f"{agency}.coordinator", agency, Role.COORDINATOR, coordinator),
        StaffSpec(f"{agency}.ig", agency, Role.IG_OFFICER, f"Data protection lead, {what}"),
        StaffSpec(f"{agency}.strategic", agency, Role.STRATEGIC_LEAD, f"Head of {what}"),
    )


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "police.practitioner",
        "police",
        Role.PRACTITIONER,
        "Detective constable, child exploitation team",
        "police.cse",
    ),
    StaffSpec(
        "police.mash", "police", Role.MASH_SCREENER, "Detective sergeant, MASH", "police.mash"
    ),
    StaffSpec("police.coordinator", "police", Role.COORDINATOR, "CSE coordinator", "police.cse"),
    StaffSpec("police.analyst", "police", Role.ANALYST, "Intelligence analyst", "police.intel"),
    StaffSpec("police.ig", "police", Role.IG_OFFICER, "Information management officer"),
    StaffSpec(
        "police.strategic", "police", Role.STRATEGIC_LEAD, "Detective superintendent, safeguarding"
    ),
    StaffSpec("csc.practitioner", "csc", Role.PRACTITIONER, "Social worker", "csc.assessment"),
    StaffSpec("csc.mash", "csc", Role.MASH_SCREENER, "Senior social worker, MASH", "csc.mash"),
    StaffSpec("csc.coordinator", "csc", Role.COORDINATOR, "Exploitation coordinator"),
    StaffSpec("csc.analyst", "csc", Role.ANALYST, "Partnership analyst"),
    StaffSpec("csc.ig", "csc", Role.IG_OFFICER, "Data protection officer"),
    StaffSpec("csc.strategic", "csc", Role.STRATEGIC_LEAD, "Head of safeguarding"),
    StaffSpec("council.admin", "csc", Role.ADMINISTRATOR, "Partnership IT administrator (council)"),
    StaffSpec(
        "health.sexualhealth",
        "health",
        Role.PRACTITIONER,
        "Sexual health nurse",
        "health.sexualhealth",
    ),
    StaffSpec(
        "health.schoolnurse", "health", Role.PRACTITIONER, "School nurse", "health.schoolnursing"
    ),
    StaffSpec("health.ed", "health", Role.PRACTITIONER, "Paediatric liaison nurse", "health.ed"),
    StaffSpec("health.mash", "health", Role.MASH_SCREENER, "MASH health nurse", "health.mash"),
    StaffSpec(
        "health.coordinator",
        "health",
        Role.COORDINATOR,
        "Named nurse for safeguarding children",
    ),
    StaffSpec("health.ig", "health", Role.IG_OFFICER, "Information governance manager"),
    StaffSpec(
        "health.strategic",
        "health",
        Role.STRATEGIC_LEAD,
        "Designated nurse for safeguarding children",
    ),
    StaffSpec(
        "school.dsl",
        "education",
        Role.PRACTITIONER,
        "Designated safeguarding lead, Eastbrook Academy",
        SCHOOL_BY_CODE["EBA"].service_key,
    ),
    StaffSpec(
        "primary.dsl",
        "education",
        Role.PRACTITIONER,
        "Designated safeguarding lead, Brookside Primary School",
        SCHOOL_BY_CODE["BRP"].service_key,
    ),
    StaffSpec(
        "education.mash",
        "education",
        Role.MASH_SCREENER,
        "Education MASH officer",
        "education.safeguarding",
    ),
    StaffSpec(
        "education.coordinator",
        "education",
        Role.COORDINATOR,
        "Education exploitation lead",
        "education.safeguarding",
    ),
    StaffSpec("education.ig", "education", Role.IG_OFFICER, "Schools data protection officer"),
    StaffSpec("education.strategic", "education", Role.STRATEGIC_LEAD, "Director of education"),
    *_core(
        "yos",
        "youth justice",
        practitioner="Youth justice worker",
        coordinator="YOS exploitation lead",
    ),
    *_core(
        "probation",
        "probation delivery",
        practitioner="Probation officer",
        coordinator="Senior probation officer",
    ),
    *_core(
        "housing",
        "housing",
        practitioner="Housing officer",
        coordinator="Tenancy safeguarding lead",
    ),
    *_core(
        "safesteps",
        "Safe Steps",
        practitioner="Specialist CSE youth worker",
        coordinator="Service manager and lead professional",
    ),
    *_core(
        "youthproject",
        "the Youth Project",
        practitioner="Detached youth worker",
        coordinator="Project lead",
    ),
    *_core(
        "adults",
        "adult safeguarding",
        practitioner="Transitions social worker",
        coordinator="Adult exploitation lead",
    ),
    StaffSpec("hotel.partner", "hotel", Role.COMMUNITY_PARTNER, "Duty manager"),
    StaffSpec("taxi.partner", "taxi", Role.COMMUNITY_PARTNER, "Operations manager"),
)


# The accounts ``demo_accounts`` leads with: one per part of the product, each with what to try.
START_HERE: tuple[tuple[str, str], ...] = (
    (
        "csc.coordinator",
        "The partnership's coordinator: open Alerts to triage cross-agency prompts, then a case "
        "and its chronology, and the next MASE meeting.",
    ),
    (
        "police.mash",
        "A MASH screener: screen a referral against the 24-hour clock, then import a file of "
        "missing episodes (Imports) and work the matching review queue.",
    ),
    (
        "school.dsl",
        "A school's designated safeguarding lead: find a pupil, read what other agencies share, "
        "and refer a concern to the MASH.",
    ),
    (
        "health.sexualhealth",
        "A sexual health nurse: record an attendance, then sign in as school.dsl to see that "
        "only its existence is shared.",
    ),
    (
        "police.analyst",
        "An intelligence analyst: the matching review queue and the MASE agenda's shared phones, "
        "vehicles and places.",
    ),
    (
        "hotel.partner",
        "A hotel's duty manager: tell the partnership what you saw; you get a receipt and see "
        "nothing back.",
    ),
)


def totp_key(seed: int, username: str) -> str:
    """The demo account's TOTP secret: 40 hex characters (20 bytes) from the seed and username."""
    digest = hashlib.sha256(f"tessera-eastbrook-demo:{seed}:{username}".encode())
    return digest.hexdigest()[:40]


def eastbrook_loaded() -> bool:
    """Whether the Eastbrook partnership is already in the database."""
    return Agency.objects.filter(name__in=AGENCY_NAMES).exists()


# --------------------------------------------------------------------------------------------
# Young people: planned in memory first, then registered through the people actions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    street: str
    number: int
    postcode: str


@dataclass(frozen=True)
class PlannedIdentity:
    """An identity one agency will record, before the agency exists in the database."""

    agency: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    postcode: str
    upn: str
    nhs_number: str
    other_names: str
    source_reference: str
    recorded_at: datetime

    def row(self, agency: Agency) -> IdentityRow:
        return IdentityRow(
            agency=agency,
            given_name=self.given_name,
            family_name=self.family_name,
            date_of_birth=self.date_of_birth,
            gender=self.gender,
            postcode=self.postcode,
            upn=self.upn,
            nhs_number=self.nhs_number,
            other_names=self.other_names,
            source_reference=self.source_reference,
            recorded_at=self.recorded_at,
        )


@dataclass
class PersonPlan:
    """The truth about one synthetic young person, kept for the generator's later steps."""

    household: int
    heritage: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    home: Home
    school: School | None
    upn: str
    nhs_number: str
    arrived: date | None = None
    known_as: str = ""
    identities: list[PlannedIdentity] = field(default_factory=list)

    @property
    def age(self) -> int:
        born = self.date_of_birth
        day = REFERENCE_DATE
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def year_group(self) -> int:
        """National curriculum year on :data:`REFERENCE_DATE` (reception is 0)."""
        return REFERENCE_DATE.year - _cohort_year(self.date_of_birth) - 5


def _cohort_year(born: date) -> int:
    """The year in which the child's school year (1 September to 31 August) of birth began."""
    return born.year if born.month >= 9 else born.year - 1


def _at(day: date, rng: random.Random) -> datetime:
    """A plausible working-hours moment on ``day``, in local time."""
    return datetime(
        day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60), tzinfo=LONDON
    )


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


@dataclass
class DemoSummary:
    seed: int
    size: str
    agencies: int
    services: int
    users: int
    young_people: int
    recorded_identities: int
    seconds: float
    records: dict[str, int] = field(default_factory=dict)
    """Records created, by agency short name."""
    records_seconds: float = 0.0
    relationships: int = 0
    consent_decisions: int = 0
    alerts: int = 0
    """Live alerts the rules raised over the loaded town (one full evaluation at the end)."""


class Generator:
    """Builds Eastbrook step by step: :meth:`agencies`, :meth:`users`, :meth:`young_people`,
    :meth:`records`, :meth:`case_teams`.

    Later steps (episodes, networks) add methods that read the earlier steps' results from the
    attributes below and draw from their own :meth:`stream`.
    """

    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        size: str = "small",
        bulk: bool | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if size not in SIZES:
            raise ValueError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}.")
        self.seed = seed
        self.size = size
        self.count = SIZES[size]
        self.bulk = self.count > ONE_BY_ONE_LIMIT if bulk is None else bulk
        self._progress = progress or (lambda message: None)
        self.agency_by_key: dict[str, Agency] = {}
        self.service_by_key: dict[str, Service] = {}
        self.user_by_username: dict[str, User] = {}
        self.plans: list[PersonPlan] = []
        self.registered: list[YoungPerson] = []
        self.record_plan: RecordPlan | None = None
        self.record_counts: dict[str, int] = {}
        self.records_seconds = 0.0
        self.allocation: Allocation | None = None

    def stream(self, step: str) -> random.Random:
        """A random stream for one step, fixed by the seed and the step's name alone."""
        return random.Random(f"tessera-eastbrook:{self.seed}:{step}")

    def run(self) -> DemoSummary:
        from alerts import engine as alerts_engine

        started = time.perf_counter()
        # Records arrive in bulk here: the alert rules are evaluated once, in full, at the end
        # (as an operator would after loading history), not record by record.
        with transaction.atomic(), alerts_engine.paused():
            self.agencies()
            self.users()
            self.young_people()
            self.records()
            self.case_teams()
            self.referrals()
            __import__("demo.assessments", fromlist=["generate"]).generate(self)
            __import__("demo.cases", fromlist=["generate"]).generate(self)  # before MASE
            __import__("demo.mase", fromlist=["generate"]).generate(self)  # after cases
            __import__("demo.imports", fromlist=["generate"]).generate(self)  # real import job
            __import__("demo.notifications", fromlist=["generate"]).generate(self)  # keep last
        alerts = self.alerts()
        return DemoSummary(
            seed=self.seed,
            size=self.size,
            agencies=len(self.agency_by_key),
            services=len(self.service_by_key),
            users=len(self.user_by_username),
            young_people=len(self.registered),
            recorded_identities=sum(len(plan.identities) for plan in self.plans),
            seconds=time.perf_counter() - started,
            records=dict(self.record_counts),
            records_seconds=self.records_seconds,
            relationships=self.allocation.relationships if self.allocation else 0,
            consent_decisions=len(self.allocation.consent) if self.allocation else 0,
            alerts=alerts,
        )

    def alerts(self) -> int:
        """Evaluate the alert rules over the whole town, so the coordinator's queue has the
        live prompts the records give (``manage.py evaluate_rules`` does the same).

        As of the end of the town's year (:data:`REFERENCE_DATE`), not the clock: the rules
        look back a year from the moment they evaluate, and the town's year is fixed, so the
        queue stays the same however long after that date the demo is loaded. Records
        recorded since (the demo's imports add some, recorded now) are then evaluated as they
        would have been on arrival."""
        from django.utils import timezone

        from alerts import engine as alerts_engine
        from records.models import AgencyRecord

        self._progress("Evaluating the alert rules")
        as_of = min(timezone.now(), alerts_engine.end_of_day(REFERENCE_DATE))
        evaluation = alerts_engine.evaluate_all(
            evaluation=alerts_engine.start_full_evaluation(as_of=as_of)
        )
        since = list(
            AgencyRecord.objects.filter(recorded_at__gt=as_of).values_list("pk", flat=True)
        )
        later = alerts_engine.evaluate_records(since)
        raised = evaluation.alerts_raised + later.raised
        self._progress(f"{raised} alerts raised")
        return raised

    # -- the partnership ---------------------------------------------------------------------

    def agencies(self) -> dict[str, Agency]:
        for spec in AGENCIES:
            agency = do_create_agency(
                actor=None,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                cse_contact=spec.cse_contact,
                is_synthetic=True,
            )
            self.agency_by_key[spec.key] = agency
            for service in spec.services:
                self.service_by_key[service.key] = do_add_service(
                    actor=None, agency=agency, name=service.name, kind=service.kind
                )
        self._progress(f"{len(self.agency_by_key)} agencies, {len(self.service_by_key)} services")
        return self.agency_by_key

    def users(self) -> dict[str, User]:
        rng = self.stream("staff")
        surnames = [name for heritage in names.FAMILY.values() for name in heritage]
        for spec in STAFF:
            user = do_create_user(
                actor=None,
                username=spec.username,
                password=DEMO_PASSWORD,
                agency=self.agency_by_key[spec.agency],
                role=spec.role,
                first_name=rng.choice(names.STAFF_GIVEN),
                last_name=rng.choice(surnames),
                email=f"{spec.username}@{EMAIL_DOMAIN}",
                service=self.service_by_key[spec.service] if spec.service else None,
                job_title=spec.job_title,
                is_synthetic=True,
                validate=False,  # one published password for every demo account, by design
            )
            do_enrol_demo_device(user=user, key=totp_key(self.seed, spec.username))
            self.user_by_username[spec.username] = user
        self._progress(f"{len(self.user_by_username)} users")
        return self.user_by_username

    # -- young people ------------------------------------------------------------------------

    def plan_young_people(self) -> list[PersonPlan]:
        """Decide who lives in Eastbrook. Needs no database, so it is cheap to call twice."""
        return _PeoplePlanner(self.stream("young_people"), self.count).plan()

    def young_people(self) -> list[YoungPerson]:
        self.plans = self.plan_young_people()
        if self.bulk:
            rows = [self._row(plan) for plan in self.plans]
            self.registered = do_register_young_people_bulk(actor=None, rows=rows)
        else:
            self.registered = [self._register(plan) for plan in self.plans]
        self._progress(
            f"{len(self.registered)} young people, "
            f"{sum(len(plan.identities) for plan in self.plans)} recorded identities"
        )
        return self.registered

    # -- a year of records -------------------------------------------------------------------

    def plan_records(self) -> RecordPlan:
        """Decide a year of records for everyone. Needs no database, like the people plan."""
        from demo.records import RecordPlanner

        return RecordPlanner(self.stream, self.plans or self.plan_young_people()).plan()

    def records(self) -> dict[str, int]:
        """Write the planned records: one by one through ``do_record``, or in bulk."""
        from demo.records import write_bulk, write_one_by_one

        started = time.perf_counter()
        self.record_plan = self.plan_records()
        write = write_bulk if self.bulk else write_one_by_one
        counts = write(self, self.record_plan.records)
        self.record_counts = dict(sorted(counts.items()))
        self.records_seconds = time.perf_counter() - started
        self._progress(
            f"{sum(counts.values()):,} agency records in {self.records_seconds:.1f} s "
            f"({'in bulk' if self.bulk else 'one by one'})"
        )
        return self.record_counts

    def referrals(self) -> int:
        """Open referrals for the MASH queue: from schools, the police and community partners;
        one past the 24-hour clock, and two already screened."""
        from demo.referrals import make_referrals

        made = make_referrals(self)
        self._progress(f"{made} referrals")
        return made

    def case_teams(self) -> Allocation:
        """Put the demo practitioners in case teams and record some consent decisions."""
        from demo.records import allocate

        if self.record_plan is None:
            raise RuntimeError("Plan the records before the case teams.")
        self.allocation = allocate(self, self.record_plan)
        self._progress(
            f"{self.allocation.relationships} case team and lead professional allocations, "
            f"{len(self.allocation.consent)} consent decisions"
        )
        return self.allocation

    def _row(self, plan: PersonPlan) -> YoungPersonRow:
        first, *further = plan.identities
        return YoungPersonRow(
            agency=self.agency_by_key[first.agency],
            given_name=first.given_name,
            family_name=first.family_name,
            date_of_birth=first.date_of_birth,
            gender=first.gender,
            postcode=first.postcode,
            upn=first.upn,
            nhs_number=first.nhs_number,
            other_names=first.other_names,
            source_reference=first.source_reference,
            recorded_at=first.recorded_at,
            is_synthetic=True,
            further_identities=tuple(
                identity.row(self.agency_by_key[identity.agency]) for identity in further
            ),
        )

    def _register(self, plan: PersonPlan) -> YoungPerson:
        first, *further = plan.identities
        young_person = do_register_young_person(
            actor=None,
            agency=self.agency_by_key[first.agency],
            given_name=first.given_name,
            family_name=first.family_name,
            date_of_birth=first.date_of_birth,
            gender=first.gender,
            postcode=first.postcode,
            upn=first.upn,
            nhs_number=first.nhs_number,
            other_names=first.other_names,
            source_reference=first.source_reference,
            recorded_at=first.recorded_at,
            is_synthetic=True,
        )
        for identity in further:
            do_record_identity(
                actor=None,
                young_person=young_person,
                agency=self.agency_by_key[identity.agency],
                given_name=identity.given_name,
                family_name=identity.family_name,
                date_of_birth=identity.date_of_birth,
                gender=identity.gender,
                postcode=identity.postcode,
                upn=identity.upn,
                nhs_number=identity.nhs_number,
                other_names=identity.other_names,
                source_reference=identity.source_reference,
                recorded_at=identity.recorded_at,
            )
        return young_person


_EARLIEST_BIRTH = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - _OLDEST_AGE - 1) + timedelta(1)
_LATEST_BIRTH = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - _YOUNGEST_AGE)
_PRIMARIES = tuple(school for school in SCHOOLS if school.phase == Phase.PRIMARY)
_SECONDARIES = tuple(
    school for school in SCHOOLS if school.phase in (Phase.SECONDARY, Phase.ALL_THROUGH)
)
_SIXTH_FORMS = tuple(school for school in SCHOOLS if school.phase == Phase.ALL_THROUGH)
_COLLEGE = SCHOOL_BY_CODE["ESF"]
_PRU = SCHOOL_BY_CODE["HHP"]
_SPECIAL = SCHOOL_BY_CODE["WBS"]
# Where a UPN comes from when the preferred first school has used all 999 serials for a year.
_UPN_FALLBACKS = (
    *((LA_CODE, school.establishment) for school in _PRIMARIES),
    *ELSEWHERE_PRIMARIES,
)


def _weighted(rng: random.Random, schools: Sequence[School]) -> School:
    return rng.choices(schools, weights=[school.weight for school in schools])[0]


def _misspell(name: str, rng: random.Random) -> str:
    """A realistic slip: a known variant spelling, or one letter swapped, dropped or doubled."""
    variants = names.FAMILY_NAME_VARIANTS.get(name)
    if variants and rng.random() < 0.5:
        return rng.choice(variants)
    for _ in range(20):
        letters = list(name)
        if len(letters) < 4:
            index = len(letters) - 1
            operation = "double"
        else:
            index = rng.randint(1, len(letters) - 2)
            operation = rng.choice(("swap", "drop", "double"))
        if operation == "swap":
            letters[index], letters[index + 1] = letters[index + 1], letters[index]
        elif operation == "drop":
            del letters[index]
        else:
            letters.insert(index, letters[index])
        result = "".join(letters)
        if result != name:
            return result
    return name + name[-1]


class _PeoplePlanner:
    """Households of young people with their schools, identifiers and recorded identities."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self.rng = rng
        self.count = count
        # Enough house numbers per street that households rarely collide, even in a large town.
        self.houses_per_street = max(150, 2 * count // len(names.STREETS))
        self.postcode_units: dict[str, tuple[str, list[str]]] = {}
        for street in names.STREETS:
            outward = f"{POSTCODE_AREA}{rng.randint(1, 9)} {rng.randint(0, 9)}"
            units = [rng.choice(_INWARD_LETTERS) + rng.choice(_INWARD_LETTERS) for _ in range(6)]
            self.postcode_units[street] = (outward, units)
        self.homes: set[tuple[str, int]] = set()
        self.nhs_numbers: set[str] = set()
        self.upn_serials: Counter[tuple[int, int, int]] = Counter()
        self.admissions: Counter[str] = Counter()
        self.hospital_number = rng.randint(1_000_000, 2_000_000)

    def plan(self) -> list[PersonPlan]:
        plans: list[PersonPlan] = []
        household = 0
        while len(plans) < self.count:
            household += 1
            plans.extend(self._household(household, self.count - len(plans)))
        for plan in plans:
            plan.identities.append(self._education_identity(plan))
            if self.rng.random() < 0.70:
                plan.identities.append(self._health_identity(plan))
        return plans

    # -- households and people ----------------------------------------------------------------

    def _household(self, number: int, remaining: int) -> list[PersonPlan]:
        rng = self.rng
        heritage = rng.choices(
            list(names.HERITAGE_WEIGHTS), weights=list(names.HERITAGE_WEIGHTS.values())
        )[0]
        if heritage == names.MIXED:
            parents = rng.choice(names.MIXED_PARENTS)
            family_name = rng.choice(names.FAMILY[rng.choice(parents)])
        else:
            parents = (heritage, heritage)
            family_name = rng.choice(names.FAMILY[heritage])
        home = self._new_home()
        size = min(remaining, rng.choices((1, 2, 3), weights=(0.72, 0.22, 0.06))[0])
        twins = size >= 2 and rng.random() < 0.04
        people: list[PersonPlan] = []
        for index in range(size):
            born = people[0].date_of_birth if twins and index == 1 else self._birth_date(people)
            gender = self._gender()
            given_name, known_as = self._given_name(gender, parents, people)
            group = REFERENCE_DATE.year - _cohort_year(born) - 5
            school = self._school(group, gender)
            arrived = self._arrival(born)
            people.append(
                PersonPlan(
                    household=number,
                    heritage=heritage,
                    given_name=given_name,
                    family_name=family_name,
                    date_of_birth=born,
                    gender=gender,
                    home=home,
                    school=school,
                    upn=self._upn(born, school, arrived),
                    nhs_number=self._nhs_number(),
                    arrived=arrived,
                    known_as=known_as,
                )
            )
        return people

    def _new_home(self) -> Home:
        while True:
            street = self.rng.choice(names.STREETS)
            number = self.rng.randint(1, self.houses_per_street)
            if (street, number) not in self.homes:
                self.homes.add((street, number))
                return Home(street, number, self._postcode(street, number))

    def _postcode(self, street: str, number: int) -> str:
        outward, units = self.postcode_units[street]
        return outward + units[(number - 1) // 25 % len(units)]

    def _birth_date(self, siblings: Sequence[PersonPlan]) -> date:
        born = _day_between(self.rng, _EARLIEST_BIRTH, _LATEST_BIRTH)
        for _ in range(50):
            if all(abs((born - other.date_of_birth).days) >= 300 for other in siblings):
                break
            born = _day_between(self.rng, _EARLIEST_BIRTH, _LATEST_BIRTH)
        return born

    def _gender(self) -> Gender:
        draw = self.rng.random()
        if draw < 0.49:
            return Gender.GIRL
        if draw < 0.98:
            return Gender.BOY
        return Gender.NON_BINARY

    def _given_name(
        self, gender: Gender, parents: tuple[str, str], siblings: Sequence[PersonPlan]
    ) -> tuple[str, str]:
        """A first name (and, for a non-binary young person, the name they are known by)."""
        rng = self.rng
        if gender == Gender.GIRL:
            lists = names.GIRLS
        elif gender == Gender.BOY:
            lists = names.BOYS
        else:
            lists = rng.choice((names.GIRLS, names.BOYS))
        taken = {sibling.given_name for sibling in siblings}
        given = rng.choice(lists[rng.choice(parents)])
        for _ in range(10):
            if given not in taken:
                break
            given = rng.choice(lists[rng.choice(parents)])
        known_as = rng.choice(names.CHOSEN_NAMES) if gender == Gender.NON_BINARY else ""
        return given, known_as

    def _school(self, group: int, gender: Gender) -> School | None:
        """The school attended on the reference date; ``None`` if out of education."""
        draw = self.rng.random()
        if draw < 0.02:
            return _SPECIAL
        if group <= 6:
            return _weighted(self.rng, _PRIMARIES)
        if group <= 11:
            if draw < 0.03:
                return None  # missing education
            # Boys are excluded more often than girls.
            if draw < 0.03 + (0.025 if gender == Gender.BOY else 0.01):
                return _PRU
            return _weighted(self.rng, _SECONDARIES)
        if draw < 0.09:
            return None  # not in education or training at 16-17
        if draw < 0.45:
            return _COLLEGE
        return _weighted(self.rng, _SIXTH_FORMS)

    def _arrival(self, born: date) -> date | None:
        """When a child who started school elsewhere moved to Eastbrook (about one in eight)."""
        if self.rng.random() >= 0.12:
            return None
        reception = _cohort_year(born) + 5
        return _day_between(
            self.rng, date(reception + 1, 1, 1), REFERENCE_DATE - timedelta(days=30)
        )

    # -- identifiers --------------------------------------------------------------------------

    def _upn(self, born: date, school: School | None, arrived: date | None) -> str:
        """Allocated in reception by the child's first school, as in England."""
        year = (_cohort_year(born) + 5) % 100
        if arrived is not None:
            first = self.rng.choice(ELSEWHERE_PRIMARIES)
        elif school is not None and school.phase == Phase.PRIMARY and self.rng.random() < 0.85:
            first = (LA_CODE, school.establishment)
        else:
            first = (LA_CODE, _weighted(self.rng, _PRIMARIES).establishment)
        for la_code, establishment in (first, *_UPN_FALLBACKS):
            key = (la_code, establishment, year)
            if self.upn_serials[key] < 999:
                self.upn_serials[key] += 1
                upn = make_upn(la_code, establishment, year, self.upn_serials[key])
                return normalise_upn(upn)  # refuses anything that fails the check
        raise RuntimeError("No UPN serial numbers left: add schools to the demo town.")

    def _nhs_number(self) -> str:
        """A number from the NHS test range 999 000 0000 to 999 999 9999."""
        while True:
            first9 = f"999{self.rng.randrange(1_000_000):06d}"
            check = nhs_check_digit(first9)
            if check is None:
                continue  # no valid number starts with these nine digits
            number = f"{first9}{check}"
            if number in self.nhs_numbers or len(set(number)) == 1:
                continue
            self.nhs_numbers.add(number)
            return normalise_nhs_number(number)

    # -- what agencies recorded ---------------------------------------------------------------

    def _education_identity(self, plan: PersonPlan) -> PlannedIdentity:
        rng = self.rng
        other_names = plan.known_as
        nicknames = names.NICKNAMES.get(plan.given_name)
        if not other_names and nicknames and rng.random() < 0.08:
            other_names = rng.choice(nicknames)
        if plan.school is None:
            self.admissions["CME"] += 1
            reference = f"CME-{self.admissions['CME']:05d}"
            recorded_at = _at(
                _day_between(rng, REFERENCE_DATE - timedelta(365), REFERENCE_DATE - timedelta(7)),
                rng,
            )
        else:
            self.admissions[plan.school.code] += 1
            reference = f"{plan.school.code}-{self.admissions[plan.school.code]:05d}"
            recorded_at = _at(self._admitted(plan, plan.school), rng)
        return PlannedIdentity(
            agency="education",
            given_name=plan.given_name,
            family_name=plan.family_name,
            date_of_birth=plan.date_of_birth,
            gender=plan.gender,
            postcode="" if rng.random() < 0.03 else plan.home.postcode,
            upn=plan.upn,
            nhs_number=plan.nhs_number if rng.random() < 0.75 else "",
            other_names=other_names,
            source_reference=reference,
            recorded_at=recorded_at,
        )

    def _admitted(self, plan: PersonPlan, school: School) -> date:
        """The day the school recorded the child: the summer before they started there."""
        rng = self.rng
        reception = _cohort_year(plan.date_of_birth) + 5
        if school.phase == Phase.PRU:
            return _day_between(
                rng, REFERENCE_DATE - timedelta(540), REFERENCE_DATE - timedelta(10)
            )
        if school.phase == Phase.PRIMARY:
            entry = reception
        elif school.phase == Phase.SPECIAL:
            entry = reception + rng.choice([k for k in (0, 3, 7) if k <= plan.year_group])
        elif school.phase == Phase.COLLEGE:
            entry = reception + 12
        else:
            entry = reception + 7
        admitted = _day_between(rng, date(entry, 6, 15), date(entry, 7, 20))
        if plan.arrived is not None and plan.arrived > admitted:
            admitted = plan.arrived
        return admitted

    def _health_identity(self, plan: PersonPlan) -> PlannedIdentity:
        rng = self.rng
        given_name = plan.given_name
        variants = names.GIVEN_NAME_VARIANTS.get(given_name)
        if variants and rng.random() < 0.3:
            given_name = rng.choice(variants)
        family_name = plan.family_name
        if rng.random() < 0.05:
            family_name = _misspell(family_name, rng)
        other_names = ""
        nicknames = names.NICKNAMES.get(plan.given_name)
        if nicknames and rng.random() < 0.15:
            other_names = rng.choice(nicknames)
        born = plan.date_of_birth
        if rng.random() < 0.02 and born.day <= 12 and born.day != born.month:
            born = date(born.year, born.day, born.month)  # day and month swapped
        gender = plan.gender
        if gender == Gender.NON_BINARY:
            gender = rng.choice((Gender.GIRL, Gender.BOY))  # sex recorded at birth
        draw = rng.random()
        if draw < 0.08:
            postcode = ""
        elif draw < 0.15:
            street = rng.choice(names.STREETS)  # a previous address
            postcode = self._postcode(street, rng.randint(1, self.houses_per_street))
        else:
            postcode = plan.home.postcode
        self.hospital_number += rng.randint(1, 40)
        return PlannedIdentity(
            agency="health",
            given_name=given_name,
            family_name=family_name,
            date_of_birth=born,
            gender=gender,
            postcode=postcode,
            upn=plan.upn if rng.random() < 0.25 else "",
            nhs_number=plan.nhs_number,
            other_names=other_names,
            source_reference=f"EBH{self.hospital_number:07d}",
            recorded_at=_at(
                _day_between(
                    rng, REFERENCE_DATE - timedelta(4 * 365), REFERENCE_DATE - timedelta(1)
                ),
                rng,
            ),
        )
