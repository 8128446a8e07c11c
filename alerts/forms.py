"""Forms for triaging alerts, the rules' parameters, benign values and replays."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django import forms

from alerts.models import Alert, AlertStatus, DismissReason, Rule
from cases.forms import AssignActionForm
from cases.models import Case
from people.models import YoungPerson
from records.models import LinkKind
from referrals.forms import ReferralForm


class QueueFilterForm(forms.Form):
    rule = forms.ModelChoiceField(
        label="Rule", queryset=Rule.objects.all(), required=False, empty_label="Every rule"
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[*AlertStatus.choices, ("", "Any status")],
        required=False,
    )


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AcceptReferralForm(ReferralForm):
    field_order = ["young_person", *ReferralForm.field_order, "note"]

    young_person = _PersonChoice(
        label="Who is the referral about?",
        queryset=YoungPerson.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the referral is about"},
    )
    note = forms.CharField(
        label="Why you accepted the alert (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["young_person"].queryset = people  # type: ignore[attr-defined]


class WaitingReferralForm(forms.Form):
    note = forms.CharField(
        label="Why you accepted the alert (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _CaseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference}: {obj.young_person.full_name} ({obj.get_status_display()})"


class AcceptActionForm(AssignActionForm):
    field_order = ["case", "title", "detail", "owner_agency", "owner", "due_on", "note"]

    case = _CaseChoice(
        label="Which case's plan?",
        queryset=Case.objects.none(),
        empty_label="Choose a case",
        error_messages={"required": "Choose the case to add the action to"},
    )
    note = forms.CharField(
        label="Why you accepted the alert (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does the alert need no action?",
        choices=DismissReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the alert needs no action"},
    )
    note = forms.CharField(
        label="More about your reason",
        help_text="Needed when the reason is 'Other'. The rule's record shows these reasons so "
        "the partnership can see which rules earn their keep.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class _AlertChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"Alert {obj.pk}: {obj.rule.name}, raised {obj.raised_at:%-d %b %Y}"


class MergeForm(forms.Form):
    into = _AlertChoice(
        label="Merge into which open alert?",
        queryset=Alert.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the alert to merge this one into"},
    )
    note = forms.CharField(
        label="Why (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = targets  # type: ignore[attr-defined]


def _field_for(name: str, value: object) -> forms.Field:
    help_text = f"Now {json.dumps(value)}."
    if isinstance(value, bool):
        return forms.TypedChoiceField(
            label=name,
            choices=[("true", "Yes"), ("false", "No")],
            coerce=lambda v: v == "true",
            help_text=help_text,
            required=False,
        )
    if isinstance(value, int):
        return forms.IntegerField(label=name, help_text=help_text, required=False)
    if isinstance(value, float):
        return forms.FloatField(label=name, help_text=help_text, required=False)
    if isinstance(value, list):
        return forms.CharField(
            label=name,
            help_text=f"{help_text} Separate the items with commas.",
            required=False,
        )
    return forms.CharField(label=name, help_text=help_text, required=False)


class RuleParametersForm(forms.Form):
    """One field per parameter of the version in force, named as the parameter is; the action
    checks names and types and puts its errors on these fields."""

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        for name, value in current.items():
            self.fields[name] = _field_for(name, value)
            if not self.is_bound:
                self.initial[name] = (
                    ("true" if value else "false")
                    if isinstance(value, bool)
                    else ", ".join(str(v) for v in value)
                    if isinstance(value, list)
                    else value
                )
        self.fields["reason"] = forms.CharField(
            label="Why are you changing the parameters?",
            help_text="Kept with the new version, for example what a replay showed.",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Say why the parameters are changing"},
        )

    def parameters(self) -> dict[str, Any]:
        proposed: dict[str, Any] = {}
        for name, old in self.current.items():
            value = self.cleaned_data.get(name)
            if isinstance(old, list) and isinstance(value, str):
                items: list[Any] = [item.strip() for item in value.split(",") if item.strip()]
                if old and isinstance(old[0], int):
                    # Left as text if not whole numbers: the action names the field.
                    with contextlib.suppress(ValueError):
                        items = [int(item) for item in items]
                value = items
            proposed[name] = value
        return proposed


class SwitchRuleForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the rule is being switched on or off"},
    )


class BenignValueForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of value?",
        choices=LinkKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of value it is"},
    )
    value = forms.CharField(
        label="Value",
        max_length=200,
        help_text="A phone number, a vehicle registration, a postcode or address, a name or "
        "an online identity: written as records write it, so it matches them.",
        error_messages={"required": "Enter the value"},
    )
    label = forms.CharField(
        label="What is it?",
        max_length=200,
        help_text="For example 'Eastbrook Academy' or 'Eastbrook police station'.",
        error_messages={"required": "Say what it is"},
    )
    reason = forms.CharField(
        label="Why it never links young people (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplayForm(forms.Form):
    name = forms.CharField(
        label="Name of the run",
        max_length=120,
        help_text="For example 'Repeat missing at 4 episodes, last year'.",
        error_messages={"required": "Name the run"},
    )
    starts_on = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the first day", "invalid": "Enter a real date"},
    )  # fmt: skip
    ends_on = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the last day", "invalid": "Enter a real date"},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day must be on or after the first day.")
        return data
