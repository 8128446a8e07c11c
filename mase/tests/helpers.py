"""Building MASE meetings for tests through the real actions."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mase.actions import do_record_attendance, do_schedule_meeting
from mase.models import Meeting, Presence
from partnership.models import Agency, User


def meeting(
    chair: User, *, days_from_now: int = 7, invite: tuple[Agency, ...] = (), present: bool = False
) -> Meeting:
    """A meeting chaired by ``chair``; each agency in ``invite`` has a representative on the list
    (present, if the meeting is in the past and ``present`` is set)."""
    made = do_schedule_meeting(
        actor=chair,
        starts_at=timezone.now() + timedelta(days=days_from_now),
        chair=chair,
        place="Room 2, Testshire House",
    )
    for agency in invite:
        do_record_attendance(
            actor=chair,
            meeting=made,
            agency=agency,
            name=f"Representative of {agency.short_name}",
            presence=Presence.PRESENT if present else Presence.INVITED,
        )
    return made
