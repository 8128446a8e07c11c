"""Registering young people and the identities each agency recorded for them.

Every write to :mod:`people.models` goes through here. Each action checks the actor's
permission, validates identifiers (a value that fails its check is refused with a message naming
the field, and the row in a bulk load, and nothing is written), runs in one transaction and writes
an audit event. ``actor=None`` is the system itself (the demo loader, an operator's command).

Who may register: a user who reads case content (practitioner, MASH screener, coordinator,
analyst, IG officer) and is not a community partner, and only for their own agency, because an
identity "as recorded" always belongs to the agency that recorded it.

Audit details carry counts and agency names only, never a name, date of birth or identifier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit, policy
from governance.models import AuditAction, AuditObject
from partnership.models import Agency, User
from people.identifiers import (
    IdentifierError,
    date_of_birth_problem,
    name_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from people.models import Gender, RecordedIdentity, YoungPerson


@dataclass(frozen=True, slots=True)
class IdentityRow:
    """One agency's identity for a young person, exactly as that agency recorded it."""

    agency: Agency
    given_name: str
    family_name: str
    date_of_birth: date | None
    gender: Gender | str = Gender.NOT_KNOWN
    postcode: str = ""
    upn: str = ""
    nhs_number: str = ""
    other_names: str = ""
    source_reference: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class YoungPersonRow(IdentityRow):
    """A young person to register in bulk: the registering agency's identity, which also becomes
    the canonical record, plus identities other agencies recorded for the same young person."""

    is_synthetic: bool = False
    further_identities: tuple[IdentityRow, ...] = ()


def _require_recorder(actor: User | None, agencies: Iterable[Agency]) -> None:
    if actor is None:
        return
    if actor.is_community_partner or not actor.reads_case_content:
        raise PermissionDenied("Your role cannot register young people.")
    if any(agency.pk != actor.agency_id for agency in agencies):
        raise PermissionDenied("You can only record what your own agency holds.")


_IDENTIFIER_FIELDS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("postcode", normalise_postcode),
    ("upn", normalise_upn),
    ("nhs_number", normalise_nhs_number),
)


def _invalid(field: str, message: str, row: int | None) -> ValidationError:
    prefix = f"Row {row}: " if row is not None else ""
    return ValidationError({field: prefix + message}, code="invalid")


def _clean_identity(
    identity: IdentityRow, *, row: int | None, now: datetime, canonical: bool
) -> dict[str, Any]:
    """The model fields for ``identity``, validated and with identifiers in canonical form."""
    values: dict[str, Any] = {
        "agency": identity.agency,
        "given_name": identity.given_name.strip(),
        "family_name": identity.family_name.strip(),
        "other_names": identity.other_names.strip(),
        "date_of_birth": identity.date_of_birth,
        "source_reference": identity.source_reference.strip(),
        "recorded_at": identity.recorded_at or now,
    }
    # Agencies do not always record a surname (or a given name): one of the two will do.
    if not values["given_name"] and not values["family_name"]:
        raise _invalid("family_name", "Given name and family name must not both be blank", row)
    for field, label in (
        ("given_name", "Given name"),
        ("family_name", "Family name"),
        ("other_names", "Other names"),
    ):
        problem = name_problem(values[field])
        if problem:
            raise _invalid(field, f"{label} {problem}", row)
    if canonical and identity.date_of_birth is None:
        raise _invalid("date_of_birth", "Date of birth is needed to register a young person", row)
    if identity.date_of_birth is not None:
        problem = date_of_birth_problem(identity.date_of_birth, today=timezone.localdate(now))
        if problem:
            raise _invalid("date_of_birth", f"Date of birth {problem}", row)
    try:
        values["gender"] = Gender(identity.gender).value
    except ValueError:
        raise _invalid(
            "gender", f"Gender {identity.gender!r} is not one of the choices", row
        ) from None
    for field, normalise in _IDENTIFIER_FIELDS:
        raw = str(getattr(identity, field)).strip()
        try:
            values[field] = normalise(raw) if raw else ""
        except IdentifierError as error:
            raise _invalid(field, str(error), row) from None
    if timezone.is_naive(values["recorded_at"]):
        raise _invalid("recorded_at", "The time recorded must include a time zone", row)
    return values


