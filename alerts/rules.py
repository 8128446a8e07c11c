"""The rules library: what each rule notices, in code, with its parameters as data.

Each rule is a class with a ``code`` (the ``alerts.Rule`` row that holds its name, description,
on/off switch and versioned parameters), the ``defaults`` its first version starts from, which
records can affect it (``relevant``, so that saving one record evaluates only the rules it can
change) and an evaluation. A rule is pure: it reads :class:`Fact` values (one young person's
records, or for a shared identifier the records naming one value) that the engine has already
cut down to what the partnership could have seen at ``as_of`` (recorded by then, not disposed,
not withdrawn) and returns :class:`Finding` values. It never touches the database.

What a finding is
    A finding names the pattern (its ``key``: the rule, the young person or, for a shared
    identifier, the value), the young people, and the records that make it up (its evidence).
    Patterns are looked for anywhere in the records known at ``as_of`` (within the engine's
    look-back), not only in the window that ends today: so the same records give the same
    findings whenever they are evaluated, which is what lets the full evaluation and the
    incremental one agree, and a replay find the first day a pattern could have been seen.

None of these decides anything: each finding is a prompt for professional curiosity that a
coordinator triages.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from records.models import IndicatorKind, LinkKind, RecordKind

RESEARCH = "the research briefing"
LOW_LEVEL_QUOTE = (
    '"concerns which initially appear to be of a low level when viewed in isolation may be '
    'escalated when considered alongside what is known by other agencies"'
)


@dataclass(frozen=True, slots=True)
class Link:
    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    """One agency record as the rules read it."""

    id: int
    young_person_id: int
    type_code: str
    kind: str  # records.RecordKind
    indicator_kind: str  # records.IndicatorKind
    agency_id: int
    occurred_at: datetime
    recorded_at: datetime
    ended_at: datetime | None = None
    title: str = ""
    location: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)
    born: date | None = None  # the young person's date of birth
    links: tuple[Link, ...] = ()

    @property
    def day(self) -> date:
        return self.occurred_at.date()

    @property
    def until(self) -> datetime:
        return self.ended_at or self.occurred_at


@dataclass(frozen=True)
class Finding:
    key: str
    young_person_ids: tuple[int, ...]
    evidence: tuple[int, ...]  # record ids
    shared_kind: str = ""
    shared_value: str = ""


Params = Mapping[str, Any]

# How far back the rules look from ``as_of``: an alert is a prompt about now, not about a
# pattern of years ago. The engine reads no record that happened before this.
LOOKBACK = timedelta(days=365)
# Standing facts: read whenever they began, as long as they had not ended before the look-back
# (a young person taken into care three years ago is still looked after). The vulnerability
# indicators, and these types; only the vulnerability rule reads them.
STANDING_TYPES = ("child-in-need", "child-protection-plan", "enrolment")


class RuleDef(ABC):
    """What every rule of the library has: its code, words, defaults and two methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    why: ClassVar[str]
    defaults: ClassVar[dict[str, Any]]
    # Shared-identifier rules are evaluated per value across young people, not per person.
    shared: ClassVar[bool] = False

    @abstractmethod
    def relevant(self, fact: Fact, params: Params) -> bool:
        """Whether a change to this record can change what the rule finds."""

    @abstractmethod
    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        """The findings among one young person's records (sorted by when they happened)."""


# --- helpers ------------------------------------------------------------------------------


def is_concern(fact: Fact, params: Params) -> bool:
    """A concern, or (when the rule counts them) a warning sign."""
    if fact.kind == RecordKind.CONCERN:
        return True
    return bool(params.get("include_warning_signs", True)) and (
        fact.indicator_kind == IndicatorKind.WARNING_SIGN
    )


