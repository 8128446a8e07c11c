"""Forms for assessing a young person and for changing the tool. Fields are made from the
indicators of the tool version in use, so the forms follow the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from assessment.actions import Given, IndicatorChange
from assessment.models import Answer, Indicator, IndicatorKind, Level, ToolVersion


class DateInput(forms.DateInput):
    input_type = "date"


@dataclass(frozen=True)
class IndicatorFields:
    """The bound fields for one indicator, for the template."""

    indicator: Indicator
    answer: forms.BoundField
    evidence: forms.BoundField
    source: forms.BoundField
    opinion: forms.BoundField

    @property
    def open(self) -> bool:
        return any(f.errors or f.value() for f in (self.evidence, self.source, self.opinion))


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label="Date of assessment",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the assessment"},
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            code = indicator.code
            self.fields[f"answer_{code}"] = forms.ChoiceField(
                label="Is this present?",
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose present, not present or not known"},
            )
            self.fields[f"evidence_{code}"] = forms.CharField(
                label="Evidence (fact): what was seen, heard or recorded",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"source_{code}"] = forms.CharField(
                label="Source of the evidence",
                help_text="The agency, record or person it comes from.",
                required=False,
                max_length=200,
            )
            self.fields[f"opinion_{code}"] = forms.CharField(
                label="Professional opinion",
                help_text="Your judgement, kept apart from the facts.",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["chosen_level"] = forms.ChoiceField(
            label="The level you judge right",
            help_text="The tool only suggests. You decide, using your professional judgement.",
            choices=Level.choices,
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields["reason_for_difference"] = forms.CharField(
            label="Why your level differs from the suggestion (if it does)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["summary_opinion"] = forms.CharField(
            label="Your overall professional opinion (optional)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.fields["next_due"] = forms.DateField(
            label="Reassess by (optional)",
            help_text="At most three months after this assessment, which is the default. "
            "Set an earlier date if things are changing quickly.",
            required=False,
            widget=DateInput(),
        )

    def indicator_fields(self, kind: str) -> list[IndicatorFields]:
        return [
            IndicatorFields(
                indicator=i,
                answer=self[f"answer_{i.code}"],
                evidence=self[f"evidence_{i.code}"],
                source=self[f"source_{i.code}"],
                opinion=self[f"opinion_{i.code}"],
            )
            for i in self.indicators
            if i.kind == kind
        ]

    @property
    def vulnerabilities(self) -> list[IndicatorFields]:
        return self.indicator_fields(IndicatorKind.VULNERABILITY)

    @property
    def warning_signs(self) -> list[IndicatorFields]:
        return self.indicator_fields(IndicatorKind.WARNING_SIGN)

    def answers(self) -> dict[str, Given]:
        data = self.cleaned_data
        return {
            i.code: Given(
                answer=data.get(f"answer_{i.code}", ""),
                evidence=data.get(f"evidence_{i.code}", ""),
                evidence_source=data.get(f"source_{i.code}", ""),
                opinion=data.get(f"opinion_{i.code}", ""),
            )
            for i in self.indicators
        }


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator | None
    wording: forms.BoundField
    kind: forms.BoundField
    weight: forms.BoundField
    young: forms.BoundField
    active: forms.BoundField
    order: forms.BoundField


class ToolForm(forms.Form):
    """Every indicator of the version being changed, its thresholds, one new indicator, and the
    reason. Saving makes a new version."""

    based_on = forms.IntegerField(widget=forms.HiddenInput)
    low_from = forms.IntegerField(label="Low from score", min_value=1, max_value=200)
    medium_from = forms.IntegerField(label="Medium from score", min_value=1, max_value=200)
    high_from = forms.IntegerField(label="High from score", min_value=1, max_value=200)
    young_age = forms.IntegerField(
        label="Young age",
        help_text="At this age or under, one indicator marked 'alone suggests high' is enough.",
        min_value=0,
        max_value=17,
    )

    def __init__(self, data: Any = None, *, version: ToolVersion) -> None:
        initial: dict[str, Any] = {
            "based_on": version.number,
            "low_from": version.low_from,
            "medium_from": version.medium_from,
            "high_from": version.high_from,
            "young_age": version.young_age,
        }
        self.indicators = list(version.indicators.all())
        for i in self.indicators:
            initial |= {
                f"wording_{i.code}": i.wording,
                f"kind_{i.code}": i.kind,
                f"weight_{i.code}": i.weight,
                f"young_{i.code}": i.high_if_young,
                f"active_{i.code}": i.is_active,
                f"order_{i.code}": i.order,
            }
        super().__init__(data, initial=initial)
        for i in self.indicators:
            self._indicator_fields(i.code, required=True)
        self._indicator_fields("new", required=False)
        self.fields["new_code"] = forms.SlugField(
            label="Short code for the new indicator",
            help_text="Lower case letters, numbers and underscores, for example 'county_lines'.",
            required=False,
            max_length=40,
        )
        self.fields["reason"] = forms.CharField(
            label="Why are you changing the tool?",
            help_text="Recorded in the audit log and shown with the version.",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Say why the tool is changing"},
        )

    def _indicator_fields(self, key: str, *, required: bool) -> None:
        self.fields[f"wording_{key}"] = forms.CharField(
            label="Wording", max_length=300, required=required
        )
        self.fields[f"kind_{key}"] = forms.ChoiceField(
            label="Kind", choices=IndicatorKind.choices, required=required
        )
        self.fields[f"weight_{key}"] = forms.IntegerField(
            label="Weight", min_value=0, max_value=20, required=required
        )
        self.fields[f"young_{key}"] = forms.BooleanField(
            label="Alone suggests high at the young age", required=False
        )
        self.fields[f"active_{key}"] = forms.BooleanField(label="In use", required=False)
        self.fields[f"order_{key}"] = forms.IntegerField(
            label="Order", min_value=0, max_value=9999, required=required
        )

    def _row(self, key: str, indicator: Indicator | None) -> IndicatorRow:
        return IndicatorRow(
            indicator,
            self[f"wording_{key}"],
            self[f"kind_{key}"],
            self[f"weight_{key}"],
            self[f"young_{key}"],
            self[f"active_{key}"],
            self[f"order_{key}"],
        )

    @property
    def rows(self) -> list[IndicatorRow]:
        return [self._row(i.code, i) for i in self.indicators]

    @property
    def new_row(self) -> IndicatorRow:
        return self._row("new", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("new_code")
        if code:
            if code == "new" or any(i.code == code for i in self.indicators):
                self.add_error("new_code", "An indicator already has this code.")
            if not data.get("wording_new"):
                self.add_error("wording_new", "Give the new indicator's wording.")
            for name in ("kind_new", "weight_new"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "Give this for the new indicator.")
        elif data.get("wording_new"):
            self.add_error("new_code", "Give the new indicator a short code.")
        return data

    def changes(self) -> list[IndicatorChange]:
        data = self.cleaned_data
        keys = [(i.code, i.code) for i in self.indicators]
        if data.get("new_code"):
            keys.append((data["new_code"], "new"))
        return [
            IndicatorChange(
                code=code,
                wording=data[f"wording_{key}"],
                kind=data[f"kind_{key}"],
                weight=data[f"weight_{key}"],
                high_if_young=data[f"young_{key}"],
                is_active=data[f"active_{key}"] if key != "new" else True,
                order=data[f"order_{key}"] if data.get(f"order_{key}") is not None else 999,
            )
            for code, key in keys
        ]
