"""The stored form of each kind of value an occurrence carries.

Phones, registrations and postcodes go through ``people.identifiers`` (the one place UK
identifiers are normalised); the rest are folded here. Each function returns the stored form
or raises ``IdentifierError`` naming the value and the rule.
"""

from __future__ import annotations

import re
import unicodedata

from intelligence.models import OccurrenceKind
from people import identifiers
from people.identifiers import IdentifierError

PARTIAL_PLATE = "Partial plate"
HANDLE = "Online handle"
NAME = "Name"

_PARTIAL = re.compile(r"\*?[A-Z0-9?]{1,7}\*?")
_HANDLE = re.compile(r"[a-z0-9._-]{2,30}")


def fold(text: str) -> str:
    """Case, accents, quotes and spacing folded away: "  ‘Big D’ " -> "big d"."""
    plain = unicodedata.normalize("NFKC", text).casefold()
    plain = re.sub(r"[\"'“”‘’`]", "", plain)
    return " ".join(plain.split())


def normalise_partial_plate(value: str) -> str:
    """A plate with characters unknown: "AB1 ?" -> "AB1?", "starting KX" is "KX*" (any
    number of characters after). At least two known characters; a full plate is refused."""
    compact = re.sub(r"\s", "", value).upper()
    if not _PARTIAL.fullmatch(compact):
        raise IdentifierError(
            PARTIAL_PLATE,
            value,
            "may hold only letters, digits, ? for one unknown and * at an end for any",
        )
    known = sum(character.isalnum() for character in compact)
    if known < 2:
        raise IdentifierError(PARTIAL_PLATE, value, "needs at least two known characters")
    if "?" not in compact and "*" not in compact:
        raise IdentifierError(PARTIAL_PLATE, value, "has no unknown character: is it a full plate?")
    return compact


def normalise_handle(value: str) -> str:
    handle = value.strip().lstrip("@").casefold()
    if not _HANDLE.fullmatch(handle):
        raise IdentifierError(HANDLE, value, "is not a handle (2 to 30 letters, digits, . _ -)")
    return handle


def normalise(kind: str, value: str) -> str:
    """The stored form of ``value`` as a value of ``kind``."""
    if kind == OccurrenceKind.PHONE:
        return identifiers.normalise_possible_uk_phone(value)
    if kind == OccurrenceKind.REGISTRATION:
        return identifiers.normalise_vrm(value)
    if kind == OccurrenceKind.PARTIAL_PLATE:
        return normalise_partial_plate(value)
    if kind == OccurrenceKind.POSTCODE:
        return identifiers.normalise_postcode(value)
    if kind == OccurrenceKind.HANDLE:
        return normalise_handle(value)
    folded = fold(value)
    if not folded:
        raise IdentifierError(NAME, value, "is empty")
    return folded[:200]
