"""Tessera's side of privacy-preserving linkage: the partnership's settings, encodings files,
who holds records on whom, and matching submitted encodings to young people."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from django.conf import settings as django_settings
from django.db.models import Q

from partnership.models import AgencyKind
from people.models import Gender, RecordedIdentity, YoungPerson
from pprl.encoding import (
    IDENTITY_FIELDS,
    MATCH_THRESHOLD,
    Blocker,
    Settings,
    dice,
    encode,
    from_hex,
    to_hex,
)
from records.models import AgencyRecord

MAX_ROWS = 20_000
MAX_REFERENCE = 100
ENCODINGS_COLUMNS = ("reference", "encoding", "settings")
IDENTITY_COLUMNS = ("reference", "given_name", "family_name", "date_of_birth", "sex", "postcode")


def partnership_settings() -> Settings | None:
    """The encoding settings under the partnership secret, or None when no secret is set."""
    secret = str(getattr(django_settings, "PPRL_SECRET", "") or "")
    if not secret:
        return None
    return Settings(secret=secret.encode(), fields=IDENTITY_FIELDS)


# --- Files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    rule: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "rule": self.rule}


@dataclass(frozen=True)
class Submitted:
    row: int
    reference: str
    bits: int


def read_encodings(
    handle: IO[bytes], settings: Settings
) -> tuple[list[Submitted], list[Rejection]]:
    """Read an encodings file (CSV: reference, encoding, settings), row by row.

    Raises ``ValueError`` with a message for the person uploading when the file as a whole is
    unusable: wrong columns, too many rows, or encoded under another secret or settings.
    """
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != list(
        ENCODINGS_COLUMNS
    ):
        raise ValueError(
            "The file must be a CSV with the columns reference, encoding and settings, as "
            "written by the pprl_encode tool."
        )
    fingerprint = settings.fingerprint()
    accepted: list[Submitted] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    other_settings = 0
    try:
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            if number - 1 > MAX_ROWS:
                raise ValueError(f"The file has more than {MAX_ROWS:,} rows: split it.")
            reference = (row.get("reference") or "").strip()
            if not reference or len(reference) > MAX_REFERENCE:
                rejected.append(
                    Rejection(number, "reference", f"1 to {MAX_REFERENCE} characters, required")
                )
                continue
            if reference in seen:
                rejected.append(Rejection(number, "reference", "each reference appears once"))
                continue
            if (row.get("settings") or "").strip() != fingerprint:
                other_settings += 1
                rejected.append(
                    Rejection(number, "settings", "encoded with the partnership's current secret")
                )
                continue
            try:
                bits = from_hex(row.get("encoding") or "", settings.bits)
            except ValueError as error:
                rejected.append(Rejection(number, "encoding", str(error)))
                continue
            seen.add(reference)
            accepted.append(Submitted(number, reference, bits))
    except (UnicodeDecodeError, csv.Error):
        raise ValueError("The file could not be read as a UTF-8 CSV file.") from None
    finally:
        text.detach()
    if other_settings and not accepted:
        raise ValueError(
            "This file was encoded with a different partnership secret or settings. Encode it "
            "again with the current secret from your information governance lead."
        )
    return accepted, rejected


def read_identities(handle: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Identity rows for the encoding tool, with their row numbers (the header is row 1)."""
    reader = csv.DictReader(handle)
    missing = set(IDENTITY_COLUMNS) - {c.strip() for c in reader.fieldnames or []}
    if missing:
        raise ValueError(f"The file needs the columns {', '.join(IDENTITY_COLUMNS)}.")
    for number, row in enumerate(reader, start=2):
        yield number, {key.strip(): (value or "").strip() for key, value in row.items() if key}


def write_encodings(
    handle: IO[str], settings: Settings, rows: Iterable[tuple[int, Mapping[str, str]]]
) -> tuple[int, list[Rejection]]:
    """Encode identity rows: only the reference, the encoding and the settings are written."""
    writer = csv.writer(handle)
    writer.writerow(ENCODINGS_COLUMNS)
    fingerprint = settings.fingerprint()
    written = 0
    rejected: list[Rejection] = []
    for number, row in rows:
        reference = row.get("reference", "")
        if not reference or len(reference) > MAX_REFERENCE:
            rejected.append(
                Rejection(number, "reference", f"1 to {MAX_REFERENCE} characters, required")
            )
            continue
        if not (row.get("given_name") or row.get("family_name")):
            rejected.append(Rejection(number, "family_name", "a name is required"))
            continue
        writer.writerow([reference, to_hex(encode(settings, row), settings.bits), fingerprint])
        written += 1
    return written, rejected


