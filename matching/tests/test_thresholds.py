"""Match thresholds are data per feed: a coordinator or administrator changes them with a reason,
every change is kept and audited, and nobody else reaches the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import sign_in_fully
from governance.models import AuditAction, AuditEvent
from matching.actions import thresholds_for
from matching.models import DEFAULT_AUTO_LINK_FROM, DEFAULT_REVIEW_FROM, MatchThresholds
from partnership.models import Role, ServiceKind


def _client(user) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


def test_a_feed_without_saved_thresholds_uses_the_defaults(db):
    current = thresholds_for("police_missing")

    assert (current.auto_link_from, current.review_from) == (
        DEFAULT_AUTO_LINK_FROM,
        DEFAULT_REVIEW_FROM,
    )
    assert current.saved is None


@pytest.mark.parametrize(
    ("role", "agency"), [(Role.COORDINATOR, "charity"), (Role.ADMINISTRATOR, "council")]
)
def test_a_coordinator_or_administrator_changes_a_feeds_thresholds_with_a_reason(
    make_user, role, agency
):
    user = make_user(role, agency)
    client = _client(user)
    assert "Police missing episodes" in client.get("/matching/thresholds/").content.decode()

    response = client.post(
        "/matching/thresholds/police_missing/",
        {"auto_link_from": "0.97", "review_from": "0.4", "reason": "Synthetic: fewer false links"},
    )

    assert response.status_code == 302
    current = thresholds_for("police_missing")
    assert (current.auto_link_from, current.review_from) == (0.97, 0.4)
    assert thresholds_for("school_attendance").saved is None  # other feeds unchanged
    event = AuditEvent.objects.get(action=AuditAction.CONFIGURE, object_type="match_thresholds")
    assert event.actor_id == user.pk
    assert event.purpose == "Synthetic: fewer false links"
    assert event.details["after"] == [0.97, 0.4]
    page = client.get("/matching/thresholds/").content.decode()
    assert "Synthetic: fewer false links" in page


def test_a_change_needs_a_reason_and_ordered_thresholds(make_user):
    client = _client(make_user(Role.COORDINATOR, "charity"))

    no_reason = client.post(
        "/matching/thresholds/police_missing/",
        {"auto_link_from": "0.97", "review_from": "0.4", "reason": ""},
    )
    upside_down = client.post(
        "/matching/thresholds/police_missing/",
        {"auto_link_from": "0.5", "review_from": "0.8", "reason": "Synthetic test"},
    )

    too_low = client.post(
        "/matching/thresholds/police_missing/",
        {"auto_link_from": "0.2", "review_from": "0.1", "reason": "Synthetic test"},
    )

    assert "Say why the thresholds are changing" in no_reason.content.decode()
    assert "Ensure this value is greater than or equal to 0.5" in too_low.content.decode()
    assert "between 0 and the probability to link automatically" in upside_down.content.decode()
    assert not MatchThresholds.objects.exists()


@pytest.mark.parametrize(
    ("role", "agency", "service"),
    [
        (Role.PRACTITIONER, "school", None),
        (Role.MASH_SCREENER, "csc", ServiceKind.MASH),
        (Role.ANALYST, "police", None),
        (Role.IG_OFFICER, "health", None),
        (Role.COMMUNITY_PARTNER, "hotel", None),
    ],
)
def test_nobody_else_reaches_the_thresholds(make_user, role, agency, service):
    client = _client(make_user(role, agency, service=service))

    assert client.get("/matching/thresholds/").status_code == 404
    assert client.get("/matching/thresholds/police_missing/").status_code == 404
    posted = client.post(
        "/matching/thresholds/police_missing/",
        {"auto_link_from": "0.5", "review_from": "0.1", "reason": "Synthetic test"},
    )
    assert posted.status_code == 404
    assert not MatchThresholds.objects.exists()
