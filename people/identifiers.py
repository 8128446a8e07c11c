"""The one place where Tessera validates and normalises UK identifiers.

Every normaliser takes the text a person typed (or an importer read) and either returns the
canonical form that Tessera stores, or raises :class:`IdentifierError` naming the identifier and
the rule that was broken. Nothing here ever "corrects" a wrong check character: a number that
fails its check is refused, because a plausible-looking wrong identifier could link a child to
someone else's record.

The functions are pure and need neither the database nor Django settings. The ``validate_*``
functions at the end are thin wrappers for Django form and model fields; they raise Django's
``ValidationError`` with the same message.

Error messages quote the value that was refused (shortened if very long) so that the person
entering it can see what went wrong. They may therefore contain personal data: show them to the
person who typed the value, but do not write them wholesale to logs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError

__all__ = [
    "BIDI_CONTROLS",
    "IDENTIFIERS",
    "UPN_CHECK_LETTERS",
    "VRM_FORMATS",
    "YOUNG_PERSON_MAX_AGE_YEARS",
    "ZERO_WIDTH",
    "IdentifierError",
    "classify_vrm",
    "clean_identifier",
    "date_of_birth_problem",
    "format_nhs_number",
    "format_vrm",
    "make_upn",
    "name_problem",
    "nhs_check_digit",
    "normalise_nhs_number",
    "normalise_possible_uk_phone",
    "normalise_postcode",
    "normalise_uk_phone",
    "normalise_upn",
    "normalise_vrm",
    "upn_check_letter",
    "validate_nhs_number",
    "validate_postcode",
    "validate_uk_phone",
    "validate_upn",
    "validate_vrm",
]

NHS_NUMBER = "NHS number"
UPN = "Unique Pupil Number"
POSTCODE = "Postcode"
VRM = "Vehicle registration mark"
PHONE = "Phone number"

_SHOWN_MAX = 40


class IdentifierError(ValueError):
    """An identifier was refused.

    ``kind`` names the identifier ("NHS number"), ``value`` is the text as given and ``rule`` is
    the clause saying which rule it broke ("fails the modulus 11 check"). ``str()`` joins them
    into one sentence, e.g. "NHS number '943 476 5918' fails the modulus 11 check".
    """

    def __init__(self, kind: str, value: str, rule: str) -> None:
        super().__init__(kind, value, rule)
        self.kind = kind
        self.value = value
        self.rule = rule

    @property
    def message(self) -> str:
        shown = self.value.strip()
        if not shown:
            return f"{self.kind} {self.rule}"
        if len(shown) > _SHOWN_MAX:
            shown = shown[: _SHOWN_MAX - 1] + "…"
        return f"{self.kind} '{shown}' {self.rule}"

    def __str__(self) -> str:
        return self.message


def _require_text(kind: str, value: str) -> None:
    if not value.strip():
        raise IdentifierError(kind, value, "must not be blank")


def _compact_ascii_alphanumeric(kind: str, value: str) -> str:
    """Remove all whitespace, insist on ASCII letters and digits, and upper-case the result.

    The ASCII check comes before upper-casing on purpose: ``str.upper`` turns some non-ASCII
    letters into ASCII ones (dotless i, U+0131, becomes "I"; "ß" becomes "SS"), which would let a
    mistyped value slip through as a different, valid-looking identifier.
    """
    _require_text(kind, value)
    compact = "".join(value.split())
    if not re.fullmatch(r"[A-Za-z0-9]+", compact):
        raise IdentifierError(kind, value, "may contain only letters, digits and spaces")
    return compact.upper()


# --------------------------------------------------------------------------------------------
# NHS number
# --------------------------------------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]")


def nhs_check_digit(first9: str) -> int | None:
    """Return the modulus 11 check digit for the first nine digits of an NHS number.

    Each digit is multiplied by a weight from 10 (first digit) down to 2 (ninth digit); the
    check digit is 11 minus the remainder of the sum divided by 11, where 11 becomes 0. A result
    of 10 means no NHS number can start with these nine digits, and ``None`` is returned.
    """
    if not re.fullmatch(r"[0-9]{9}", first9):
        raise IdentifierError(
            NHS_NUMBER, first9, "must be exactly 9 digits to compute a check digit"
        )
    total = sum(int(digit) * (10 - index) for index, digit in enumerate(first9))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """Return a valid NHS number as 10 digits, e.g. "943 476 5919" -> "9434765919".

    Spaces and hyphens anywhere are ignored. The number must be 10 digits, must not be a single
    digit repeated (such numbers pass modulus 11 but are never issued) and must pass the modulus
    11 check. Number ranges (England and Wales, Scotland's CHI, Northern Ireland's H&C, test
    numbers) are not checked.
    """
    _require_text(NHS_NUMBER, value)
    digits = _NHS_SEPARATORS.sub("", value)
    if not re.fullmatch(r"[0-9]+", digits):
        raise IdentifierError(
            NHS_NUMBER, value, "may contain only digits, with optional spaces or hyphens"
        )
    if len(digits) != 10:
        raise IdentifierError(NHS_NUMBER, value, f"must be 10 digits; got {len(digits)}")
    if len(set(digits)) == 1:
        raise IdentifierError(
            NHS_NUMBER, value, "is one digit repeated, which is never issued as an NHS number"
        )
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise IdentifierError(NHS_NUMBER, value, "fails the modulus 11 check")
    return digits


def format_nhs_number(value: str) -> str:
    """Return a valid NHS number in the conventional 3-3-4 display form, e.g. "943 476 5919"."""
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


# --------------------------------------------------------------------------------------------
# Unique Pupil Number (DfE)
# --------------------------------------------------------------------------------------------

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
"""The 23 letters used by UPNs (A-Z without I, O and S), in value order: A=0 ... Z=22."""

_UPN_BODY = re.compile(r"[0-9]{11}[0-9" + UPN_CHECK_LETTERS + "]")


def _upn_body_value(character: str) -> int:
    if character.isdigit():
        return int(character)
    return UPN_CHECK_LETTERS.index(character)


def upn_check_letter(last12: str) -> str:
    """Return the check letter for characters 2 to 13 of a UPN.

    Characters 2 to 13 are multiplied by their position (2 to 13) and summed; the remainder of
    the sum divided by 23 picks the letter from :data:`UPN_CHECK_LETTERS`. In a temporary UPN the
    13th character is a letter, which counts as its value in that same table (A=0, B=1, ...,
    H=7, J=8, ..., Z=22).
    """
    if not _UPN_BODY.fullmatch(last12):
        raise IdentifierError(
            UPN,
            last12,
            "must be 11 digits then a digit or a letter other than I, O or S "
            "to compute a check letter",
        )
    total = sum(
        position * _upn_body_value(character) for position, character in enumerate(last12, start=2)
    )
    return UPN_CHECK_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    """Return a valid Unique Pupil Number in upper case without spaces.

    A UPN is 13 characters: a check letter; a 3-digit local authority code; a 4-digit DfE
    establishment number; a 2-digit year of allocation; and a 3-digit serial whose last
    character is a letter (not I, O or S) in a temporary UPN. Case and spaces are ignored.
    Local authority codes are not checked against the list of authorities.

    One substitution cannot be detected by any implementation of the DfE check: swapping the
    13th character between a digit and the letter of the same value (``1`` and ``B``, say)
    gives another valid UPN, one permanent and one temporary.
    """
    compact = _compact_ascii_alphanumeric(UPN, value)
    if len(compact) != 13:
        raise IdentifierError(UPN, value, f"must be 13 characters; got {len(compact)}")
    if compact[0] not in UPN_CHECK_LETTERS:
        raise IdentifierError(UPN, value, "must start with a check letter other than I, O or S")
    if not compact[1:12].isdigit():
        raise IdentifierError(UPN, value, "must have digits in characters 2 to 12")
    if not _UPN_BODY.fullmatch(compact[1:]):
        raise IdentifierError(
            UPN,
            value,
            "must end with a digit, or for a temporary UPN a letter other than I, O or S",
        )
    if upn_check_letter(compact[1:]) != compact[0]:
        raise IdentifierError(UPN, value, "fails the check letter test")
    return compact


def make_upn(la_code: int, establishment: int, year: int, serial: int) -> str:
    """Build a permanent UPN from its parts, computing the check letter.

    ``la_code`` is 0-999, ``establishment`` 0-9999, ``year`` 0-99 (the last two digits of the
    year of allocation) and ``serial`` 0-999. Used by the demo data generator.
    """
    parts = (
        ("local authority code", la_code, 999, 3),
        ("establishment number", establishment, 9999, 4),
        ("year of allocation", year, 99, 2),
        ("serial number", serial, 999, 3),
    )
    body = ""
    for name, number, largest, width in parts:
        if not 0 <= number <= largest:
            raise IdentifierError(
                UPN, str(number), f"is out of range: the {name} must be 0 to {largest}"
            )
        body += f"{number:0{width}d}"
    return upn_check_letter(body) + body


# --------------------------------------------------------------------------------------------
# Postcode
# --------------------------------------------------------------------------------------------

# The shape of every UK postcode: outward code A9, A99, A9A, AA9, AA99 or AA9A, then the inward
# code 9AA (A = letter, 9 = digit). Checked first so that the error can say which rule failed.
_POSTCODE_SHAPE = re.compile(
    r"(?P<outward>[A-Z](?:[0-9]{1,2}|[0-9][A-Z]|[A-Z][0-9]{1,2}|[A-Z][0-9][A-Z]))"
    r"(?P<inward>[0-9][A-Z]{2})"
)

# Royal Mail's letter rules on top of the shape: Q, V and X are never first; I, J and Z are
# never second; the letter after the digit in A9A is one of ABCDEFGHJKPSTUW and in AA9A one
# of ABEHMNPRVWXY; the inward letters never use C, I, K, M, O or V.
_FIRST = "[A-PR-UWYZ]"
_SECOND = "[A-HK-Y]"
_POSTCODE_STRICT = re.compile(
    "(?:"
    + "|".join(
        (
            f"{_FIRST}[0-9]{{1,2}}",
            f"{_FIRST}[0-9][A-HJKPSTUW]",
            f"{_FIRST}{_SECOND}[0-9]{{1,2}}",
            f"{_FIRST}{_SECOND}[0-9][ABEHMNPRVWXY]",
        )
    )
    + ")[0-9][ABD-HJLNP-UW-Z]{2}"
)


def normalise_postcode(value: str) -> str:
    """Return a UK postcode in its canonical form, e.g. "sw1a1aa" -> "SW1A 1AA".

    Case and spacing are ignored. The outward code must be A9, A99, A9A, AA9, AA99 or AA9A and
    the inward code 9AA, using only the letters Royal Mail uses in each position; "GIR 0AA" is
    also accepted. Whether the postcode is actually in use is not checked. Non-UK codes that
    Royal Mail handles (BFPO numbers, overseas territories such as "ASCN 1ZZ") are refused.
    """
    compact = _compact_ascii_alphanumeric(POSTCODE, value)
    if compact == "GIR0AA":
        return "GIR 0AA"
    shape = _POSTCODE_SHAPE.fullmatch(compact)
    if shape is None:
        raise IdentifierError(POSTCODE, value, "is not a UK postcode format")
    if not _POSTCODE_STRICT.fullmatch(compact):
        raise IdentifierError(
            POSTCODE, value, "uses a letter that UK postcodes never have in that position"
        )
    return f"{shape['outward']} {shape['inward']}"


# --------------------------------------------------------------------------------------------
# Vehicle registration mark
# --------------------------------------------------------------------------------------------

# Each pattern splits a compact mark into the two halves shown either side of the space. The
# dated formats (current, prefix and suffix) are all letters-digits-letters and differ in the
# number of letters at each end (2+3, 1+3 and 1..3+1), and dateless marks have only two groups,
# so no compact mark matches more than one format and the order below does not matter.
VRM_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("current", re.compile(r"([A-Z]{2}[0-9]{2})([A-Z]{3})")),
    ("prefix", re.compile(r"([A-Z][0-9]{1,3})([A-Z]{3})")),
    ("suffix", re.compile(r"([A-Z]{1,3})([0-9]{1,3}[A-Z])")),
    ("dateless", re.compile(r"([A-Z]{1,3})([0-9]{1,4})")),
    ("dateless", re.compile(r"([0-9]{1,4})([A-Z]{1,3})")),
)
"""(format name, pattern) pairs; each pattern's two groups are the halves of the display form."""