def _canonical_fields(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: values[name]
        for name in (
            "given_name",
            "family_name",
            "date_of_birth",
            "gender",
            "postcode",
            "upn",
            "nhs_number",
        )
    }


def do_register_young_person(
    *,
    actor: User | None,
    agency: Agency,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    gender: Gender | str,
    postcode: str = "",
    upn: str = "",
    nhs_number: str = "",
    other_names: str = "",
    source_reference: str = "",
    recorded_at: datetime | None = None,
    is_synthetic: bool = False,
) -> YoungPerson:
    """Create a young person and the registering agency's identity for them, as recorded.

    The canonical record starts as what the registering agency recorded; the recorded identity
    keeps it unchanged whatever the canonical record later becomes.
    """
    _require_recorder(actor, [agency])
    identity = IdentityRow(
        agency=agency,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        gender=gender,
        postcode=postcode,
        upn=upn,
        nhs_number=nhs_number,
        other_names=other_names,
        source_reference=source_reference,
        recorded_at=recorded_at,
    )
    values = _clean_identity(identity, row=None, now=timezone.now(), canonical=True)
    with transaction.atomic():
        young_person = YoungPerson.objects.create(
            **_canonical_fields(values), is_synthetic=is_synthetic
        )
        recorded = RecordedIdentity.objects.create(young_person=young_person, **values)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=young_person.pk,
            details={
                "agency": agency.short_name,
                "recorded_identity": recorded.pk,
                "synthetic": is_synthetic,
            },
        )
    return young_person


def do_record_identity(
    *,
    actor: User | None,
    young_person: YoungPerson,
    agency: Agency,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    gender: Gender | str = Gender.NOT_KNOWN,
    postcode: str = "",
    upn: str = "",
    nhs_number: str = "",
    other_names: str = "",
    source_reference: str = "",
    recorded_at: datetime | None = None,
) -> RecordedIdentity:
    """Add what another agency recorded about a known young person. The canonical record is not
    changed: deciding what the partnership believes is a separate, reviewed step."""
    _require_recorder(actor, [agency])
    identity = IdentityRow(
        agency=agency,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        gender=gender,
        postcode=postcode,
        upn=upn,
        nhs_number=nhs_number,
        other_names=other_names,
        source_reference=source_reference,
        recorded_at=recorded_at,
    )
    values = _clean_identity(identity, row=None, now=timezone.now(), canonical=False)
    with transaction.atomic():
        recorded = RecordedIdentity.objects.create(young_person=young_person, **values)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.RECORDED_IDENTITY,
            object_id=recorded.pk,
            details={"agency": agency.short_name, "young_person": young_person.pk},
        )
    return recorded


_SAME_IDENTITY = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "source_reference",
)


def _identity_key(young_person_id: int, agency_id: int, values: Any) -> tuple[Any, ...]:
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return (young_person_id, agency_id, *(get(name) for name in _SAME_IDENTITY))


