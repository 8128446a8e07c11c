"""What free text names: phones, registrations, partial plates, vehicle descriptions,
postcodes, online handles and candidate nicknames, as suggestions for an analyst to confirm.

``extract(text)`` returns ``Suggestion``s with the value in its stored form
(``intelligence.values``) and the words as written. Nothing is linked here: the report page
offers each suggestion, and ``intelligence.actions.do_confirm_suggestion`` or
``do_reject_suggestion`` records the analyst's answer.

Phones are every number ``phonenumbers`` calls possible for the UK (Ofcom's drama ranges
included) in the ways people write them: "07700 900123", "+44 (0)7700 900123", "07700-900-123",
"0044 7700 900123", and spoken, "oh seven seven double oh nine..." Registrations are the
current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) formats in capitals; a dateless
mark needs a word before it ("reg ABC 123"), since it looks like much else. Partial plates need
words too: "partial reg AB1?", "plate starting KX", "reg ending 4YT". Nicknames are candidates:
a quoted capitalised name, or a name after "known as", "calls himself", "goes by", "aka",
"nicknamed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intelligence import values
from intelligence.models import OccurrenceKind
from people import identifiers
from people.identifiers import IdentifierError


@dataclass(frozen=True)
class Suggestion:
    kind: str
    value: str
    shown_as: str
    start: int
    platform: str = ""

    @property
    def label(self) -> str:
        return OccurrenceKind(self.kind).label


# --- Phones --------------------------------------------------------------------------------

_SEP = r"[ \t.\-]?"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44" + _SEP + r"(?:\(0\)" + _SEP + r")?|0044" + _SEP + r"|\(?0)"
    r"(?:\d\)?" + _SEP + r"){8,10}\d(?![\d])"
)
_DIGIT_WORDS = {
    "oh": "0",
    "o": "0",
    "zero": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT = {"double": 2, "treble": 3, "triple": 3}
_SPOKEN_WORD = "(?:" + "|".join([*_DIGIT_WORDS, *_REPEAT]) + ")"
_SPOKEN = re.compile(r"(?i:\b" + _SPOKEN_WORD + r"\b(?:[\s,\-]+" + _SPOKEN_WORD + r"\b){7,})")


def _spoken_digits(words: str) -> str:
    digits = []
    repeat = 1
    for word in re.split(r"[\s,\-]+", words.strip().casefold()):
        if word in _REPEAT:
            repeat = _REPEAT[word]
        elif word in _DIGIT_WORDS:
            digits.append(_DIGIT_WORDS[word] * repeat)
            repeat = 1
    return "".join(digits)


def _phones(text: str) -> list[Suggestion]:
    found = []
    for match in _PHONE.finditer(text):
        written = match.group(0).rstrip(" .-")
        candidate = written.replace("(0)", "").replace("(", "").replace(")", "")
        try:
            value = identifiers.normalise_possible_uk_phone(candidate)
        except IdentifierError:
            continue
        found.append(Suggestion(OccurrenceKind.PHONE, value, written, match.start()))
    for match in _SPOKEN.finditer(text):
        digits = _spoken_digits(match.group(0))
        if not digits.startswith("0"):
            continue
        try:
            value = identifiers.normalise_possible_uk_phone(digits)
        except IdentifierError:
            continue
        found.append(Suggestion(OccurrenceKind.PHONE, value, match.group(0).strip(), match.start()))
    return found


# --- Vehicles ------------------------------------------------------------------------------

_REG_WORDS = r"(?i:reg(?:istration)?|plate|index|vrm|number\s+plate)(?i:\s+(?:no\.?|number|mark))?"
_DATED_REG = re.compile(
    r"\b(?:[A-Z]{2}[0-9]{2} ?[A-Z]{3}|[A-Z][0-9]{1,3} ?[A-Z]{3}|[A-Z]{3} ?[0-9]{1,3}[A-Z])\b"
)
_NAMED_REG = re.compile(
    r"(?<!partial )(?<!Partial )\b"
    + _REG_WORDS
    + r"[\s:]+(?i:was\s+|is\s+|of\s+)?([A-Z0-9]{1,4} ?[A-Z0-9]{1,4})\b(?![?*])"
)
_PARTIAL = re.compile(
    r"\b(?i:partial)\s+"
    + _REG_WORDS
    + r"[\s:]+(?i:was\s+|is\s+|of\s+)?([A-Z0-9?*]{1,4}(?: ?[A-Z0-9?*]{1,4})?)(?![\w?*])"
    + r"|\b"
    + _REG_WORDS
    + r"\s+(?i:start(?:ing|s)|begin(?:ning|s))\s+(?i:with\s+)?([A-Z0-9]{2,6})\b"
    + r"|\b"
    + _REG_WORDS
    + r"\s+(?i:end(?:ing|s))\s+(?i:in\s+|with\s+)?([A-Z0-9]{2,6})\b"
)
_NOT_A_PLATE = frozenset({"THE", "AND", "WAS", "NOT"})


def _registrations(text: str) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for match in _DATED_REG.finditer(text):
        written = match.group(0)
        try:
            value = identifiers.normalise_vrm(written)
        except IdentifierError:
            continue
        found.setdefault(
            value, Suggestion(OccurrenceKind.REGISTRATION, value, written, match.start())
        )
    for match in _NAMED_REG.finditer(text):
        written = match.group(1).strip()
        if not any(c.isdigit() for c in written) or written.upper() in _NOT_A_PLATE:
            continue
        try:
            value = identifiers.normalise_vrm(written)
        except IdentifierError:
            continue
        found.setdefault(
            value, Suggestion(OccurrenceKind.REGISTRATION, value, written, match.start(1))
        )
    return list(found.values())


def _partial_plates(text: str) -> list[Suggestion]:
    found = []
    for match in _PARTIAL.finditer(text):
        given, starting, ending = match.group(1), match.group(2), match.group(3)
        if given is not None:
            written = given.strip()
            raw = written if ("?" in written or "*" in written) else written + "*"
        elif starting is not None:
            written = starting
            raw = starting + "*"
        else:
            written = ending
            raw = "*" + ending
        try:
            value = values.normalise_partial_plate(raw)
        except IdentifierError:
            continue
        found.append(Suggestion(OccurrenceKind.PARTIAL_PLATE, value, written, match.start()))
    return found


COLOURS = (
    "black", "white", "silver", "grey", "gray", "red", "blue", "dark blue", "navy", "green",
    "yellow", "orange", "gold", "brown", "purple", "maroon", "bronze", "beige",
)  # fmt: skip
MAKES = {
    "ford": ("fiesta", "focus", "mondeo", "kuga", "transit", "ka", "galaxy", "puma"),
    "vauxhall": ("corsa", "astra", "insignia", "zafira", "mokka", "vivaro"),
    "volkswagen": ("golf", "polo", "passat", "tiguan", "transporter", "up"),
    "vw": ("golf", "polo", "passat", "tiguan", "transporter", "up"),
    "bmw": ("1 series", "3 series", "5 series", "x5", "m3"),
    "audi": ("a3", "a4", "a6", "q5", "q7", "tt"),
    "mercedes": ("a class", "c class", "e class", "sprinter", "vito"),
    "toyota": ("yaris", "corolla", "prius", "aygo", "rav4"),
    "nissan": ("micra", "qashqai", "juke", "note"),
    "honda": ("civic", "jazz", "accord"),
    "kia": ("picanto", "rio", "sportage", "ceed"),
    "hyundai": ("i10", "i20", "i30", "tucson"),
    "peugeot": ("107", "208", "308", "3008"),
    "renault": ("clio", "megane", "kangoo"),
    "skoda": ("octavia", "fabia", "superb"),
    "seat": ("ibiza", "leon"),
    "fiat": ("500", "punto", "panda"),
    "mini": ("cooper", "one"),
    "range rover": ("sport", "evoque", "velar"),
    "land rover": ("discovery", "defender", "freelander"),
    "citroen": ("c1", "c3", "berlingo"),
    "mazda": ("2", "3", "mx5", "cx5"),
    "volvo": ("xc60", "xc90", "v40"),
    "tesla": ("model 3", "model y"),
    "lexus": ("is", "rx"),
}
_COLOUR_WORDS = "|".join(sorted(COLOURS, key=len, reverse=True))
_MAKE_WORDS = "|".join(sorted(MAKES, key=len, reverse=True))
_VEHICLE = re.compile(r"\b(" + _COLOUR_WORDS + r")\s+(" + _MAKE_WORDS + r")\b", re.IGNORECASE)


def _model_after(text: str, make: str) -> str:
    """The make's model written next (longest known model first), or ""."""
    following = text.lstrip(" ")
    folded = following.casefold()
    for model in sorted(MAKES[make.casefold()], key=len, reverse=True):
        if folded.startswith(model) and not folded[len(model) : len(model) + 1].isalnum():
            return following[: len(model)]
    return ""


