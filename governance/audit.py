"""Writing and verifying the audit log.

Each event's hash is an HMAC over the previous hash and the event's own fields, keyed with
``AUDIT_CHAIN_KEY``. Editing, deleting, reordering or inserting rows breaks the chain, and without
the key nobody can recompute a chain that passes. The head row seals the newest entry so that
removing the tail is caught as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from governance.models import AuditAction, AuditChainHead, AuditEvent, AuditObject, AuditOutcome
from governance.request_context import current_request_id
from partnership.models import User

GENESIS = "0" * 64

# The fields that the hash covers, in a fixed order.
CHAINED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_agency",
    "actor_role",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "purpose",
    "recipient",
    "request_id",
    "details",
)


def _key() -> bytes:
    return str(settings.AUDIT_CHAIN_KEY).encode()


def _canonical(values: dict[str, Any]) -> bytes:
    normalised = dict(values)
    occurred = normalised["occurred_at"]
    if isinstance(occurred, datetime):
        normalised["occurred_at"] = occurred.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [normalised[name] for name in CHAINED_FIELDS],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    ).encode()


def compute_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hmac.new(
        _key(), prev_hash.encode() + b"\n" + _canonical(values), hashlib.sha256
    ).hexdigest()


def _head_signature(seq: int, hash_: str) -> str:
    return hmac.new(_key(), f"head:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


def _actor_fields(actor: User | AnonymousUser | None) -> dict[str, Any]:
    if not isinstance(actor, User) or not actor.is_authenticated:
        return {"actor_id": None, "actor_username": "", "actor_agency": "", "actor_role": ""}
    agency = actor.agency
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_agency": agency.short_name if agency is not None else "",
        "actor_role": actor.role,
    }


def record(
    action: AuditAction | str,
    *,
    actor: User | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    outcome: AuditOutcome | str = AuditOutcome.ALLOWED,
    object_type: AuditObject | Literal[""] = "",
    object_id: str | int = "",
    purpose: str = "",
    recipient: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log.

    Runs in its own (possibly nested) transaction; any failure propagates so that the caller's
    request fails rather than going unlogged.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    values: dict[str, Any] = {
        **_actor_fields(actor),
        "action": str(action),
        "outcome": str(outcome),
        "object_type": str(object_type),
        "object_id": str(object_id),
        "purpose": purpose,
        "recipient": recipient,
        "request_id": current_request_id(),
        "details": details or {},
    }
    with transaction.atomic():
        head = _locked_head()
        values["seq"] = head.seq + 1
        values["occurred_at"] = timezone.now()
        event_hash = compute_hash(head.hash, values)
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=event_hash, **values)
        head.seq = event.seq
        head.hash = event_hash
        head.signature = _head_signature(event.seq, event_hash)
        head.save(update_fields=["seq", "hash", "signature"])
    return event


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS, "signature": _head_signature(0, GENESIS)}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def append_many(events: Iterable[dict[str, Any]]) -> int:
    """Append many events in one transaction (used for bulk loads and the tamper drill)."""
    count = 0
    with transaction.atomic():
        head = _locked_head()
        prev = head.hash
        seq = head.seq
        batch: list[AuditEvent] = []
        now = timezone.now()
        for raw in events:
            seq += 1
            values: dict[str, Any] = {
                "actor_id": None,
                "actor_username": "",
                "actor_agency": "",
                "actor_role": "",
                "outcome": AuditOutcome.ALLOWED.value,
                "object_type": "",
                "object_id": "",
                "purpose": "",
                "recipient": "",
                "request_id": "",
                "details": {},
                **raw,
                "seq": seq,
            }
            values.setdefault("occurred_at", now)
            values["action"] = str(values["action"])
            event_hash = compute_hash(prev, values)
            batch.append(AuditEvent(prev_hash=prev, hash=event_hash, **values))
            prev = event_hash
            count += 1
            if len(batch) >= 2000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
        head.seq, head.hash = seq, prev
        head.signature = _head_signature(seq, prev)
        head.save(update_fields=["seq", "hash", "signature"])
    return count


@dataclass
class Problem:
    seq: int | None
    kind: str
    message: str


@dataclass
class Verification:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(using: str) -> Iterator[dict[str, Any]]:
    fields = ("pk", "prev_hash", "hash", *CHAINED_FIELDS)
    rows = AuditEvent.objects.using(using).order_by("seq").values(*fields)
    yield from rows.iterator(chunk_size=5000)


def verify_chain(*, max_problems: int = 100, using: str = "default") -> Verification:
    """Walk the whole chain and report every break found (up to ``max_problems``).

    ``using`` names the database connection, so a restored copy can be checked too."""
    result = Verification()
    expected_prev = GENESIS
    expected_seq = 1

    def problem(seq: int | None, kind: str, message: str) -> None:
        if len(result.problems) < max_problems:
            result.problems.append(Problem(seq, kind, message))

    for row in _rows(using):
        if len(result.problems) >= max_problems:
            break  # enough to act on; the caller asked for no more
        result.checked += 1
        seq = row["seq"]
        if seq != expected_seq:
            problem(
                seq,
                "sequence",
                f"expected entry {expected_seq} but found {seq}: entries missing or inserted",
            )
        if row["prev_hash"] != expected_prev:
            problem(seq, "link", f"entry {seq} does not follow the entry before it")
        if not hmac.compare_digest(compute_hash(row["prev_hash"], row), row["hash"]):
            problem(seq, "content", f"entry {seq} has been altered since it was written")
        expected_prev = row["hash"]
        expected_seq = seq + 1

    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if result.checked:
            problem(None, "head", "the chain head is missing")
    else:
        if not hmac.compare_digest(_head_signature(head.seq, head.hash), head.signature):
            problem(None, "head", "the chain head has been altered")
        if head.seq != last_seq or head.hash != expected_prev:
            problem(
                None,
                "head",
                f"the chain head names entry {head.seq} but the log ends at entry {last_seq}",
            )
    return result


def refusal(
    request: HttpRequest,
    action: AuditAction | str,
    object_type: AuditObject,
    object_id: object = "",
) -> Http404:
    """Audit a refused attempt and give the 404 to raise: refused objects look absent."""
    record(
        action,
        request=request,
        outcome=AuditOutcome.REFUSED,
        object_type=object_type,
        object_id=str(object_id),
    )
    return Http404()


def shown(
    request: HttpRequest,
    object_type: AuditObject,
    object_id: object = "",
    *,
    page: str,
    young_person: int | None = None,
) -> AuditEvent:
    """A page that shows a young person's information without reading their records (a form
    naming them, a home page listing them) is still a look: one ``view`` event naming them, so
    "who has seen this" misses nothing."""
    details: dict[str, Any] = {"page": page}
    if young_person is not None:
        details["young_person"] = young_person
    return record(
        AuditAction.VIEW,
        request=request,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
