"""Reading referrals: who may see which."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.models import Referral
from governance import policy
from partnership.models import User


def screening_queue(user: User) -> QuerySet[Referral]:
    """The referrals the gate lets this user see awaiting screening, oldest first."""
    return (
        policy.referrals_to_screen(user)
        .select_related("young_person", "referring_agency", "receiving_agency")
        .order_by("received_at")
    )


def receipts_of(user: User) -> QuerySet[Referral]:
    """A community partner's own receipts: the receipt number and date, nothing they sent."""
    return (
        Referral.objects.filter(referrer=user)
        .only("receipt", "received_at")
        .order_by("-received_at")
    )