def _windows(
    facts: Sequence[Fact], days: float, qualifies: Callable[[Sequence[Fact]], bool]
) -> set[int]:
    """The ids of the facts in every window of ``days`` (ending at one fact's moment) that
    qualifies. ``facts`` sorted by ``occurred_at``."""
    evidence: set[int] = set()
    span = timedelta(days=days)
    start = 0
    for end, anchor in enumerate(facts):
        while facts[start].occurred_at < anchor.occurred_at - span:
            start += 1
        window = facts[start : end + 1]
        if qualifies(window):
            evidence.update(fact.id for fact in window)
    return evidence


def _person(fact_list: Sequence[Fact]) -> int:
    return fact_list[0].young_person_id


def _one(code: str, facts: Sequence[Fact], evidence: Iterable[int], suffix: str = "") -> Finding:
    young_person = _person(facts)
    return Finding(
        key=f"yp:{young_person}{suffix}",
        young_person_ids=(young_person,),
        evidence=tuple(sorted(set(evidence))),
    )


def _words(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(word.lower() in lowered for word in words if word)


# --- the rules ----------------------------------------------------------------------------


class SeveralAgenciesConcerned(RuleDef):
    code = "several_agencies_concerned"
    name = "Several agencies concerned"
    description = (
        "Concerns or warning signs about the same young person from {agencies} or more "
        "different agencies within {window_days} days."
    )
    why = (
        f"The research briefing: {LOW_LEVEL_QUOTE}. No single agency sees the pattern; "
        "together they may."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "agencies": 3,
        "window_days": 60,
        "include_warning_signs": True,
    }

    def relevant(self, fact: Fact, params: Params) -> bool:
        return is_concern(fact, params)

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        concerns = [fact for fact in facts if is_concern(fact, params)]
        if not concerns:
            return []
        needed = int(params["agencies"])
        evidence = _windows(
            concerns,
            float(params["window_days"]),
            lambda window: len({fact.agency_id for fact in window}) >= needed,
        )
        return [_one(self.code, concerns, evidence)] if evidence else []


HEALTH_NEAR_MISSING_TYPES = [
    "sexual-health-attendance",
    "emergency-attendance",
    "school-nurse-contact",
]


class HealthNearMissing(RuleDef):
    code = "health_near_missing"
    name = "Health attendance near a missing episode"
    description = (
        "A sexual health, emergency department or school nurse attendance within {days} days "
        "of a missing episode's start or return (or while missing)."
    )
    why = (
        "Sexual health clinic and emergency department visits soon after going missing are "
        "among the signs the research briefing lists of a young person being exploited while "
        f"away. Health rarely knows about the missing episode, and the police rarely know "
        f"about the visit: {LOW_LEVEL_QUOTE}."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "days": 7,
        "health_types": HEALTH_NEAR_MISSING_TYPES,
    }

    def relevant(self, fact: Fact, params: Params) -> bool:
        return fact.type_code == "missing-episode" or fact.type_code in params["health_types"]

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        span = timedelta(days=float(params["days"]))
        episodes = [fact for fact in facts if fact.type_code == "missing-episode"]
        visits = [fact for fact in facts if fact.type_code in params["health_types"]]
        evidence: set[int] = set()
        for episode in episodes:
            for visit in visits:
                if episode.occurred_at - span <= visit.occurred_at <= episode.until + span:
                    evidence.update((episode.id, visit.id))
        return [_one(self.code, facts, evidence)] if evidence else []


RESIDENTIAL_WORDS = ["children's home", "childrens home", "residential", "care home"]


def from_residential_home(fact: Fact, words: Sequence[str]) -> bool:
    """An episode reported by, or from, a residential children's home: from the police feed's
    ``reported_by`` and ``missing_from_location`` (the demo's ``reported_by``), or the title."""
    texts = (
        str(fact.facts.get("reported_by", "")),
        str(fact.facts.get("missing_from_location", "")),
        fact.title,
    )
    return any(_words(text, words) for text in texts)


class RepeatMissing(RuleDef):
    code = "repeat_missing"
    name = "Repeatedly missing"
    description = (
        "{episodes} or more missing episodes within {window_days} days. Episodes from a "
        "residential children's home: {residential_home_episodes} (with 'own_threshold', "
        "{residential_threshold} episodes including them)."
    )
    why = (
        "Going missing repeatedly is one of the strongest warning signs in the research "
        "briefing. Episodes from residential homes are common and often innocent, so the "
        "partnership chooses how they count: 'count' (like any other), 'ignore' (never), or "
        "'own_threshold' (only when there are many)."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "episodes": 3,
        "window_days": 90,
        "residential_home_episodes": "own_threshold",
        "residential_threshold": 6,
        "residential_words": RESIDENTIAL_WORDS,
    }
    choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "residential_home_episodes": ("count", "ignore", "own_threshold")
    }

    def relevant(self, fact: Fact, params: Params) -> bool:
        return fact.type_code == "missing-episode"

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        episodes = [fact for fact in facts if fact.type_code == "missing-episode"]
        if not episodes:
            return []
        words = params["residential_words"]
        how = params["residential_home_episodes"]
        residential = {fact.id for fact in episodes if from_residential_home(fact, words)}
        needed = int(params["episodes"])
        days = float(params["window_days"])
        others = [fact for fact in episodes if fact.id not in residential]
        if how == "count":
            evidence = _windows(episodes, days, lambda window: len(window) >= needed)
        else:
            evidence = _windows(others, days, lambda window: len(window) >= needed)
            if how == "own_threshold":
                many = int(params["residential_threshold"])
                evidence |= _windows(episodes, days, lambda window: len(window) >= many)
        return [_one(self.code, episodes, evidence)] if evidence else []


