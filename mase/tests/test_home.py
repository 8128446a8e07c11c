"""The coordinator's home page shows the next MASE meeting; the service navigation has MASE."""

from __future__ import annotations

import pytest

from mase.actions import do_prepare_agenda
from mase.tests.helpers import meeting
from partnership.models import Role


def test_the_coordinator_sees_the_next_meeting_on_their_home_page(signed_in, make_user):
    coordinator = make_user(Role.COORDINATOR, "csc")
    client = signed_in(coordinator)
    page = client.get("/").content.decode()
    assert "Next MASE meeting" in page
    assert "/mase/meetings/" not in page
    upcoming = meeting(coordinator, days_from_now=5)
    page = client.get("/").content.decode()
    assert f"/mase/meetings/{upcoming.pk}/" in page
    assert "Agenda not prepared yet" in page
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    assert "Agenda: " in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("role", "agency", "shown"),
    [
        (Role.PRACTITIONER, "charity", True),
        (Role.STRATEGIC_LEAD, "police", True),
        (Role.ADMINISTRATOR, "council", False),
        (Role.COMMUNITY_PARTNER, "hotel", False),
    ],
)
def test_the_mase_section_is_in_the_navigation_for_those_who_may_use_it(
    signed_in, make_user, role, agency, shown
):
    page = signed_in(make_user(role, agency)).get("/").content.decode()
    assert ('href="/mase/"' in page) is shown