def _match_vrm(value: str) -> tuple[str, re.Match[str]]:
    compact = _compact_ascii_alphanumeric(VRM, value)
    if not 2 <= len(compact) <= 7:
        raise IdentifierError(VRM, value, f"must be 2 to 7 characters; got {len(compact)}")
    for name, pattern in VRM_FORMATS:
        match = pattern.fullmatch(compact)
        if match is not None:
            return name, match
    raise IdentifierError(VRM, value, "is not a UK format (current, prefix, suffix or dateless)")


def normalise_vrm(value: str) -> str:
    """Return a UK vehicle registration mark in upper case without spaces, e.g. "AB12CDE".

    Spaces and case are ignored. Accepted formats (see :func:`classify_vrm`):

    * current, from 2001: two letters, two digits, three letters ("AB12 CDE");
    * prefix, 1983-2001: a letter, one to three digits, three letters ("A123 BCD");
    * suffix, 1963-1983: one to three letters, one to three digits, a letter ("ABC 123D");
    * dateless: one to three letters then one to four digits, or the reverse ("ABC 123",
      "1234 AB"); Northern Ireland marks ("ABZ 1234") have this shape too.

    Only the shape is checked: letters that DVLA does not issue in some positions, and marks
    that were never issued, are accepted.
    """
    _, match = _match_vrm(value)
    return match[0]