class AbsentAndMissing(RuleDef):
    code = "absent_and_missing"
    name = "Absent from school and missing"
    description = (
        "An unauthorised absence on the days of a police missing report (or {days_after_return} "
        "day after the return); or {absence_days} or more days of unauthorised absence within "
        "{window_days} days with no missing report."
    )
    why = (
        "Schools see the absence, the police see the missing report; neither sees both. The "
        "research briefing lists unexplained absence and going missing together as a warning "
        "sign, and an absence pattern with no report may be a young person missing whom nobody "
        "reported."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "days_after_return": 1,
        "absence_days": 5,
        "window_days": 14,
        "absence_types": ["school-absence"],
    }

    def relevant(self, fact: Fact, params: Params) -> bool:
        return fact.type_code == "missing-episode" or fact.type_code in params["absence_types"]

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        episodes = [fact for fact in facts if fact.type_code == "missing-episode"]
        absences = [fact for fact in facts if fact.type_code in params["absence_types"]]
        if not absences:
            return []
        after = timedelta(days=int(params["days_after_return"]))
        covered: set[int] = set()
        with_report: set[int] = set()
        for episode in episodes:
            first, last = episode.occurred_at.date(), episode.until.date() + after
            for absence in absences:
                if first <= absence.day <= last:
                    with_report.update((episode.id, absence.id))
                    covered.add(absence.id)
        findings = []
        if with_report:
            findings.append(_one(self.code, facts, with_report, ":missing"))
        # Absence days with no missing report covering them.
        uncovered = [fact for fact in absences if fact.id not in covered]
        needed = int(params["absence_days"])
        pattern = _windows(
            uncovered,
            float(params["window_days"]),
            lambda window: len({fact.day for fact in window}) >= needed,
        )
        if pattern:
            findings.append(_one(self.code, facts, pattern, ":no_report"))
        return findings


class LessonsMissedAfterRegistration(RuleDef):
    code = "lessons_missed_after_registration"
    name = "Lessons missed after registration"
    description = (
        "Present at registration, then absent from lessons, on {days} or more days within "
        "{window_days} days."
    )
    why = (
        "Leaving school after the register is taken is how a young person is collected "
        "during the day without an absence being recorded; the research briefing names "
        "truanting and leaving school during the day among the warning signs."
    )
    defaults: ClassVar[dict[str, Any]] = {"days": 3, "window_days": 14}

    def relevant(self, fact: Fact, params: Params) -> bool:
        return fact.type_code == "lesson-missed"

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        missed = [fact for fact in facts if fact.type_code == "lesson-missed"]
        needed = int(params["days"])
        evidence = _windows(
            missed,
            float(params["window_days"]),
            lambda window: len({fact.day for fact in window}) >= needed,
        )
        return [_one(self.code, missed, evidence)] if evidence else []


