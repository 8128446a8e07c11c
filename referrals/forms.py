"""Forms for referring, a community partner's concern, and screening."""

from __future__ import annotations

from django import forms

from governance.forms import ConsentAndBasisForm
from referrals.models import Rating, ReferralKind, ScreeningDecision


class ReferralForm(ConsentAndBasisForm):
    field_order = [
        "kind",
        "concern",
        "consent_status",
        "lawful_basis",
        "reason_without_consent",
        "next_steps_discussed",
    ]

    kind = forms.ChoiceField(
        label="What is the referral mainly about? (optional)",
        help_text="This can decide which team receives it. Choose the closest; the MASH will "
        "look at everything you say.",
        choices=[("", "Not sure"), *list(ReferralKind.choices)],
        required=False,
    )
    concern = forms.CharField(
        label="What are you worried about?",
        help_text="What you saw, heard or were told, and when. Keep fact apart from opinion.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what you are worried about"},
    )


class PartnerConcernForm(forms.Form):
    concern = forms.CharField(
        label="What did you see or hear?",
        help_text="For example a young person arriving with an older adult, or being picked up "
        "late at night. Do not try to find out more yourself.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Tell us what you saw or heard"},
    )
    subject_description = forms.CharField(
        label="Who was involved? (optional)",
        help_text="Names if you know them, approximate ages, what they looked like.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    where = forms.CharField(label="Where? (optional)", max_length=200, required=False)
    when_seen = forms.CharField(label="When? (optional)", max_length=100, required=False)
    vehicles = forms.CharField(
        label="Vehicle registrations (optional)",
        help_text="Separate more than one with commas.",
        max_length=200,
        required=False,
    )
    phones = forms.CharField(
        label="Phone numbers (optional)",
        help_text="UK numbers; separate more than one with commas.",
        max_length=200,
        required=False,
    )


class ScreeningForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose red, amber or green"},
    )
    rationale = forms.CharField(
        label="Rationale for the rating",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the rationale for the rating"},
    )
    decision = forms.ChoiceField(
        label="Next step",
        choices=ScreeningDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the next step"},
    )
    decision_reason = forms.CharField(
        label="Reason (needed for no further action)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
