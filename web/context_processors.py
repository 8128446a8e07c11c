from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from governance.permissions import Allowed
from web.navigation import items_for


def tessera(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.TESSERA_DEMO_MODE,
        "partnership_name": settings.TESSERA_PARTNERSHIP_NAME,
        "nav_items": items_for(request),
        # What the permission policy lets the viewer do: {% if may.screen_referral %}.
        "may": Allowed(getattr(request, "user", None)),
    }