def _vehicle_descriptions(text: str) -> list[Suggestion]:
    found = []
    for match in _VEHICLE.finditer(text):
        colour, make = match.group(1), match.group(2)
        model = _model_after(text[match.end() :], make)
        written = " ".join(word for word in (colour, make, model) if word)
        value = values.fold(written).replace("gray", "grey")
        found.append(Suggestion(OccurrenceKind.VEHICLE_DESCRIPTION, value, written, match.start()))
    return found


# --- Places and handles --------------------------------------------------------------------

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b")


def _postcodes(text: str) -> list[Suggestion]:
    found = []
    for match in _POSTCODE.finditer(text):
        try:
            value = identifiers.normalise_postcode(match.group(0))
        except IdentifierError:
            continue
        found.append(Suggestion(OccurrenceKind.POSTCODE, value, match.group(0), match.start()))
    return found


PLATFORMS = {
    "snap": "snapchat",
    "snapchat": "snapchat",
    "sc": "snapchat",
    "insta": "instagram",
    "instagram": "instagram",
    "ig": "instagram",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "facebook": "facebook",
    "fb": "facebook",
    "telegram": "telegram",
    "twitter": "x",
    "x": "x",
}
_PLATFORM = "|".join(sorted((re.escape(p) for p in PLATFORMS), key=len, reverse=True))
_NAMED_HANDLE = re.compile(
    r"\b(" + _PLATFORM + r")(?:\s+(?:name|handle|account|user(?:name)?))?"
    r"(?:\s*[:\-]\s*|\s+(?:as|is|called)\s+|\s+)@?([A-Za-z0-9][A-Za-z0-9._\-]{1,29})",
    re.IGNORECASE,
)
_AT_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9._]{1,29})")
_HANDLE_STOP = frozenset({"and", "the", "but", "with", "from", "account", "messages", "to"})


