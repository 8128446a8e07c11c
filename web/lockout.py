"""Lockout after failed sign-ins (django-axes), counted so that one address cannot lock out all.

Behind the TLS proxy every request arrives from the proxy's address, so the client's address is
read from ``X-Forwarded-For`` only when the connecting peer is one of ``TESSERA_TRUSTED_PROXIES``.
Failures are counted per username wherever they come from (``AXES_FAILURE_LIMIT``); an address
has its own, much higher limit (``TESSERA_LOCKOUT_ADDRESS_FAILURES``) so that a shared office or
proxy address is not locked by a few mistakes. A successful sign-in clears only that username's
failures.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _trusted_proxies() -> list[Network]:
    # Checked at start-up by tessera.env.Env.networks; read per request so tests can change it.
    return [ipaddress.ip_network(value, strict=False) for value in settings.TESSERA_TRUSTED_PROXIES]


def _is_trusted(address: Address, proxies: list[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy.

    Through trusted proxies ``X-Forwarded-For`` is read from the right, where each proxy appends
    the address it saw, and the first hop that is not itself a trusted proxy is the client.
    Entries further left were written by the client and could say anything, so they are never
    believed. (django-ipware matches trusted proxies against the header's own entries rather than
    against the connecting peer, which a client talking to Tessera directly could forge.)
    """
    peer = request.META.get("REMOTE_ADDR")
    proxies = _trusted_proxies()
    try:
        client = ipaddress.ip_address(peer or "")
    except ValueError:
        return peer
    if not _is_trusted(client, proxies):
        return str(client)
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed(hops):
        try:
            client = ipaddress.ip_address(hop.strip())
        except ValueError:
            break  # garbage from the client: keep the last proxy that vouched for something
        if not _is_trusted(client, proxies):
            break
    return str(client)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler with a username limit and a separate address limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares one number with one limit (the username's). So: the username's failures
        # from any address, or that limit itself once the address has passed its own limit.
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if by_address >= settings.TESSERA_LOCKOUT_ADDRESS_FAILURES:
            return max(by_username, int(get_failure_limit(request, credentials)))
        return by_username

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        # Axes would clear every failure matching any lockout parameter, so signing in from an
        # address would wipe other people's failures from it too. Only the user's own go.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _failures(attempts: Any) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
