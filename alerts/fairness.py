"""The fairness view: who the partnership identifies, against who it knows.

Research on child sexual exploitation finds boys, and Black and minority ethnic young people,
under-identified: professionals look for the victim they expect. This view puts, for one period,
the young people with an alert, a referral or a case opened beside the register the partnership
holds (the school roll and every agency's young people), group by group: gender, ethnicity, age
band, disability and care status. A group whose share of those identified is well below its
share of the register is named in plain words.

Only counts leave here, through ``governance.policy.count_register``, and every count is shown
through ``kit.disclosure``: under five is hidden, and so is what would give it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Expression, Q, Value, When

from governance import policy
from kit.disclosure import THRESHOLD, rate, suppress_table
from people.models import CareStatus, Ethnicity, Gender

MEASURES = ("population", "alerted", "referred", "cases")
MEASURE_LABELS = {
    "population": "On the register",
    "alerted": "With an alert",
    "referred": "Referred",
    "cases": "Case opened",
}
# A group is named as under-identified when its share of those alerted (or referred) is below
# this fraction of its share of the register.
UNDER_IDENTIFIED_BELOW = 0.5

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 8", 0, 8),
    ("8 to 11", 8, 12),
    ("12 to 13", 12, 14),
    ("14 to 15", 14, 16),
    ("16 to 17", 16, 18),
    ("18 and over", 18, None),
)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band(on: date) -> Expression:
    """The age band of each young person on ``on``, from their date of birth."""
    whens = []
    for label, youngest, oldest in AGE_BANDS:
        born_on_or_before = _years_before(on, youngest)
        condition = Q(date_of_birth__lte=born_on_or_before)
        if oldest is not None:
            condition &= Q(date_of_birth__gt=_years_before(on, oldest))
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value("Not known"), output_field=CharField())


def _disability() -> Expression:
    return Case(
        When(disability="", then=Value("None recorded")),
        default=Value("Disability or additional needs recorded"),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    group: Callable[[date], str | Expression]
    order: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "gender",
        "Gender",
        lambda on: "gender",
        tuple(Gender.values),
        {value: str(label) for value, label in Gender.choices},
    ),
    Dimension(
        "ethnicity",
        "Ethnicity",
        lambda on: "ethnicity",
        tuple(Ethnicity.values),
        {value: str(label) for value, label in Ethnicity.choices},
    ),
    Dimension(
        "age_band",
        "Age band",
        age_band,
        (*(band for band, _, _ in AGE_BANDS), "Not known"),
    ),
    Dimension(
        "disability",
        "Disability",
        lambda on: _disability(),
        ("Disability or additional needs recorded", "None recorded"),
    ),
    Dimension(
        "care_status",
        "Care status",
        lambda on: "care_status",
        tuple(CareStatus.values),
        {value: str(label) for value, label in CareStatus.choices},
    ),
)


@dataclass(frozen=True)
class Row:
    group: str
    counts: dict[str, int | None]  # after disclosure control
    rates: dict[str, float | None]  # identified / on the register, per measure


@dataclass(frozen=True)
class Table:
    dimension: Dimension
    rows: list[Row]
    totals: dict[str, int]
    findings: list[str]


def _identified(start: date, end: date) -> dict[str, Q]:
    return {
        "alerted": Q(
            alerts__replay_run__isnull=True,
            alerts__raised_at__date__gte=start,
            alerts__raised_at__date__lte=end,
        ),
        "referred": Q(
            referrals__received_at__date__gte=start, referrals__received_at__date__lte=end
        ),
        "cases": Q(cases__opened_at__date__gte=start, cases__opened_at__date__lte=end),
    }


def _findings(shown: dict[str, dict[str, int | None]], totals: dict[str, int]) -> list[str]:
    """Groups whose share of those alerted or referred is well below their share of the
    register, in words; only from counts the table shows after disclosure control, so a
    finding never gives back a hidden cell."""
    said = []
    for measure in ("alerted", "referred"):
        if totals[measure] < THRESHOLD:
            continue
        for group, counts in shown.items():
            population, identified = counts["population"], counts[measure]
            if population is None or identified is None:
                continue
            register_share = population / totals["population"]
            identified_share = identified / totals[measure]
            if identified_share < register_share * UNDER_IDENTIFIED_BELOW:
                said.append(
                    f"{group}: {register_share:.0%} of the young people on the register but "
                    f"{identified_share:.0%} of those {MEASURE_LABELS[measure].lower()}: "
                    "look at whether they are being missed."
                )
    return said


def fairness(start: date, end: date, *, on: date) -> list[Table]:
    """One table per dimension for the period ``start``..``end`` (ages worked out ``on``)."""
    identified = _identified(start, end)
    tables = []
    for dimension in DIMENSIONS:
        group = dimension.group(on)
        columns: dict[str, dict[object, int]] = {"population": policy.count_register(group)}
        for measure, among in identified.items():
            columns[measure] = policy.count_register(group, among=among)
        keys = list(dimension.order) + sorted(
            {str(key) for counts in columns.values() for key in counts} - set(dimension.order)
        )
        raw = {
            dimension.labels.get(key, key): {
                measure: columns[measure].get(key, 0) for measure in MEASURES
            }
            for key in keys
            if columns["population"].get(key, 0) or any(columns[m].get(key, 0) for m in MEASURES)
        }
        totals = {measure: sum(counts[measure] for counts in raw.values()) for measure in MEASURES}
        shown = suppress_table(raw, MEASURES)
        rows = [
            Row(
                group=label,
                counts=shown[label],
                rates={
                    measure: rate(shown[label][measure], shown[label]["population"])
                    for measure in MEASURES[1:]
                },
            )
            for label in raw
        ]
        tables.append(Table(dimension, rows, totals, _findings(shown, totals)))
    return tables
