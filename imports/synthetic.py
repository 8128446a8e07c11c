"""Synthetic school attendance files of any size, for the benchmark and the memory test.

Written row by row (never held in memory). Every pupil is made up: names from short lists,
valid UPNs built with ``make_upn``, and postcodes in the fictional "EB" area of the Eastbrook
demo. Each pupil gets an AM and a PM session mark on consecutive school days, so every row is a
distinct fact (no duplicates) and the file has exactly the number of rows asked for.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from people.identifiers import make_upn

COLUMNS = (
    "school",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "person_reference",
    "attendance_date",
    "level",
    "session",
    "lesson",
    "code",
)
GIVEN = ("Amira", "Jayden", "Leah", "Tyler", "Kayla", "Ollie", "Zara", "Mason", "Ruby", "Ethan")
FAMILY = ("Synthwood", "Fakeham", "Testbury", "Sampleton", "Mockley", "Placeholt", "Demoford")
# Mostly present; some authorised and unauthorised absence and late marks.
CODES = ("/", "\\", "/", "\\", "/", "\\", "L", "I", "M", "O", "U", "N", "G", "C")


def school_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def pupil_upn(number: int) -> str:
    """Pupil ``number``'s UPN: unique for the first 12,000 pupils (twelve schools of up to a
    thousand each), none for the rest (a school that does not send UPNs)."""
    if number >= 12_000:
        return ""
    return make_upn(881, 4000 + number % 12, 20, number // 12)


# Given names from two short lists (400 in all), so that a county's pupils spread over names as
# real ones do instead of ten names shared by thousands.
_STARTS: tuple[str, ...] = ("Al", "Be", "Ca", "Da", "El", "Fa", "Ga", "Ha", "Is", "Ja")
_STARTS += ("Ka", "Le", "Ma", "Na", "Ol", "Pa", "Ra", "Sa", "Ta", "Za")
_ENDS: tuple[str, ...] = ("ra", "na", "la", "den", "son", "ton", "via", "mir", "lie", "lan")
_ENDS += ("ya", "rin", "dra", "len", "ris", "bel", "nah", "ron", "mi", "lo")
# The letters a postcode's inward code may end with (Royal Mail's rules).
_UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def _given(number: int) -> str:
    if number < len(GIVEN) * 100:
        return GIVEN[number % len(GIVEN)]
    return _STARTS[number % 20] + _ENDS[(number // 20) % 20]


def _postcode(number: int) -> str:
    """About eight pupils a postcode, as in a town's streets."""
    street = number // 8
    return (
        f"EB{street % 99 + 1} {(street // 99) % 10}"
        f"{_UNIT[(street // 990) % 20]}{_UNIT[(street // 19_800) % 20]}"
    )


def pupil(number: int) -> tuple[str, ...]:
    """Pupil ``number``'s school and identity, in the order of the first eight ``COLUMNS``:
    born over fourteen school years, about thirty pupils to a birthday."""
    return (
        f"Eastbrook School {number % 12 + 1} (synthetic)",
        _given(number),
        f"{FAMILY[number % len(FAMILY)]}-{number}",
        (date(2008, 9, 1) + timedelta(days=(number * 7919) % 5110)).isoformat(),
        "F" if number % 2 else "M",
        _postcode(number),
        pupil_upn(number),
        f"MIS-{number:06d}",
    )


def write_roll(path: Path, pupils: int, *, day: date = date(2025, 9, 1)) -> Path:
    """Write a school's first register: one present AM mark for each of ``pupils`` pupils (the
    same pupils, in the same order, as :func:`write_attendance`'s), so importing it registers
    every pupil as a new young person."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(pupils):
            writer.writerow((*pupil(number), day.isoformat(), "session", "AM", "", "/"))
    return path


def pupils_in_attendance(rows: int) -> int:
    """How many pupils :func:`write_attendance` spreads ``rows`` marks over."""
    return max(10, rows // 200)


def write_attendance(path: Path, rows: int, *, seed: int = 2017) -> Path:
    """Write ``rows`` synthetic session marks to ``path`` (CSV) and return it."""
    random_ = random.Random(seed)
    pupils = pupils_in_attendance(rows)
    days = school_days(date(2025, 9, 1), -(-rows // (2 * pupils)))
    identities = [pupil(number) for number in range(pupils)]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for day in days:
            for session in ("AM", "PM"):
                for identity in identities:
                    if written == rows:
                        return path
                    code = random_.choice(CODES)
                    if code in ("/", "\\"):
                        code = "/" if session == "AM" else "\\"
                    writer.writerow((*identity, day.isoformat(), "session", session, "", code))
                    written += 1
    return path