class SharedIdentifier(RuleDef):
    code = "shared_identifier"
    name = "Shared adult, car, phone or place"
    description = (
        "The same person of interest, vehicle, phone, place or online identity named in "
        "records about {young_people} or more young people, from any agencies, unless the "
        "coordinator lists it as benign (a school, a police station, a helpline, a children's "
        "home's own address)."
    )
    why = (
        "Exploitation is organised: one adult, car, phone or flat links several victims. "
        "Each agency holds one piece; the link shows only when they are put together, as the "
        f"research briefing says: {LOW_LEVEL_QUOTE}."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "young_people": 2,
        "kinds": [
            LinkKind.PERSON.value,
            LinkKind.VEHICLE.value,
            LinkKind.PHONE.value,
            LinkKind.PLACE.value,
            LinkKind.ONLINE.value,
        ],
    }
    shared = True

    def relevant(self, fact: Fact, params: Params) -> bool:
        return any(link.kind in params["kinds"] for link in fact.links)

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        raise TypeError("A shared identifier is evaluated per value: use evaluate_value.")

    def evaluate_value(
        self, kind: str, value: str, facts: Sequence[Fact], params: Params
    ) -> list[Finding]:
        """The finding for the records naming one (kind, value), benign values already left out."""
        if kind not in params["kinds"]:
            return []
        people = sorted({fact.young_person_id for fact in facts})
        if len(people) < int(params["young_people"]):
            return []
        return [
            Finding(
                key=f"{kind}:{value}",
                young_person_ids=tuple(people),
                evidence=tuple(sorted({fact.id for fact in facts})),
                shared_kind=kind,
                shared_value=value,
            )
        ]


_AGE_IN_LABEL = re.compile(r"\b(?:aged?|age:?)\s*(\d{1,2})\b|\((\d{1,2})\)", re.IGNORECASE)
_BORN_IN_LABEL = re.compile(r"\b(?:born|dob:?|d\.o\.b\.?)\s*(\d{4})(?:-(\d{2})-(\d{2}))?\b", re.I)


def associate_age(link: Link, fact: Fact) -> float | None:
    """The age of a person named in a record, at the record's date, from what the record
    carries: the record's facts ``associate_age`` or ``associate_date_of_birth`` (one person
    linked), or the link's label ("Jay, aged 24", "Jay (24)", "Jay, born 2001")."""
    people = [item for item in fact.links if item.kind == LinkKind.PERSON]
    if len(people) == 1:
        age = fact.facts.get("associate_age")
        if isinstance(age, int | float) or (isinstance(age, str) and age.isdigit()):
            return float(age)
        born = fact.facts.get("associate_date_of_birth")
        if isinstance(born, str):
            try:
                return _years(date.fromisoformat(born), fact.day)
            except ValueError:
                pass
    found = _AGE_IN_LABEL.search(link.label)
    if found:
        return float(found.group(1) or found.group(2))
    born_match = _BORN_IN_LABEL.search(link.label)
    if born_match:
        year = int(born_match.group(1))
        if born_match.group(2):
            try:
                return _years(
                    date(year, int(born_match.group(2)), int(born_match.group(3))), fact.day
                )
            except ValueError:
                return None
        return float(fact.day.year - year)
    return None


def _years(born: date, on: date) -> float:
    return (on - born).days / 365.25


def young_person_age(fact: Fact) -> float | None:
    """The young person's age on the record's date: their date of birth, or the age the
    agency estimated (``approximate_age``, from an import)."""
    if fact.born is not None:
        return _years(fact.born, fact.day)
    estimated = fact.facts.get("approximate_age")
    if isinstance(estimated, int | float):
        return float(estimated)
    return None


