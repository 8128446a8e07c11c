"""Standardising identity fields before record linkage.

Agencies write the same young person differently: "O'Brien-Smith", "OBRIEN SMITH"; "Alfie" and
"Alfred"; "eb1 2aa" and "EB12AA"; 03/04/2010 typed as 04/03/2010. Everything here is pure Python
(no database, no Django) so the same standardised row feeds Splink on DuckDB or on Spark.

``row(record)`` turns one input record (the mapping described in ``matching.engine``) into the
flat row the linkage model compares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from matching import nicknames
from people.identifiers import IdentifierError, normalise_nhs_number, normalise_upn

_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[-‐‑‒–—_/.,]+")
_DROPPED = re.compile(r"['’`´]")  # O'Brien -> obrien, not "o brien"
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_POSTCODE_JUNK = re.compile(r"[^A-Z0-9]")

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "master", "dr", "mx"})
_ADDRESS_WORDS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "dr": "drive",
    "ct": "court",
    "cres": "crescent",
    "cr": "crescent",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "tce": "terrace",
    "ter": "terrace",
    "hse": "house",
    "apt": "flat",
    "apartment": "flat",
}
_SCHOOL_NOISE = frozenset({"the", "school", "sch"})
# Every value ``people.models.Gender`` stores is a key here (a test iterates the choices), as are
# the words agencies write. "n" is non-binary. Self-described, not known, and the codes X
# (indeterminate or not stated, as the feeds hold it) and U say nothing comparable: None, which
# the engine reads as missing (no evidence either way).
_GENDERS: dict[str, str | None] = {
    "m": "m",
    "male": "m",
    "boy": "m",
    "f": "f",
    "female": "f",
    "girl": "f",
    "non_binary": "n",
    "non-binary": "n",
    "nonbinary": "n",
    "non binary": "n",
    "self_described": None,
    "self-described": None,
    "not_known": None,
    "not known": None,
    "x": None,
    "u": None,
    "unknown": None,
    "other": None,
}


_ASCII_TABLE = str.maketrans(
    {
        **dict.fromkeys("'`", ""),
        **dict.fromkeys('-_/.,;:!?()[]{}"&+*#@%=<>|~^$\\', " "),
    }
)


# Letters that Unicode decomposition (NFKD) leaves whole, with the Latin spelling English
# records use for them. No transliteration library (unidecode, anyascii) is installed, so the
# table is explicit; letters outside Latin scripts are not transliterated and fall away below.
_LATIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ŧ": "t",
        "ŋ": "ng",
        "ĸ": "k",
        "ſ": "s",
    }
)


def _fold(value: object) -> str:
    """Lower case, accents removed ("Dąbrowska", "Łukasz", "Søren" -> "dabrowska", "lukasz",
    "soren"), apostrophes dropped, other punctuation as spaces."""
    text = str(value)
    if text.isascii():
        text = text.lower().translate(_ASCII_TABLE)
        if _NOT_LETTER.search(text) is None:
            return " ".join(text.split())
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        text = text.translate(_LATIN_LETTERS)
    text = _DROPPED.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = _NOT_LETTER.sub(" ", text)
    return " ".join(text.split())


def name_tokens(value: object) -> tuple[str, ...]:
    """The parts of a name: "Smith-Jones" and "smith jones" both give ("smith", "jones")."""
    if value is None:
        return ()
    return _name_tokens(str(value))


@lru_cache(maxsize=65536)
def _name_tokens(value: str) -> tuple[str, ...]:
    # Names repeat a great deal across a roll, so each distinct spelling is folded once.
    return tuple(token for token in _fold(value).split(" ") if token and token not in _TITLES)


def name(value: object) -> str | None:
    """A name in one comparable form (parts joined by single spaces), or None when empty."""
    tokens = name_tokens(value)
    return " ".join(tokens) if tokens else None


_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(value: str | None) -> str | None:
    """American Soundex of the letters of a standardised name (for blocking only)."""
    if not value:
        return None
    return _soundex(value)


@lru_cache(maxsize=65536)
def _soundex(value: str) -> str | None:
    codes = _SOUNDEX
    letters = [ch for ch in value if "a" <= ch <= "z"]
    if not letters:
        return None
    first = letters[0]
    result = [first.upper()]
    previous = codes.get(first, "")
    for ch in letters[1:]:
        code = codes.get(ch, "")
        if code and code != previous:
            result.append(code)
        if ch not in "hw":
            previous = code
        if len(result) == 4:
            break
    return "".join(result).ljust(4, "0")


@dataclass(frozen=True)
class Postcode:
    """A postcode and its levels. Non-UK values keep ``full`` only (levels are None)."""

    full: str
    sector: str | None = None
    district: str | None = None
    area: str | None = None

    @property
    def sorted_characters(self) -> str:
        """The characters in order, so that "2134" and "2143" (two swapped) compare equal."""
        return "".join(sorted(self.full.replace(" ", "")))

    @property
    def outward(self) -> str | None:
        return self.district

    @property
    def inward(self) -> str | None:
        return self.full.split(" ")[1] if self.district is not None else None


def postcode(value: object) -> Postcode | None:
    """``"eb1 2aa"`` -> full "EB1 2AA", sector "EB1 2", district "EB1", area "EB"."""
    if value is None:
        return None
    return _postcode(str(value))


@lru_cache(maxsize=65536)
def _postcode(value: str) -> Postcode | None:
    compact = _POSTCODE_JUNK.sub("", value.upper())
    if not compact:
        return None
    found = _UK_POSTCODE.match(compact)
    if found is None:
        return Postcode(full=compact)
    outward, inward = found.groups()
    area = re.match(r"[A-Z]+", outward)
    return Postcode(
        full=f"{outward} {inward}",
        sector=f"{outward} {inward[0]}",
        district=outward,
        area=area.group(0) if area else None,
    )


_ISO_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def date_of_birth(value: object) -> date | None:
    """A date from a date, a datetime, ISO ``YYYY-MM-DD``, ``YYYYMMDD`` or UK ``DD/MM/YYYY``;
    None when missing or not a real date (31 February)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = found.groups()
    else:
        found = _UK_DATE.match(text)
        if not found:
            return None
        day, month, year = found.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def swapped_day_month(value: date) -> date | None:
    """The date with day and month exchanged, or None when that is not a date."""
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def gender(value: object) -> str | None:
    """ "f", "m" or "n" (non-binary), or None when the value says nothing comparable."""
    if value is None:
        return None
    return _GENDERS.get(str(value).strip().lower())