def do_record_identities(
    *,
    actor: User | None,
    identities: Sequence[tuple[YoungPerson, IdentityRow]],
    batch_size: int = 2000,
) -> list[RecordedIdentity]:
    """Add many identities "as recorded" for known young people: the bulk form of
    :func:`do_record_identity`, used when imported rows are linked.

    The same permission (``actor=None`` is the system: the import job, whose linker's permission
    ``imports.actions`` has checked, records what the importing agency sent) and the same
    validation: every identity is checked before anything is written, and a bad one is named
    "Row n". An identity identical to one the agency already holds for that young person (or
    to an earlier one in the same call) is not added again, so linking many rows of one person
    adds their identity once. Returns the identities added.

    Audit: one ``create`` event per identity added, as ``do_record_identity`` writes it, so the
    subject access export and the identity's history find each one by its id; they are
    appended in bulk.
    """
    if not identities:
        return []
    _require_recorder(actor, {identity.agency for _, identity in identities})
    now = timezone.now()
    # Linking many rows of one young person repeats one identity: each distinct one is checked
    # once (the first row holding it is the one a problem names).
    checked: dict[IdentityRow, dict[str, Any]] = {}
    cleaned: list[tuple[YoungPerson, dict[str, Any]]] = []
    for number, (person, identity) in enumerate(identities, start=1):
        values = checked.get(identity)
        if values is None:
            values = checked[identity] = _clean_identity(
                identity, row=number, now=now, canonical=False
            )
        cleaned.append((person, values))
    with transaction.atomic():
        known = {
            _identity_key(held.young_person_id, held.agency_id, held)
            for held in RecordedIdentity.objects.filter(
                young_person_id__in={person.pk for person, _ in cleaned},
                agency_id__in={values["agency"].pk for _, values in cleaned},
            )
        }
        fresh: list[RecordedIdentity] = []
        for person, values in cleaned:
            key = _identity_key(person.pk, values["agency"].pk, values)
            if key in known:
                continue
            known.add(key)
            fresh.append(RecordedIdentity(young_person=person, **values))
        made = RecordedIdentity.objects.bulk_create(fresh, batch_size=batch_size)
        if any(identity.pk is None for identity in made):
            raise RuntimeError("The database did not return the new identities' ids.")
        audit.append_many(
            (
                {
                    "action": AuditAction.CREATE,
                    "object_type": AuditObject.RECORDED_IDENTITY,
                    "object_id": str(identity.pk),
                    "details": {
                        "agency": identity.agency.short_name,
                        "young_person": identity.young_person_id,
                    },
                }
                for identity in made
            ),
            actor=actor,
        )
    return made


def do_withdraw_identities(
    *, actor: User | None, identities: Sequence[RecordedIdentity], reason: str
) -> list[int]:
    """Delete identities "as recorded" that should never have been added: those recorded when
    an imported row was linked to the wrong young person, once that link is undone.

    Only the system withdraws (``actor=None``): ``imports.actions.do_undo_link``, which checks
    that the reviewer may undo the link and keeps the reason and the reviewer in its own audit
    event. Audit: a ``dispose`` event per identity, with the reason. Returns their ids.
    """
    if actor is not None:
        raise PermissionDenied(
            "An identity is withdrawn only when the link that recorded it is undone."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the identities are withdrawn."})
    gone = [(identity.pk, identity.young_person_id) for identity in identities]
    if not gone:
        return []
    with transaction.atomic():
        RecordedIdentity.objects.filter(pk__in=[pk for pk, _ in gone]).delete()
        audit.append_many(
            {
                "action": AuditAction.DISPOSE,
                "object_type": AuditObject.RECORDED_IDENTITY,
                "object_id": str(pk),
                "purpose": reason.strip(),
                "details": {"young_person": young_person_id, "withdrawn": True},
            }
            for pk, young_person_id in gone
        )
    return [pk for pk, _ in gone]


def do_register_young_people_bulk(
    *, actor: User | None, rows: Sequence[YoungPersonRow], batch_size: int = 2000
) -> list[YoungPerson]:
    """Register many young people at once (imports, the demo generator's larger towns).

    Every row is validated before anything is written, so a bad row leaves the database as it
    was. One audit event summarises the load with counts only.
    """
    if not rows:
        return []
    _require_recorder(
        actor,
        {row.agency for row in rows} | {i.agency for row in rows for i in row.further_identities},
    )
    now = timezone.now()
    cleaned: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for number, row in enumerate(rows, start=1):
        first = _clean_identity(row, row=number, now=now, canonical=True)
        further = [
            _clean_identity(identity, row=number, now=now, canonical=False)
            for identity in row.further_identities
        ]
        cleaned.append((first, further))

    by_agency: Counter[str] = Counter()
    with transaction.atomic():
        people = YoungPerson.objects.bulk_create(
            [
                YoungPerson(**_canonical_fields(first), is_synthetic=row.is_synthetic)
                for row, (first, _) in zip(rows, cleaned, strict=True)
            ],
            batch_size=batch_size,
        )
        if any(person.pk is None for person in people):
            raise RuntimeError("The database did not return the new young people's ids.")
        identities: list[RecordedIdentity] = []
        for person, (first, further) in zip(people, cleaned, strict=True):
            for values in (first, *further):
                identities.append(RecordedIdentity(young_person=person, **values))
                by_agency[values["agency"].short_name] += 1
        RecordedIdentity.objects.bulk_create(identities, batch_size=batch_size)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            details={
                "bulk": True,
                "young_people": len(people),
                "recorded_identities": len(identities),
                "recorded_identities_by_agency": dict(sorted(by_agency.items())),
                "synthetic": sum(1 for row in rows if row.is_synthetic),
            },
        )
    return people


