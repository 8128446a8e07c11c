"""Sign-in forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

# The longest username an account can have (partnership.User.username).
USERNAME_MAX_LENGTH = 150


class SignInForm(AuthenticationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # AuthenticationForm sets max_length after the field is built, so nothing enforces it:
        # an over-long username reached authentication and the lockout's 255-character column.
        self.fields["username"].validators.append(
            MaxLengthValidator(
                USERNAME_MAX_LENGTH,
                message=f"Username must be {USERNAME_MAX_LENGTH} characters or fewer",
            )
        )

    error_messages = {
        # One message whatever went wrong, so the page never reveals whether an account exists.
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "Enter a correct username and password. Both are case-sensitive.",
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        min_length=6,
        max_length=6,
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return _security_code(self.cleaned_data["code"])


def _security_code(value: str) -> str:
    code = value.strip().replace(" ", "")
    if not code.isdigit():
        raise forms.ValidationError("The security code must be 6 digits")
    return code


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label="Enrolment code",
        help_text="The code your system administrator gave you, like ABCD-EFGH-JKMN.",
        max_length=40,
        error_messages={
            "required": "Enter the enrolment code your system administrator gave you",
            "max_length": "The enrolment code must be 40 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change, in GOV.UK words, with a fresh security code as well."""

    error_messages = {
        "password_mismatch": "The new passwords do not match",
        "password_incorrect": "Your current password is wrong",
    }
    code = CodeForm.base_fields["code"]

    field_order = ["old_password", "new_password1", "new_password2", "code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": ("Current password", "Enter your current password"),
            "new_password1": ("New password", "Enter a new password"),
            "new_password2": ("Confirm new password", "Enter the new password again"),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
            self.fields[name].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, not one or a few characters "
            "repeated, not a sequence such as abcdef or qwerty, and not like your name or username."
        )
        self.fields["new_password2"].help_text = ""

    def clean_code(self) -> str:
        return _security_code(self.cleaned_data["code"])
