"""Passwords a guesser would try first are refused, offline."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",  # one character repeated
        "abababababab",
        "abcabcabcabc",
        "abcdeabcdeabcde",  # a few characters repeated
        "abcdefghijkl",  # along the alphabet
        "lkjihgfedcba",
        "qwertyuiopas",  # along the keyboard
        "1qaz2wsx3edc",
        "password1234",  # Django's common-password list
        "123456789012",
    ],
)
def test_a_predictable_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_refusal_says_what_is_wrong():
    with pytest.raises(ValidationError) as refused:
        validate_password("aaaaaaaaaaaa")
    assert "Your password must use at least 5 different characters" in refused.value.messages


@pytest.mark.parametrize("password", ["correct-horse-battery-staple", "Tessera walks 4 miles"])
def test_an_ordinary_passphrase_is_accepted(password):
    validate_password(password)