def understands_gender(value: object) -> bool:
    """Whether ``value`` is a gender word this module maps (to a code or, knowingly, to None),
    as opposed to one it has never heard of."""
    return str(value).strip().lower() in _GENDERS


def address(value: object) -> str | None:
    """Lower case, punctuation removed, common abbreviations spelt out ("Rd" -> "road")."""
    if value is None:
        return None
    words = [_ADDRESS_WORDS.get(word, word) for word in _fold(value).split(" ") if word]
    return " ".join(words) if words else None


def street(standardised_address: str | None) -> str | None:
    """A standardised address without its leading house or flat numbers ("12a high road" ->
    "high road"), or None when nothing is left."""
    if not standardised_address:
        return None
    words = standardised_address.split(" ")
    while words and (words[0][:1].isdigit() or words[0] in ("flat", "unit", "apt")):
        words.pop(0)
    return " ".join(words) or None


def house(standardised_address: str | None) -> str | None:
    """The house number and the first word after it ("12a high road" -> "12a high"), or None
    when the address does not start with a number: a small block of addresses that survives
    typos later in the street, the locality and the postcode."""
    if not standardised_address:
        return None
    words = standardised_address.split(" ")
    if len(words) < 2 or not words[0][:1].isdigit():
        return None
    return f"{words[0]} {words[1]}"


def school(value: object) -> str | None:
    """A school name without "the" and "school", so "The Eastbrook School" = "Eastbrook"."""
    if value is None:
        return None
    words = [word for word in _fold(str(value).replace("&", " and ")).split(" ") if word]
    kept = [word for word in words if word not in _SCHOOL_NOISE]
    return " ".join(kept or words) or None


def upn(value: object) -> str | None:
    """A valid Unique Pupil Number, normalised, or None (missing or failing its check: an
    identifier that fails its check is never evidence either way)."""
    if value is None or value == "":
        return None
    try:
        return normalise_upn(str(value))
    except IdentifierError:
        return None


def is_permanent_upn(value: str) -> bool:
    """A permanent UPN ends in a digit; a temporary one (given while the permanent one is not
    known) in a letter. One child can hold both, so only two permanent UPNs contradict."""
    return value[-1:].isdigit()


def nhs_number(value: object) -> str | None:
    """A valid NHS number as 10 digits, or None."""
    if value is None or value == "":
        return None
    try:
        return normalise_nhs_number(str(value))
    except IdentifierError:
        return None


# The columns of a standardised row, in order (Splink needs the same columns on both sides).
COLUMNS = (
    "unique_id",
    "given",
    "given_first",
    "given_groups",
    "given_multi",
    "given_canon",
    "given_sx",
    "forenames",
    "more_names",
    "family",
    "family_tokens",
    "family_multi",
    "family_sx",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "gender",
    "postcode",
    "pc_sector",
    "pc_district",
    "pc_area",
    "pc_sorted",
    "school",
    "address",
    "street",
    "house",
    "town",
    "upn",
    "upn_permanent",
    "nhs",
)


def row(record: Mapping[str, object]) -> dict[str, object]:
    """One input record as the flat row the linkage model compares."""
    given_tokens = name_tokens(record.get("given_name"))
    other_tokens = name_tokens(record.get("other_names"))
    family_tokens = name_tokens(record.get("family_name"))
    first = given_tokens[0] if given_tokens else None
    born = date_of_birth(record.get("date_of_birth"))
    code = postcode(record.get("postcode"))
    family = " ".join(family_tokens) if family_tokens else None
    groups = sorted(nicknames.groups(first)) if first else None
    forenames = list(dict.fromkeys(given_tokens + other_tokens))
    home = address(record.get("address"))
    pupil_number = upn(record.get("upn"))
    return {
        "unique_id": str(record["id"]),
        "given": " ".join(given_tokens) if given_tokens else None,
        "given_first": first,
        "given_groups": groups,
        "given_multi": bool(groups and len(groups) > 1),
        "given_canon": groups[0] if groups else None,
        "given_sx": soundex(first),
        "forenames": forenames or None,
        "more_names": len(forenames) > 1,
        "family": family,
        "family_tokens": list(family_tokens) or None,
        "family_multi": len(family_tokens) > 1,
        "family_sx": soundex(family.replace(" ", "") if family else None),
        "dob": born.isoformat() if born else None,
        "dob_y": born.year if born else None,
        "dob_m": born.month if born else None,
        "dob_d": born.day if born else None,
        "gender": gender(record.get("gender")),
        "postcode": code.full if code else None,
        "pc_sector": code.sector if code else None,
        "pc_district": code.district if code else None,
        "pc_area": code.area if code else None,
        "pc_sorted": code.sorted_characters if code else None,
        "school": school(record.get("school")),
        "address": home,
        "street": street(home),
        "house": house(home),
        "town": name(record.get("town")),
        "upn": pupil_number,
        "upn_permanent": is_permanent_upn(pupil_number) if pupil_number else None,
        "nhs": nhs_number(record.get("nhs_number")),
    }
