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


def pupil(number: int) -> tuple[str, ...]:
    """Pupil ``number``'s school and identity, in the order of the first eight ``COLUMNS``."""
    return (
        f"Eastbrook School {number % 12 + 1} (synthetic)",
        GIVEN[number % len(GIVEN)],
        f"{FAMILY[number % len(FAMILY)]}-{number}",
        (date(2009, 9, 1) + timedelta(days=number % 2500)).isoformat(),
        "F" if number % 2 else "M",
        f"EB{number % 9 + 1} {number % 10}{'ABDEFGHJ'[number % 8]}{'LNPQRSTU'[number % 8]}",
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
