"""Reading referrals: who may see which."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance import policy
from governance.permissions import Capability, within_reach
from partnership.models import User
from referrals.models import Referral, ReferralStatus


def referrals_to_screen(user: User) -> QuerySet[Referral]:
    """Referrals awaiting screening that this user may see: a MASH screener, those received by
    their agency; a coordinator, every one (they watch the 24-hour clock across the
    partnership); anyone else, none. A referral names a young person the gate lets them see,
    or nobody yet (a concern still to be matched)."""
    if not policy.reads_case_content(user):
        return Referral.objects.none()
    seen = policy.young_people_for(user).values("pk")
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_SCREENING).filter(
        Q(young_person__isnull=True) | Q(young_person__in=seen)
    )
    return within_reach(
        user, Capability.SEE_SCREENING_QUEUE, waiting, agency_field="receiving_agency_id"
    )


def screening_queue(user: User) -> QuerySet[Referral]:
    """The referrals the gate lets this user see awaiting screening, oldest first."""
    return (
        referrals_to_screen(user)
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
