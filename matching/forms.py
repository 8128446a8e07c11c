"""Forms for the clerical review queue, undoing a link and the match thresholds."""

from __future__ import annotations

from django import forms

from matching.actions import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Is this the same young person?",
        choices=Decision.CHOICES,
        # Sent by the button pressed: link, not the same, or unsure.
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whether this is the same young person"},
    )
    note = forms.CharField(
        label="Note (needed if you are unsure)",
        help_text="What you compared and why you decided. Keep fact apart from opinion.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Why was this link wrong?",
        help_text="The row goes back to the clerical review queue. Your reason is recorded.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the link was wrong"},
    )


class ThresholdsForm(forms.Form):
    auto_link_from = forms.FloatField(
        label="Link automatically from (probability)",
        help_text="A row whose best candidate has at least this probability is linked without "
        "review. Between 0.5 and 1, for example 0.95.",
        min_value=0.5,
        max_value=1.0,
        error_messages={"required": "Enter the probability to link automatically"},
    )
    review_from = forms.FloatField(
        label="Send for clerical review from (probability)",
        help_text="From this probability up to the one above, a person decides. Below it, a new "
        "young person is created.",
        min_value=0.0,
        max_value=1.0,
        error_messages={"required": "Enter the probability to send for review"},
    )
    reason = forms.CharField(
        label="Why are you changing them?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the thresholds are changing"},
    )
