"""Forms about a young person: consent, sharing decisions and break-glass."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from governance.forms import ConsentAndBasisForm, ConsentQuestions
from partnership.models import Agency
from people.identifiers import date_of_birth_problem, name_problem
from people.models import CareStatus, Ethnicity, Gender


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this young person's records now?",
        help_text="Your reason is recorded, the agencies whose records you open are told, and "
        "an information governance officer will review it.",
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your reason",
            "min_length": "Give your reason in at least 10 characters",
        },
    )


class ConsentForm(ConsentQuestions):
    field_order = ["consent_status", "reason_not_sought"]

    reason_not_sought = forms.CharField(
        label="If consent was not sought, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SharingDecisionForm(ConsentAndBasisForm):
    field_order = [
        "shared",
        "to_agency",
        "what",
        "purpose",
        "lawful_basis",
        "consent_status",
        "reason_without_consent",
        "reason_not_shared",
        "next_steps_discussed",
    ]

    shared = forms.ChoiceField(
        label="Did you share information?",
        choices=[("yes", "Yes, I shared"), ("no", "No, I decided not to share")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you shared"},
    )
    to_agency = forms.ModelChoiceField(
        label="With which agency?",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="The partnership (for example a MASE meeting)",
    )
    what = forms.CharField(
        label="What was shared, or considered for sharing?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    purpose = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}))
    reason_not_shared = forms.CharField(
        label="If you decided not to share, why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegisterForm(forms.Form):
    """A young person not yet known to Tessera, as your agency records them."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    other_names = forms.CharField(
        label="Other names or nicknames (optional)", max_length=300, required=False
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date of birth", "invalid": "Enter a real date"},
    )
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, initial=Gender.NOT_KNOWN)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    upn = forms.CharField(label="Unique Pupil Number (optional)", max_length=20, required=False)
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=20, required=False)
    source_reference = forms.CharField(
        label="Your agency's reference (optional)", max_length=100, required=False
    )

    def _name(self, field: str, label: str) -> str:
        value: str = self.cleaned_data[field]
        problem = name_problem(value)
        if problem:
            raise forms.ValidationError(f"{label} {problem}", code="invalid_name")
        return value

    def clean_given_name(self) -> str:
        return self._name("given_name", "First name")

    def clean_family_name(self) -> str:
        return self._name("family_name", "Last name")

    def clean_other_names(self) -> str:
        return self._name("other_names", "Other names")

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        problem = date_of_birth_problem(born, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(f"Date of birth {problem}", code="invalid_date_of_birth")
        return born


class AboutForm(forms.Form):
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        help_text="As the young person describes themself.",
    )
    disability = forms.CharField(label="Disability or additional needs (optional)", required=False)
    lgbt_self_described = forms.CharField(
        label="LGBT (optional)",
        required=False,
        help_text="Only if the young person chose to tell you, in their own words.",
    )
    care_status = forms.ChoiceField(label="Care status", choices=CareStatus.choices)
    voice = forms.CharField(
        label="The young person's voice (optional)",
        required=False,
        help_text="What they have said about their situation, in their own words.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
