"""A keyed fingerprint of an identity as an agency recorded it.

Judgements ("this identity is not that young person") must hold for the same identity in any
later import, without storing the name a second time. The key is an HMAC over the agency and
the identity fields, tidied (case and spacing) but otherwise exactly as recorded.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any, Protocol, TypeAlias

from django.conf import settings


class Identity(Protocol):
    agency_id: int
    given_name: str
    family_name: str
    other_names: str
    date_of_birth: date | None
    gender: str
    postcode: str


# What matching needs of an imported row: ``pk``, ``row_number``, ``batch_id`` and the fields of
# an :class:`Identity` (plus ``school`` and ``address`` for the engine). Matching does not import
# the imports app, whose ``ImportedRow`` these are; a Protocol would say so, but the Django
# plugin cannot check the model against one across the two apps' models, so the type is open.
Row: TypeAlias = Any


def _tidy(value: object) -> str:
    return " ".join(str(value or "").lower().split())


def identity_key(identity: Identity) -> str:
    parts = [
        str(identity.agency_id),
        _tidy(identity.given_name),
        _tidy(identity.family_name),
        _tidy(identity.other_names),
        identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        _tidy(identity.gender),
        _tidy(identity.postcode).replace(" ", ""),
    ]
    message = "matching-identity:" + "\x1f".join(parts)
    key = str(settings.AUDIT_CHAIN_KEY).encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
