"""Sign-in failures are logged from the first attempt."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from governance import audit
from governance.models import AuditAction, AuditOutcome


@receiver(user_login_failed)
def log_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        actor=None,
        outcome=AuditOutcome.REFUSED,
        details=attempted_username(str(credentials.get("username", ""))),
    )


def attempted_username(username: str) -> dict[str, str]:
    """A known username is kept; anything else (perhaps a password typed into the wrong box) is
    kept only as a keyed fingerprint, so repeated attempts can still be correlated."""
    if username and get_user_model().objects.filter(username=username).exists():
        return {"username_attempted": username}
    digest = hmac.new(str(settings.AUDIT_CHAIN_KEY).encode(), username.encode(), hashlib.sha256)
    return {"unknown_username_fingerprint": digest.hexdigest()[:16]}
