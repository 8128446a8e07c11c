"""Forms for cases, plans, reviews, strategy discussions and decisions not to act."""

from __future__ import annotations

from django import forms


class CompleteActionForm(forms.Form):
    note = forms.CharField(
        label="What was done?",
        help_text="Say briefly what happened, so the case team can see the plan moving.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done"},
    )


class CancelActionForm(forms.Form):
    reason = forms.CharField(
        label="Why is this action no longer needed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the action is no longer needed"},
    )
