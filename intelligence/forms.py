"""Forms for recording intelligence, answering suggestions, finding entities and judging them."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from intelligence.models import (
    AliasKind,
    EntityKind,
    HandlingCode,
    IntelligenceAssessment,
    LinkType,
    OccurrenceKind,
    SourceEvaluation,
    Verdict,
)
from partnership.models import Agency, AgencyKind


class ReportForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(
        label="What the intelligence says",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Write what was seen or heard. Phones, registrations, vehicles, postcodes, handles "
            "and nicknames in it will be offered to you to confirm; nothing is linked until you do."
        ),
    )
    occurred_on = forms.DateField(
        label="When it happened", widget=forms.DateInput(attrs={"type": "date"})
    )
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=SourceEvaluation.choices, widget=forms.RadioSelect
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelligenceAssessment.choices,
        widget=forms.RadioSelect,
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, widget=forms.RadioSelect
    )
    handling_conditions = forms.CharField(
        label="Conditions on sharing (handling code C)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who it may go to, for what, and what they may do with it.",
    )
    shared_with = forms.ModelMultipleChoiceField(
        label="Share it with",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will see it in full, never its source. Under C, only these agencies.",
    )
    source_reference = forms.CharField(
        label="Source reference", max_length=100, required=False,
        help_text="Stays with your agency: never shown to or exported for anyone else.",
    )  # fmt: skip
    source_description = forms.CharField(
        label="About the source", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    how_obtained = forms.CharField(
        label="How it was obtained", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handler = forms.CharField(label="Handler", max_length=200, required=False)

    def __init__(self, *args: Any, own_agency: Agency | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shared_with"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        others = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.COMMUNITY_PARTNER)
        if own_agency is not None:
            others = others.exclude(pk=own_agency.pk)
        field.queryset = others

    def occurred_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["occurred_on"], time(12)))

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("When it happened must be today or in the past")
        return day


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(choices=OccurrenceKind.choices)
    value = forms.CharField(max_length=200)
    shown_as = forms.CharField(max_length=200, required=False)
    platform = forms.CharField(max_length=40, required=False)
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject")])


class FindForm(forms.Form):
    kind = forms.ChoiceField(
        label="Looking for",
        choices=[
            (EntityKind.PHONE, "A phone number"),
            (EntityKind.VEHICLE, "A registration (whole or partial)"),
            (EntityKind.LOCATION, "A postcode"),
            (EntityKind.ONLINE, "An online handle"),
            (EntityKind.PERSON, "A name or nickname"),
        ],
    )
    value = forms.CharField(label="Value", max_length=200)


class JudgementForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of entity", choices=EntityKind.choices)
    first_id = forms.IntegerField(label="First entity (number)", min_value=1)
    second_id = forms.IntegerField(label="Second entity (number)", min_value=1)
    verdict = forms.ChoiceField(
        label="Your judgement", choices=Verdict.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))


class ReversalForm(forms.Form):
    reason = forms.CharField(label="Why reverse it", widget=forms.Textarea(attrs={"rows": 3}))


class PersonForm(forms.Form):
    label = forms.CharField(
        label="Name analysts will use", max_length=200,
        help_text="A working name such as 'Subject 3': the names they are known by come next.",
    )  # fmt: skip
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AliasForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(
        label="Kind of name", choices=AliasKind.choices, initial=AliasKind.NICKNAME,
        widget=forms.RadioSelect,
    )  # fmt: skip
    source_report = forms.IntegerField(
        label="Source: intelligence report number",
        required=False,
        min_value=1,
        help_text="Leave empty if the source is your own agency's knowledge.",
    )


class LinkForm(forms.Form):
    to_kind = forms.ChoiceField(label="Linked to a", choices=EntityKind.choices)
    to_id = forms.IntegerField(label="Its number", min_value=1)
    link_type = forms.ChoiceField(label="How they are linked", choices=LinkType.choices)
    source_report = forms.IntegerField(
        label="Source: intelligence report number", min_value=1,
        help_text="The report that says so: the link carries its grade.",
    )  # fmt: skip
    started_on = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