# --- Young people and who holds records on them ------------------------------------------


def _sex_of(gender: str) -> str:
    return {Gender.GIRL: "f", Gender.BOY: "m"}.get(gender, "")  # type: ignore[call-overload]


def holders_of(young_person_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each young person, the member agencies that hold records or an identity for them."""
    ids = list(young_person_ids)
    holders: dict[int, set[int]] = defaultdict(set)
    member = ~Q(owning_agency__kind=AgencyKind.COMMUNITY_PARTNER)
    for yp, agency in (
        AgencyRecord.objects.filter(member, young_person_id__in=ids, disposed_at__isnull=True)
        .values_list("young_person_id", "owning_agency_id")
        .distinct()
    ):
        holders[yp].add(agency)
    for yp, agency in (
        RecordedIdentity.objects.filter(young_person_id__in=ids)
        .exclude(agency__kind=AgencyKind.COMMUNITY_PARTNER)
        .values_list("young_person_id", "agency_id")
        .distinct()
    ):
        holders[yp].add(agency)
    return holders


def held_by_others(agency_id: int) -> list[int]:
    """Young people on whom some member agency other than ``agency_id`` holds anything."""
    by_records = (
        AgencyRecord.objects.filter(disposed_at__isnull=True)
        .exclude(owning_agency_id=agency_id)
        .exclude(owning_agency__kind=AgencyKind.COMMUNITY_PARTNER)
        .values("young_person_id")
    )
    by_identities = (
        RecordedIdentity.objects.exclude(agency_id=agency_id)
        .exclude(agency__kind=AgencyKind.COMMUNITY_PARTNER)
        .values("young_person_id")
    )
    return list(
        YoungPerson.objects.filter(Q(pk__in=by_records) | Q(pk__in=by_identities)).values_list(
            "pk", flat=True
        )
    )


def identities_of(young_person_ids: list[int]) -> Iterator[tuple[int, dict[str, object]]]:
    """The canonical identity of each young person and every identity agencies recorded."""
    for chunk_start in range(0, len(young_person_ids), 2000):
        chunk = young_person_ids[chunk_start : chunk_start + 2000]
        for person in YoungPerson.objects.filter(pk__in=chunk).only(
            "given_name", "family_name", "date_of_birth", "gender", "postcode"
        ):
            yield (
                person.pk,
                {
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "date_of_birth": person.date_of_birth,
                    "sex": _sex_of(person.gender),
                    "postcode": person.postcode,
                },
            )
        for identity in RecordedIdentity.objects.filter(young_person_id__in=chunk):
            yield (
                identity.young_person_id,
                {
                    "given_name": identity.given_name,
                    "family_name": identity.family_name,
                    "date_of_birth": identity.date_of_birth,
                    "sex": _sex_of(identity.gender),
                    "postcode": identity.postcode,
                },
            )


@dataclass(frozen=True)
class Match:
    submitted: Submitted
    young_person_id: int
    score: float


def match(
    settings: Settings,
    submitted: list[Submitted],
    young_person_ids: list[int],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> list[Match]:
    """Each submitted encoding's best young person at or above the threshold, if any.

    Encodings of the young people are computed here, under the same secret, and compared only
    where the field-aware blocking brings a pair together."""
    owners: list[int] = []
    encodings: list[int] = []
    for young_person_id, identity in identities_of(young_person_ids):
        owners.append(young_person_id)
        encodings.append(encode(settings, identity))
    best: dict[int, tuple[float, int]] = {}
    blocker = Blocker.for_settings(settings)
    for i, j in blocker.candidates([s.bits for s in submitted], encodings):
        score = dice(submitted[i].bits, encodings[j])
        if score >= threshold and score > best.get(i, (0.0, 0))[0]:
            best[i] = (score, owners[j])
    return [Match(submitted[i], person, score) for i, (score, person) in sorted(best.items())]
