"""The reviewer's explanation of a match: which fields agreed, at which level, and how much each
moved the match weight.

The engine's match weight is the sum of a starting weight (how likely two records picked at
random are to be the same young person) and one weight per field compared. A positive weight
makes a match more likely, a negative one less; a weight of 0 means the field was missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELD_NAMES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "name": "Name",
    "names": "Names",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "postcode": "Postcode",
    "school": "School",
    "address": "Address",
    "town": "Town or locality",
    "upn": "Unique Pupil Number",
    "nhs_number": "NHS number",
}


@dataclass(frozen=True)
class FieldLine:
    field: str
    label: str
    weight: float
    scale: float  # |weight| for the bar, out of Explanation.scale

    @property
    def direction(self) -> str:
        if self.weight > 0.05:
            return "for"
        if self.weight < -0.05:
            return "against"
        return "neutral"


@dataclass(frozen=True)
class Explanation:
    lines: list[FieldLine]
    starting_weight: float | None
    match_weight: float | None
    probability: float | None
    scale: float


def field_name(field: str) -> str:
    return FIELD_NAMES.get(field, field.replace("_", " ").capitalize())


def explain(
    evidence: list[dict[str, Any]], match_weight: float | None, probability: float | None
) -> Explanation:
    lines = []
    for entry in evidence:
        weight = float(entry.get("weight", 0.0))
        lines.append(
            FieldLine(
                field=field_name(str(entry.get("field", ""))),
                label=str(entry.get("label", "")),
                weight=round(weight, 2),
                scale=round(abs(weight), 2),
            )
        )
    scale = max([line.scale for line in lines] + [1.0])
    starting = None
    if match_weight is not None and lines:
        starting = round(match_weight - sum(line.weight for line in lines), 2)
    return Explanation(
        lines=lines,
        starting_weight=starting,
        match_weight=round(match_weight, 2) if match_weight is not None else None,
        probability=probability,
        scale=round(scale, 2),
    )
