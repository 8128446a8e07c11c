"""Forms about a young person: consent, sharing decisions and break-glass."""

from __future__ import annotations

from django import forms

from governance.models import ConsentStatus, LawfulBasis
from partnership.models import Agency


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


YES_NO = [("yes", "Yes"), ("no", "No")]


class ConsentForm(forms.Form):
    status = forms.ChoiceField(
        label="What is the young person's consent to sharing?",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the young person's consent"},
    )
    reason_not_sought = forms.CharField(
        label="If consent was not sought, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps_discussed = forms.ChoiceField(
        label="Was what happens next discussed with the young person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether what happens next was discussed"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SharingDecisionForm(forms.Form):
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
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (if you shared)",
        choices=[("", "Choose a lawful basis"), *LawfulBasis.choices],
        required=False,
    )
    consent_status = forms.ChoiceField(
        label="The young person's consent", choices=ConsentStatus.choices, widget=forms.RadioSelect
    )
    reason_without_consent = forms.CharField(
        label="If you shared without consent, or consent was not sought, why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason_not_shared = forms.CharField(
        label="If you decided not to share, why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps_discussed = forms.ChoiceField(
        label="Was what happens next discussed with the young person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
