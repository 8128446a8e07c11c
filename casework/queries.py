"""Reading referrals: who may see which."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.models import Referral, ReferralStatus
from partnership.models import Role, User


def screening_queue(user: User) -> QuerySet[Referral]:
    """Referrals awaiting screening, oldest first: a MASH screener's agency's, or every one for a
    coordinator (who watches the 24-hour clock across the partnership)."""
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_SCREENING).select_related(
        "young_person", "referring_agency", "receiving_agency"
    )
    if user.role == Role.COORDINATOR and user.is_active:
        return waiting.order_by("received_at")
    if user.role == Role.MASH_SCREENER and user.is_active:
        return waiting.filter(receiving_agency_id=user.agency_id).order_by("received_at")
    return Referral.objects.none()


def receipts_of(user: User) -> QuerySet[Referral]:
    """A community partner's own receipts: the receipt number and date, nothing they sent."""
    return (
        Referral.objects.filter(referrer=user)
        .only("receipt", "received_at")
        .order_by("-received_at")
    )