def _handles(text: str) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for match in _NAMED_HANDLE.finditer(text):
        handle = match.group(2).rstrip("._-")
        if handle.casefold() in _HANDLE_STOP:
            continue
        # A plain word after the platform needs a sign it is a handle: a digit, _ or . in it,
        # or a colon, "as" or "@" before it.
        joined = match.group(0)[len(match.group(1)) :]
        signalled = re.search(r"[:@]|\bas\b|\bis\b|\bcalled\b|\bname\b|\bhandle\b", joined)
        if not signalled and not re.search(r"[0-9_.]", handle):
            continue
        try:
            value = values.normalise_handle(handle)
        except IdentifierError:
            continue
        platform = PLATFORMS[match.group(1).casefold()]
        found[value] = Suggestion(OccurrenceKind.HANDLE, value, handle, match.start(2), platform)
    for match in _AT_HANDLE.finditer(text):
        handle = match.group(1).rstrip("._")
        try:
            value = values.normalise_handle(handle)
        except IdentifierError:
            continue
        found.setdefault(
            value, Suggestion(OccurrenceKind.HANDLE, value, "@" + handle, match.start())
        )
    return list(found.values())


# --- Nicknames -----------------------------------------------------------------------------

_NAME = r"[A-Z][a-zA-Z\-]+(?: [A-Z][a-zA-Z\-]*)?"
_QUOTED = re.compile(
    r"(?<!(?i:went to) )(?<!(?i:at) )(?<!(?i:in) )(?<!(?i:from) )"
    r"[\"“‘']((?:[A-Z][a-zA-Z\-]*)(?: [A-Z][a-zA-Z\-]*){0,2})[\"”’'](?!\w)"
)
_INTRODUCED = re.compile(
    r"\b(?:known as|calls (?:himself|herself|themselves)|goes by|going by|aka|a\.k\.a\.?|"
    r"nicknamed|called)\s+[\"“‘']?(" + _NAME + r")"
)
_NOT_NAMES = frozenset(
    {"I", "The", "He", "She", "They", "It", "We", "You", "His", "Her", "Police", "Mum", "Dad",
     "Ok", "OK", "Yes", "No", "Hi", "Hello"}
)  # fmt: skip


def _nicknames(text: str) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for pattern in (_QUOTED, _INTRODUCED):
        for match in pattern.finditer(text):
            name = match.group(1).strip()
            if name.split()[0] in _NOT_NAMES:
                continue
            value = values.fold(name)
            found.setdefault(
                value, Suggestion(OccurrenceKind.NICKNAME, value, name, match.start(1))
            )
    return list(found.values())


# --- All together ----------------------------------------------------------------------------


def extract(text: str) -> list[Suggestion]:
    """Every suggestion in ``text``, once per kind and value, in the order written."""
    found: dict[tuple[str, str], Suggestion] = {}
    for finder in (
        _phones,
        _registrations,
        _partial_plates,
        _vehicle_descriptions,
        _postcodes,
        _handles,
        _nicknames,
    ):
        for suggestion in finder(text):
            found.setdefault((suggestion.kind, suggestion.value), suggestion)
    return sorted(found.values(), key=lambda s: (s.start, s.kind))
