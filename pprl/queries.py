"""Reads for privacy-preserving linkage. A submitting agency sees its files and notices; the
young person behind a notice only once a holding agency has decided to share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from governance.permissions import Capability, within_reach
from partnership.models import User
from people.models import YoungPerson
from pprl.actions import can_submit
from pprl.models import DisclosureRequest, DisclosureStatus, EncodingSubmission, LinkNotice


def submissions_of(user: object) -> QuerySet[EncodingSubmission]:
    if not can_submit(user):
        return EncodingSubmission.objects.none()
    assert isinstance(user, User)
    assert user.agency_id is not None
    return EncodingSubmission.objects.filter(agency_id=user.agency_id).select_related(
        "submitted_by"
    )


@dataclass(frozen=True)
class NoticeView:
    """A notice as the submitting agency sees it: the reference, the state of any request and,
    only after a decision to share, the young person."""

    notice: LinkNotice
    requests: list[DisclosureRequest]
    young_person: YoungPerson | None

    @property
    def requested(self) -> bool:
        return bool(self.requests)

    @property
    def awaiting(self) -> int:
        return sum(1 for r in self.requests if r.status == DisclosureStatus.AWAITING)

    @property
    def declined(self) -> int:
        return sum(1 for r in self.requests if r.status == DisclosureStatus.DECLINED)


def notices_for(submission: EncodingSubmission) -> list[NoticeView]:
    notices = list(
        LinkNotice.objects.filter(submission=submission)
        .select_related("young_person")
        .prefetch_related("requests")
    )
    shown = []
    for notice in notices:
        requests = [
            r for r in notice.requests.all() if r.requesting_agency_id == submission.agency_id
        ]
        shared = any(r.status == DisclosureStatus.SHARED for r in requests)
        shown.append(NoticeView(notice, requests, notice.young_person if shared else None))
    return shown


def notice_for(user: object, pk: int) -> LinkNotice | None:
    """One notice of the user's own agency, or None."""
    return (
        LinkNotice.objects.select_related("submission")
        .filter(pk=pk, submission__in=submissions_of(user))
        .first()
    )


def requests_to_decide(user: object) -> QuerySet[DisclosureRequest]:
    """Disclosure requests addressed to the user's agency, for those who decide them."""
    return within_reach(
        user,
        Capability.DECIDE_DISCLOSURE_REQUEST,
        DisclosureRequest.objects.select_related(
            "notice__young_person", "requesting_agency", "requested_by"
        ),
        agency_field="holding_agency_id",
    )
