"""A password validator for the patterns a guesser tries first, beside Django's own.

Django's CommonPasswordValidator (20,000 common passwords, offline) catches known passwords; this
catches the shapes that are not on any list because there are too many of them: one character
or a few repeated (``aaaaaaaaaaaa``, ``abcabcabcabc``) and runs along the alphabet, the digits or
the keyboard (``abcdefghijkl``, ``qwertyuiopas``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MIN_DISTINCT_CHARACTERS = 5
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


def _is_repeated_chunk(password: str) -> bool:
    length = len(password)
    return any(
        length % size == 0 and password == password[:size] * (length // size)
        for size in range(1, length // 2 + 1)
    )


def _is_run(password: str) -> bool:
    return any(password in run or password in run[::-1] for run in _RUNS)


class PredictablePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                "Your password must use at least %(count)d different characters",
                code="password_too_few_characters",
                params={"count": MIN_DISTINCT_CHARACTERS},
            )
        if _is_repeated_chunk(lowered):
            raise ValidationError(
                "Your password must not be the same few characters repeated",
                code="password_repeated",
            )
        if _is_run(lowered):
            raise ValidationError(
                "Your password must not be a sequence such as abcdef, 123456 or qwerty",
                code="password_sequence",
            )

    def get_help_text(self) -> str:
        return (
            "Your password must not be one or a few characters repeated, or a sequence such as "
            "abcdef, 123456 or qwerty."
        )
