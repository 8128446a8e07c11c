"""Sign-in failures are logged from the first attempt."""

from __future__ import annotations

from typing import Any

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
        details={"username_attempted": str(credentials.get("username", ""))[:150]},
    )