def classify_vrm(value: str) -> str:
    """Return the format of a mark: "current", "prefix", "suffix" or "dateless"."""
    name, _ = _match_vrm(value)
    return name


def format_vrm(value: str) -> str:
    """Return a mark with its conventional display spacing, e.g. "ab12cde" -> "AB12 CDE"."""
    _, match = _match_vrm(value)
    return f"{match[1]} {match[2]}"


# --------------------------------------------------------------------------------------------
# Phone number
# --------------------------------------------------------------------------------------------

_PHONE_CHARACTERS = re.compile(r"[0-9+().\s-]+")


def normalise_uk_phone(value: str) -> str:
    """Return a UK phone number in E.164 form, e.g. "07400 123456" -> "+447400123456".

    National ("020 7946 0018", "(020) 7946 0018") and international ("+44 20 7946 0018",
    "+44 (0)20 7946 0018", "0044 20 7946 0018") forms are accepted; the number must use the
    +44 country code and be *possible* according to the ``phonenumbers`` library: a full
    national number of a length the UK numbering plan uses. Numbers of the Crown Dependencies
    (Jersey, Guernsey, Isle of Man) share +44 and are accepted. Letters are refused, so neither
    vanity numbers ("0800 FLOWERS") nor extensions are taken, and so are local-only numbers
    without an area code ("12345") and numbers too long or too short for the plan.

    Possible, not valid: the library's copy of the numbering plan lags Ofcom's allocations, and
    refuses Ofcom's ranges reserved for drama (07700 900000-900999, 01632 960000-960999), which
    the synthetic data uses. A number an agency wrote down is evidence even when the library
    does not yet know its range, so only its shape is checked.
    """
    _require_text(PHONE, value)
    if not _PHONE_CHARACTERS.fullmatch(value):
        raise IdentifierError(
            PHONE, value, "may contain only digits, spaces, brackets, hyphens, dots and +"
        )
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as error:
        raise IdentifierError(PHONE, value, "cannot be read as a phone number") from error
    if number.country_code != 44:
        raise IdentifierError(
            PHONE, value, f"is not a UK (+44) number; its country code is +{number.country_code}"
        )
    if number.extension:
        raise IdentifierError(PHONE, value, "is not a UK phone number: it has an extension")
    possible = phonenumbers.is_possible_number_with_reason(number)
    # A leading zero kept after +44 ("077009001" read as +44 077009001) is a short national
    # number, not a number with a zero in it.
    if (
        possible == phonenumbers.ValidationResult.TOO_SHORT
        or possible == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
        or number.italian_leading_zero
    ):
        raise IdentifierError(
            PHONE,
            value,
            "is too short for a UK phone number: give the full number with its area code",
        )
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise IdentifierError(PHONE, value, "is too long for a UK phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_possible_uk_phone(value: str) -> str:
    """:func:`normalise_uk_phone` for a number found in prose: it must also start as people
    write phone numbers, with 0, +44 or 0044.

    A bare run of ten digits in a note ("ref 7700900123") is more often a reference than a
    phone, so what :func:`normalise_uk_phone` would read as a national number without its 0 is
    refused here. Ofcom's drama ranges are accepted, as there.
    """
    _require_text(PHONE, value)
    if not re.sub(r"[\s().-]", "", value).startswith(("0", "+")):
        raise IdentifierError(PHONE, value, "must start with 0, +44 or 0044")
    return normalise_uk_phone(value)


# --------------------------------------------------------------------------------------------
# Names and dates of birth
# --------------------------------------------------------------------------------------------

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, left-to-right and right-to-left overrides
    "\u2066\u2067\u2068\u2069"  # isolates and pop isolate
)
"""Characters that change the direction text is shown in without being seen themselves.

A right-to-left override can make "Smith" display as "htimS", or hide what a value really
says; letters of right-to-left scripts (Arabic, Hebrew) need none of these to display properly.
"""

