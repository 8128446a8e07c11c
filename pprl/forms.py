"""Forms for privacy-preserving linkage."""

from __future__ import annotations

from django import forms

from governance.forms import YES_NO, ConsentAndBasisForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class EncodingsUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload an encodings file",
        help_text="The CSV file written by the pprl_encode tool: references and encodings only, "
        "smaller than 20 MB.",
        error_messages={
            "required": "Select the encodings file",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded – try again",
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return upload


class DisclosureRequestForm(forms.Form):
    purpose = forms.CharField(
        label="Why does your agency need to know who this young person is?",
        help_text="The holding agency reads this when it decides. Do not include details of "
        "your own records beyond what they need to decide.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why your agency needs to know who this young person is"},
    )


class DisclosureDecisionForm(ConsentAndBasisForm):
    shared = forms.ChoiceField(
        label="Will you tell the requesting agency who this young person is?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you will share"},
    )
    reason_not_shared = forms.CharField(
        label="If you will not share, why not?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "shared",
        "consent_status",
        "lawful_basis",
        "reason_without_consent",
        "next_steps_discussed",
        "reason_not_shared",
    ]