class OlderAssociate(RuleDef):
    code = "older_associate"
    name = "Older associate"
    description = (
        "A young person linked to an adult ({adult_age} or over) who is {years_older} or more "
        "years older, where a record gives the adult's age or date of birth."
    )
    why = (
        "An older 'boyfriend' or 'friend' is the commonest route into sexual exploitation the "
        "research briefing describes. Only records that give the adult's age can show the gap "
        "(an age in the person link's label, or the record's associate_age or "
        "associate_date_of_birth): a person named without an age cannot raise this prompt."
    )
    defaults: ClassVar[dict[str, Any]] = {"years_older": 5, "adult_age": 18}

    def relevant(self, fact: Fact, params: Params) -> bool:
        return any(link.kind == LinkKind.PERSON for link in fact.links)

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        by_associate: dict[str, set[int]] = defaultdict(set)
        for fact in facts:
            own = young_person_age(fact)
            if own is None:
                continue
            for link in fact.links:
                if link.kind != LinkKind.PERSON:
                    continue
                age = associate_age(link, fact)
                if age is None:
                    continue
                if age >= float(params["adult_age"]) and age - own >= float(params["years_older"]):
                    by_associate[link.value].add(fact.id)
        young_person = _person(facts) if facts else 0
        return [
            Finding(
                key=f"yp:{young_person}:person:{value}",
                young_person_ids=(young_person,),
                evidence=tuple(sorted(ids)),
                shared_kind=LinkKind.PERSON.value,
                shared_value=value,
            )
            for value, ids in sorted(by_associate.items())
        ]


class Escalating(RuleDef):
    code = "escalating"
    name = "Escalating concerns"
    description = (
        "Concerns in {recent_days} days at least {ratio} times the rate of the {prior_days} "
        "days before (and at least {min_recent} of them)."
    )
    why = (
        "Exploitation ramps up over weeks: the research briefing describes grooming that "
        "escalates. A rising rate of concerns, from any agencies, is a prompt to look again."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "recent_days": 30,
        "prior_days": 90,
        "ratio": 2,
        "min_recent": 3,
        "include_warning_signs": True,
    }

    def relevant(self, fact: Fact, params: Params) -> bool:
        return is_concern(fact, params)

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        concerns = [fact for fact in facts if is_concern(fact, params)]
        recent_days, prior_days = float(params["recent_days"]), float(params["prior_days"])
        recent_span, prior_span = timedelta(days=recent_days), timedelta(days=prior_days)
        ratio, least = float(params["ratio"]), int(params["min_recent"])
        evidence: set[int] = set()
        # A window whose prior part reaches before the look-back would compare with records
        # the engine did not read: the first concerns read would look like an escalation.
        earliest = as_of - LOOKBACK + recent_span + prior_span
        for anchor in concerns:
            end = anchor.occurred_at
            if end < earliest:
                continue
            recent = [c for c in concerns if end - recent_span < c.occurred_at <= end]
            prior = [
                c
                for c in concerns
                if end - recent_span - prior_span < c.occurred_at <= end - recent_span
            ]
            if (
                len(recent) >= least
                and len(recent) / recent_days >= ratio * len(prior) / prior_days
            ):
                evidence.update(c.id for c in recent)
        return [_one(self.code, concerns, evidence)] if evidence else []


VULNERABILITY_TYPES = ["child-in-need", "child-protection-plan"]
PRU_WORDS = ["pupil referral", "PRU", "alternative provision"]
WARNING_CONCERN_CATEGORIES = ["older_associate", "unexplained_gifts_or_money", "seen_in_hotspot"]