ZERO_WIDTH = frozenset("\u180e\u200b\u200c\u200d\u2060\ufeff")
"""Invisible characters: a name with one inside looks the same as the name without it, so
duplicates matching would see two different people where a reader sees one."""

YOUNG_PERSON_MAX_AGE_YEARS = 30
"""The young person age rule: Tessera holds children and young people, so a date of birth
more than this many years ago is a mistake (a mistyped year such as 1800 or 1911)."""


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, as a clause ("must not contain …"), or ``None``.

    Accented, Polish, Arabic, Chinese and other letters are all fine; only characters that are
    invisible or change how the rest is displayed are refused.
    """
    if any(ch in BIDI_CONTROLS for ch in value):
        return "must not contain right-to-left override or other text direction characters"
    if any(ch in ZERO_WIDTH for ch in value):
        return "must not contain invisible zero-width characters"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "must not contain control characters such as tabs or line breaks"
    return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def date_of_birth_problem(born: date, *, today: date) -> str | None:
    """Why ``born`` cannot be a young person's date of birth, as a clause, or ``None``."""
    if born > today:
        return "must not be in the future"
    if born < _years_before(today, YOUNG_PERSON_MAX_AGE_YEARS):
        return (
            f"must be within the last {YOUNG_PERSON_MAX_AGE_YEARS} years "
            "(the young person age rule: Tessera holds children and young people)"
        )
    return None


