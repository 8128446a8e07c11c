"""Who may reach a view before full sign-in, and which views a community partner may use.

Every view needs verified two-factor sign-in unless it is marked here. The URL meta-test reads
these marks, so a new view that forgets them is treated as private, never public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from partnership.models import User

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"  # anyone, signed in or not
PASSWORD_ONLY = "password_only"  # noqa: S105 — signed in with a password, second factor still to come


def public(view: F) -> F:
    view.tessera_access = PUBLIC  # type: ignore[attr-defined]
    return view


def password_only(view: F) -> F:
    view.tessera_access = PASSWORD_ONLY  # type: ignore[attr-defined]
    return view


def partner_allowed(view: F) -> F:
    """A view a community partner may use (they submit, and read only their receipts)."""
    view.tessera_partner_allowed = True  # type: ignore[attr-defined]
    return view


def access_of(view: Callable[..., Any]) -> str | None:
    target = getattr(view, "view_class", view)
    return getattr(view, "tessera_access", None) or getattr(target, "tessera_access", None)


def is_partner_allowed(view: Callable[..., Any]) -> bool:
    target = getattr(view, "view_class", view)
    return bool(
        getattr(view, "tessera_partner_allowed", False)
        or getattr(target, "tessera_partner_allowed", False)
    )


def is_two_factor_verified(user: Any) -> bool:
    """Signed in with a password and a second factor in this session (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and check is not None and check())


def signed_in_user(request: Any) -> User:
    """The request's user, typed. Views behind the two-factor guard always have one."""
    user = request.user
    assert isinstance(user, User)
    return user