def do_register_many(
    *, actor: User | None, rows: Sequence[YoungPersonRow], batch_size: int = 2000
) -> list[YoungPerson]:
    """Register many young people, each with the registering agency's identity as recorded:
    the bulk form of :func:`do_register_young_person`, used when an import registers the
    pupils (or patients, or missing children) no one knew yet.

    The same permission and the same validation, for every row before anything is written (a bad
    one is named "Row n", and nothing is written); one transaction; and the same audit: one
    ``create`` event per young person, naming the agency and the recorded identity, appended in
    bulk. ``further_identities`` are not taken here (they are another agency's, recorded with
    :func:`do_record_identities`). Returns the young people in the order of ``rows``.
    """
    if not rows:
        return []
    if any(row.further_identities for row in rows):
        raise ValueError("do_register_many registers one agency's identity a young person.")
    _require_recorder(actor, {row.agency for row in rows})
    now = timezone.now()
    cleaned = [
        _clean_identity(row, row=number, now=now, canonical=True)
        for number, row in enumerate(rows, start=1)
    ]
    with transaction.atomic():
        people = YoungPerson.objects.bulk_create(
            [
                YoungPerson(**_canonical_fields(values), is_synthetic=row.is_synthetic)
                for row, values in zip(rows, cleaned, strict=True)
            ],
            batch_size=batch_size,
        )
        identities = RecordedIdentity.objects.bulk_create(
            [
                RecordedIdentity(young_person=person, **values)
                for person, values in zip(people, cleaned, strict=True)
            ],
            batch_size=batch_size,
        )
        if any(made.pk is None for made in (*people, *identities)):
            raise RuntimeError("The database did not return the new young people's ids.")
        audit.append_many(
            (
                {
                    "action": AuditAction.CREATE,
                    "object_type": AuditObject.YOUNG_PERSON,
                    "object_id": str(person.pk),
                    "details": {
                        "agency": identity.agency.short_name,
                        "recorded_identity": identity.pk,
                        "synthetic": person.is_synthetic,
                    },
                }
                for person, identity in zip(people, identities, strict=True)
            ),
            actor=actor,
        )
    return people


ABOUT_FIELDS = ("gender", "ethnicity", "disability", "lgbt_self_described", "care_status", "voice")


def do_update_about(
    *, actor: User, young_person: YoungPerson, changes: dict[str, Any]
) -> YoungPerson:
    """Record what the partnership knows about a young person: the under-identified groups
    (gender, ethnicity, disability, LGBT as self-described), care status and their own words.

    Only those with need to know, in a role that records, may change it. The audit event names
    the fields changed, never their values.
    """
    unknown = set(changes) - set(ABOUT_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    viewer = policy.viewer_for(actor, young_person)
    if not (policy.can_record_for(actor) and viewer.need_to_know):
        raise PermissionDenied("Only the young person's case team or a coordinator can do this.")
    with transaction.atomic():
        current = YoungPerson.objects.select_for_update().get(pk=young_person.pk)
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        current.save(update_fields=changed)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=current.pk,
            details={"fields": sorted(changed)},
        )
    return current