# --------------------------------------------------------------------------------------------
# Registry and Django wrappers
# --------------------------------------------------------------------------------------------

IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "nhs_number": normalise_nhs_number,
    "upn": normalise_upn,
    "postcode": normalise_postcode,
    "vrm": normalise_vrm,
    "phone": normalise_uk_phone,
}
"""Normaliser for each identifier name, so that importers can validate a named column."""


def clean_identifier(name: str, value: str) -> str:
    """Normalise ``value`` as identifier ``name`` (a key of :data:`IDENTIFIERS`) for a form.

    Returns the canonical form, or raises Django's ``ValidationError`` with the message of the
    :class:`IdentifierError`. Handy in a form's ``clean_<field>`` method.
    """
    normaliser = IDENTIFIERS[name]
    try:
        return normaliser(value)
    except IdentifierError as error:
        # No params: the message quotes user input, which may contain "%".
        raise ValidationError(str(error), code=f"invalid_{name}") from error


def validate_nhs_number(value: str) -> None:
    """Django validator: refuse anything :func:`normalise_nhs_number` refuses."""
    clean_identifier("nhs_number", value)


def validate_upn(value: str) -> None:
    """Django validator: refuse anything :func:`normalise_upn` refuses."""
    clean_identifier("upn", value)


def validate_postcode(value: str) -> None:
    """Django validator: refuse anything :func:`normalise_postcode` refuses."""
    clean_identifier("postcode", value)


def validate_vrm(value: str) -> None:
    """Django validator: refuse anything :func:`normalise_vrm` refuses."""
    clean_identifier("vrm", value)


def validate_uk_phone(value: str) -> None:
    """Django validator: refuse anything :func:`normalise_uk_phone` refuses."""
    clean_identifier("phone", value)