class VulnerabilityMeetsWarningSign(RuleDef):
    code = "vulnerability_meets_warning_sign"
    name = "Vulnerability meets warning sign"
    description = (
        "A vulnerability known to one agency (looked after, child in need, a protection plan, "
        "out of education, a pupil referral unit, any vulnerability indicator) and a warning "
        "sign recorded by another agency while it stands."
    )
    why = (
        "The research briefing: vulnerable young people (looked after, out of school, in a "
        "pupil referral unit) are over-represented among victims, and the agency that knows "
        "the vulnerability is rarely the one that sees the warning sign. "
        f"{LOW_LEVEL_QUOTE}."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "vulnerability_types": VULNERABILITY_TYPES,
        "pru_words": PRU_WORDS,
        "warning_concern_categories": WARNING_CONCERN_CATEGORIES,
    }

    def _vulnerability(self, fact: Fact, params: Params) -> bool:
        if fact.indicator_kind == IndicatorKind.VULNERABILITY:
            return True
        if fact.type_code in params["vulnerability_types"]:
            return True
        if fact.type_code == "enrolment":
            school = str(fact.facts.get("school", "")) or fact.location
            looked_after = fact.facts.get("looked_after") is True
            return looked_after or _pru(school, params["pru_words"])
        return False

    def _warning(self, fact: Fact, params: Params) -> bool:
        if fact.indicator_kind == IndicatorKind.WARNING_SIGN:
            return True
        return (
            fact.kind == RecordKind.CONCERN
            and str(fact.facts.get("category", "")) in params["warning_concern_categories"]
        )

    def relevant(self, fact: Fact, params: Params) -> bool:
        return self._vulnerability(fact, params) or self._warning(fact, params)

    def evaluate(self, facts: Sequence[Fact], params: Params, as_of: datetime) -> list[Finding]:
        vulnerabilities = [fact for fact in facts if self._vulnerability(fact, params)]
        warnings = [fact for fact in facts if self._warning(fact, params)]
        evidence: set[int] = set()
        for vulnerability in vulnerabilities:
            for warning in warnings:
                if warning.agency_id == vulnerability.agency_id:
                    continue
                ended = vulnerability.ended_at
                if ended is not None and ended < warning.occurred_at:
                    continue
                evidence.update((vulnerability.id, warning.id))
        return [_one(self.code, facts, evidence)] if evidence else []


def _pru(school: str, words: Sequence[str]) -> bool:
    for word in words:
        if word.isupper():  # an abbreviation: a whole word, as written
            if re.search(rf"\b{re.escape(word)}\b", school):
                return True
        elif word.lower() in school.lower():
            return True
    return False


LIBRARY: tuple[RuleDef, ...] = (
    SeveralAgenciesConcerned(),
    HealthNearMissing(),
    RepeatMissing(),
    AbsentAndMissing(),
    LessonsMissedAfterRegistration(),
    SharedIdentifier(),
    OlderAssociate(),
    Escalating(),
    VulnerabilityMeetsWarningSign(),
)
BY_CODE: dict[str, RuleDef] = {rule.code: rule for rule in LIBRARY}


def parameters_for(code: str, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The rule's parameters: its defaults, overridden by what a version holds."""
    return {**BY_CODE[code].defaults, **(stored or {})}


def validate_parameters(code: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Check parameters a coordinator set for a rule: every name known, numbers positive,
    lists lists, choices among the allowed. Returns them merged over the defaults; raises
    ``ValidationError`` naming the parameter."""
    rule = BY_CODE[code]
    unknown = set(given) - set(rule.defaults)
    if unknown:
        raise ValidationError(
            {"parameters": f"Unknown parameters for this rule: {', '.join(sorted(unknown))}."}
        )
    merged = parameters_for(code, given)
    choices = getattr(rule, "choices", {})
    for name, default in rule.defaults.items():
        value = merged[name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValidationError({"parameters": f"{name} must be true or false."})
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValidationError({"parameters": f"{name} must be a number above 0."})
        elif isinstance(default, list):
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValidationError({"parameters": f"{name} must be a list of words."})
        elif isinstance(default, str):
            allowed = choices.get(name)
            if not isinstance(value, str) or (allowed and value not in allowed):
                shown = ", ".join(allowed) if allowed else "text"
                raise ValidationError({"parameters": f"{name} must be one of: {shown}."})
    return merged


def describe(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The rule's description with its parameters filled in."""
    rule = BY_CODE[code]
    values = parameters_for(code, params)
    return rule.description.format(**values)
