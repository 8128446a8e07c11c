"""Typed readers for environment variables that fail loudly on bad values.

A misconfigured safeguarding system must refuse to start rather than run with a
guessed value, so every helper raises ``ImproperlyConfigured`` naming the variable.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def string(self, name: str, default: str | None = None) -> str:
        value = self._environ.get(name)
        if value is None:
            if default is None:
                raise ImproperlyConfigured(f"Set the environment variable {name}.")
            return default
        return value

    def optional_string(self, name: str) -> str | None:
        value = self._environ.get(name)
        return value if value else None

    def boolean(self, name: str, default: bool) -> bool:
        value = self._environ.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}; got {value!r}."
        )

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._environ.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
        return number

    def strings(self, name: str, default: list[str]) -> list[str]:
        value = self._environ.get(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def networks(self, name: str) -> list[str]:
        """A comma-separated list of IP addresses or CIDR ranges, each checked."""
        values = self.strings(name, [])
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} must list IP addresses or ranges such as 10.0.0.5 or 10.0.0.0/24; "
                    f"got {value!r}."
                ) from None
        return values

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self._environ.get(name, default)
        if value is None:
            raise ImproperlyConfigured(
                f"Set the environment variable {name} to one of {', '.join(choices)}."
            )
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name} must be one of {', '.join(choices)}; got {value!r}."
            )
        return value
