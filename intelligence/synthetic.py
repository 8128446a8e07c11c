"""Synthetic free text with its truth, for measuring extraction (``bench/extraction.py`` and
``intelligence/tests/test_extraction.py``).

Each document is a few sentences of the kind found in concerns, missing-episode circumstances
and intelligence: values of every kind written the many ways people write them, among
distractors that look like them (dates, times, crime and case references, money, ages, rooms,
bus routes, capitals like CCTV, quoted speech and quoted business names). The truth is the set
of (kind, stored value) each document names. Phones are in Ofcom's drama ranges and
registrations and postcodes are made up; no real person's details appear.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

from intelligence.extraction import COLOURS, MAKES
from intelligence.models import OccurrenceKind as K

LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"


@dataclass
class Document:
    text: str
    truth: set[tuple[str, str]] = field(default_factory=set)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


_SPOKEN = {
    "0": "oh",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}


def _spoken(national: str) -> str:
    words = []
    i = 0
    while i < len(national):
        if i + 1 < len(national) and national[i] == national[i + 1]:
            words.append("double " + _SPOKEN[national[i]])
            i += 2
        else:
            words.append(_SPOKEN[national[i]])
            i += 1
    return " ".join(words)


def phone(rng: random.Random) -> tuple[str, str]:
    """(as written, E.164)."""
    kind = rng.random()
    if kind < 0.7:
        national = "07700900" + _digits(rng, 3)
    elif kind < 0.85:
        national = "01632960" + _digits(rng, 3)
    else:
        national = "02079460" + _digits(rng, 3)
    e164 = "+44" + national[1:]
    rest = national[1:]
    if national.startswith("07"):
        groups = (national[:5], national[5:])
        intl = (rest[:4], rest[4:])
    elif national.startswith("020"):
        groups = (national[:3], national[3:7] + " " + national[7:])
        intl = (rest[:2], rest[2:6] + " " + rest[6:])
    else:
        groups = (national[:5], national[5:8] + " " + national[8:])
        intl = (rest[:4], rest[4:7] + " " + rest[7:])
    forms = [
        f"{groups[0]} {groups[1]}",
        national,
        f"+44 {intl[0]} {intl[1]}",
        f"+44 (0){intl[0]} {intl[1]}",
        f"{national[:5]}-{national[5:8]}-{national[8:]}",
        f"0044 {intl[0]} {intl[1]}",
        f"+44{rest}",
        f"({national[:5]}) {national[5:]}",
        _spoken(national),
    ]
    weights = [30, 20, 10, 5, 8, 4, 5, 3, 3]
    return rng.choices(forms, weights)[0], e164


def registration(rng: random.Random) -> tuple[str, str]:
    kind = rng.random()
    if kind < 0.75:
        compact = (
            rng.choice(LETTERS)
            + rng.choice(LETTERS)
            + rng.choice(["0", "1", "5", "6", "7"])
            + rng.choice(string.digits)
            + "".join(rng.choice(LETTERS) for _ in range(3))
        )
        halves = (compact[:4], compact[4:])
    elif kind < 0.9:
        number = str(rng.randint(1, 999))
        compact = rng.choice(LETTERS) + number + "".join(rng.choice(LETTERS) for _ in range(3))
        halves = (compact[: 1 + len(number)], compact[1 + len(number) :])
    else:
        number = str(rng.randint(1, 999))
        compact = "".join(rng.choice(LETTERS) for _ in range(3)) + number + rng.choice(LETTERS)
        halves = (compact[:3], compact[3:])
    written = f"{halves[0]} {halves[1]}" if rng.random() < 0.7 else compact
    if rng.random() < 0.05:  # typed in lower case: missed (a lower-case mark looks like words)
        written = written.lower()
    return written, compact


def partial_plate(rng: random.Random) -> tuple[str, str]:
    letters = rng.choice(LETTERS) + rng.choice(LETTERS)
    style = rng.random()
    if style < 0.35:
        known = letters + rng.choice(string.digits)
        written = known + "?" * rng.choice([1, 2])
        return f"partial reg {written}", written
    if style < 0.55:
        written = letters + rng.choice(string.digits) + rng.choice(string.digits) + " ??"
        return f"partial plate {written}", written.replace(" ", "")
    if style < 0.8:
        return f"{rng.choice(['plate', 'reg'])} starting {letters}", letters + "*"
    ending = rng.choice(string.digits) + letters
    return f"reg ending {ending}", "*" + ending


def vehicle(rng: random.Random) -> tuple[str, str]:
    colour = rng.choice([c for c in COLOURS if c not in ("gray",)])
    make = rng.choice([m for m in MAKES if m != "vw"])
    model = rng.choice(MAKES[make])
    words = [colour, make.title() if make not in ("bmw",) else "BMW", model.title()]
    written = " ".join(words)
    if rng.random() < 0.1:  # make and model first, colour after: "Ford Focus, silver"
        written = f"{words[1]} {words[2]}, {colour}"
    return written, " ".join([colour, make, model])


def postcode(rng: random.Random) -> tuple[str, str]:
    outward = rng.choice(["EB1", "EB2", "EB3", "EB4", "EB12", "EB7"])
    inward = (
        str(rng.randint(1, 9))
        + rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        + rng.choice("ABDEFGHJLNPQRSTUWXYZ")
    )
    value = f"{outward} {inward}"
    return (value if rng.random() < 0.85 else value.replace(" ", "")), value


_HANDLE_WORDS = ["kay", "bigd", "smiler", "tommo", "lil", "kaz", "jj", "moneymike", "rico", "zed"]


def handle(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(_HANDLE_WORDS) + rng.choice(["_", ".", "", "x"]) + _digits(rng, 2)
    written = rng.choice(
        [
            f"@{name}",
            f"snap: {name}",
            f"on snapchat as {name}",
            f"insta {name}",
            f"tiktok @{name}",
            f"Snap - {name}",
        ]
    )
    return written, name.lower()


_NICKNAMES = [
    "Big D",
    "Smiler",
    "Tommo",
    "Kaz",
    "Little J",
    "Rico",
    "Zed",
    "Money Mike",
    "Sparks",
    "Uncle K",
]


def nickname(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(_NICKNAMES)
    written = rng.choice(
        [
            f'"{name}"',
            f"known as {name}",
            f"calls himself {name}",
            f"goes by {name}",
            f"‘{name}’",
            f"aka {name}",
        ]
    )
    if rng.random() < 0.1:  # written without capitals: "known as smiler"
        written = written.lower()
    return written, name.lower()


_MAKERS = {
    K.PHONE: phone,
    K.REGISTRATION: registration,
    K.PARTIAL_PLATE: partial_plate,
    K.VEHICLE_DESCRIPTION: vehicle,
    K.POSTCODE: postcode,
    K.HANDLE: handle,
    K.NICKNAME: nickname,
}

_TEMPLATES = [
    (K.PHONE, "She has been receiving calls from {} late at night."),
    (K.PHONE, "Mum found the number {} saved as 'Bae' in her phone."),
    (K.PHONE, "He gave the girls his number, {}, outside the shop."),
    (K.REGISTRATION, "She was seen getting into a car, reg {}, near the school."),
    (K.REGISTRATION, "CCTV shows {} dropping her off at 23:10."),
    (K.PARTIAL_PLATE, "Witness could only give a {} for the car."),
    (K.PARTIAL_PLATE, "Staff noted a {} on the van that waited outside."),
    (K.VEHICLE_DESCRIPTION, "She was collected by a {} from the retail park."),
    (K.VEHICLE_DESCRIPTION, "A {} has been parked outside the home most evenings."),
    (K.POSTCODE, "She was found at an address in {} at 02:00."),
    (K.POSTCODE, "Believed to be staying at a flat near {}."),
    (K.HANDLE, "Messages came from {} offering her a lift."),
    (K.HANDLE, "Friends say she talks to an older male {}."),
    (K.NICKNAME, "An older male {} is buying her vodka."),
    (K.NICKNAME, "She keeps mentioning a man {} who drives her around."),
]

_NOISE = [
    "Crime reference {ref}/24 was given to mum.",
    "Reported missing on {date} at {time}, returned {date2}.",
    'She said "leave me alone" and walked off.',
    "She had £{money} in cash and a new phone.",
    "Seen at the bus stop for the {bus} at about {time}.",
    "Aged {age}, in Year {year} at Eastbrook Academy.",
    "Room {room} at the Station Hotel was booked on a card.",
    "The case number is EB-{ref} and the PCSO attended.",
    "She went to 'Costa' with two friends after school.",
    "NHS 111 were called; seen at A&E, discharged at {time}.",
    "Flat {flat}, {street} Road, was visited by the team.",
    "She said 'Yes' when asked if she felt safe.",
    "Call logged as {ref} at {time} on {date}.",
    "School phoned mum on her usual number about attendance.",
    "DOB {date}; NHS number recorded on the referral.",
]


def _noise(rng: random.Random) -> str:
    return rng.choice(_NOISE).format(
        ref=_digits(rng, 8),
        date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(18, 25)}",
        date2=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(18, 25)}",
        time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        money=rng.randint(5, 400),
        bus=rng.randint(1, 99),
        age=rng.randint(11, 17),
        year=rng.randint(7, 11),
        room=rng.randint(100, 420),
        flat=rng.randint(1, 60),
        street=rng.choice(["Mill", "Station", "Park", "Canal", "Church"]),
    )


def document(rng: random.Random) -> Document:
    doc = Document(text="")
    sentences = []
    for _ in range(rng.randint(2, 5)):
        if rng.random() < 0.35:
            sentences.append(_noise(rng))
            continue
        kind, template = rng.choice(_TEMPLATES)
        written, value = _MAKERS[kind](rng)
        sentences.append(template.format(written))
        doc.truth.add((kind, value))
    doc.text = " ".join(sentences)
    return doc


def documents(count: int, seed: int = 14) -> list[Document]:
    rng = random.Random(seed)
    return [document(rng) for _ in range(count)]


# --- A naive baseline: what a first regex would catch ----------------------------------------

_NAIVE = {
    K.PHONE: re.compile(r"\b0\d{10}\b"),
    K.REGISTRATION: re.compile(r"\b[A-Z]{2}\d{2} ?[A-Z]{3}\b"),
    K.PARTIAL_PLATE: re.compile(r"\b[A-Z0-9]{2,6}\?+"),
    K.POSTCODE: re.compile(r"\b[A-Z]{1,2}\d{1,2} ?\d[A-Z]{2}\b"),
    K.HANDLE: re.compile(r"@(\w+)"),
    K.NICKNAME: re.compile(r"\"([^\"]+)\""),
}
_NAIVE_VEHICLE = re.compile(
    r"\b(" + "|".join(COLOURS) + r") (" + "|".join(MAKES) + r")\b", re.IGNORECASE
)


def naive_extract(text: str) -> set[tuple[str, str]]:
    """The baseline: one plain regex per kind, values tidied as simply as possible."""
    found: set[tuple[str, str]] = set()
    for match in _NAIVE[K.PHONE].finditer(text):
        found.add((K.PHONE, "+44" + match.group(0)[1:]))
    for match in _NAIVE[K.REGISTRATION].finditer(text):
        found.add((K.REGISTRATION, match.group(0).replace(" ", "")))
    for match in _NAIVE[K.PARTIAL_PLATE].finditer(text):
        found.add((K.PARTIAL_PLATE, match.group(0)))
    for match in _NAIVE[K.POSTCODE].finditer(text):
        compact = match.group(0).replace(" ", "")
        found.add((K.POSTCODE, f"{compact[:-3]} {compact[-3:]}"))
    for match in _NAIVE[K.HANDLE].finditer(text):
        found.add((K.HANDLE, match.group(1).lower()))
    for match in _NAIVE[K.NICKNAME].finditer(text):
        found.add((K.NICKNAME, match.group(1).lower()))
    for match in _NAIVE_VEHICLE.finditer(text):
        found.add((K.VEHICLE_DESCRIPTION, match.group(0).lower()))
    return found


def score(
    predicted: list[set[tuple[str, str]]], truth: list[set[tuple[str, str]]]
) -> dict[str, float]:
    """Precision and recall per kind (``precision_phone``, ``recall_phone``, …), counting each
    (kind, value) once per document, and over all kinds (``precision``, ``recall``, ``f1``)."""
    counts: dict[str, list[int]] = {kind: [0, 0, 0] for kind in K.values}  # tp, fp, fn
    for found, true in zip(predicted, truth, strict=True):
        for kind, value in found:
            counts[kind][0 if (kind, value) in true else 1] += 1
        for kind, _value in true - found:
            counts[kind][2] += 1
    figures: dict[str, float] = {}
    for kind in K.values:
        if kind == K.PLACE:
            continue
        tp, fp, fn = counts[kind]
        figures[f"precision_{kind}"] = round(tp / (tp + fp), 4) if tp + fp else 0.0
        figures[f"recall_{kind}"] = round(tp / (tp + fn), 4) if tp + fn else 0.0
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    figures["precision"] = round(precision, 4)
    figures["recall"] = round(recall, 4)
    figures["f1"] = round(2 * precision * recall / (precision + recall), 4) if tp else 0.0
    return figures
