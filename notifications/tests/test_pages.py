"""Your notifications: the list, the unread count in the header, marking read, and who gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import AuditAction, AuditEvent, AuditOutcome
from notifications.api import notify
from notifications.models import Notification, NotificationKind
from partnership.models import Role

LIST = "/notifications/"


@pytest.fixture
def practitioner(make_user):
    return make_user(Role.PRACTITIONER, "police")


def test_a_practitioner_sees_their_own_and_their_agencys_notifications_only(
    signed_in, make_user, practitioner, agencies
):
    colleague = make_user(Role.COORDINATOR, "police")
    elsewhere = make_user(Role.PRACTITIONER, "school")
    notify(
        kind=NotificationKind.ACTION_ASSIGNED,
        message="You have a new action, due soon.",
        users=[practitioner],
    )
    notify(
        kind=NotificationKind.BREAK_GLASS,
        message="Break-glass was used on records of yours.",
        agency=agencies["police"],
    )
    notify(
        kind=NotificationKind.ACTION_ASSIGNED, message="For your colleague only.", users=[colleague]
    )
    notify(kind=NotificationKind.ACTION_ASSIGNED, message="For another agency.", users=[elsewhere])

    response = signed_in(practitioner).get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have a new action, due soon." in page
    assert "Break-glass was used on records of yours." in page
    assert "For your colleague only." not in page
    assert "For another agency." not in page
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk, action=AuditAction.LIST, object_type="notification"
    ).exists()


def test_the_header_counts_unread_notifications_on_every_page(signed_in, practitioner):
    notify(kind=NotificationKind.CASE_CHANGED, message="One", users=[practitioner])
    notify(kind=NotificationKind.CASE_CHANGED, message="Two", users=[practitioner])
    client = signed_in(practitioner)

    home = client.get("/").content.decode()

    assert "2 unread" in home
    assert f'href="{LIST}"' in home


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(signed_in, practitioner):
    (notice,) = notify(
        kind=NotificationKind.ACTION_ASSIGNED,
        message="Do this",
        users=[practitioner],
        url="/young-people/",
    )
    client = signed_in(practitioner)

    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/young-people/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk,
        action=AuditAction.UPDATE,
        object_type="notification",
        object_id=str(notice.pk),
    ).exists()
    assert "1 unread" not in client.get(LIST).content.decode()


def test_a_notification_never_sends_the_reader_to_another_site(signed_in, practitioner):
    (notice,) = notify(
        kind=NotificationKind.ACTION_ASSIGNED,
        message="Do this",
        users=[practitioner],
        url="//evil.example/",
    )
    response = signed_in(practitioner).post(
        reverse("notifications:read", args=[notice.pk]), {"open": "1"}
    )
    assert response["Location"] == LIST


def test_marking_all_read_clears_the_count(signed_in, practitioner, agencies):
    notify(kind=NotificationKind.CASE_CHANGED, message="One", users=[practitioner])
    notify(kind=NotificationKind.BREAK_GLASS, message="Agency notice", agency=agencies["police"])
    client = signed_in(practitioner)

    response = client.post(reverse("notifications:read-all"), follow=True)

    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk, action=AuditAction.UPDATE, details__count=2
    ).exists()


def test_nobody_can_mark_someone_elses_notification_read(signed_in, make_user, practitioner):
    other = make_user(Role.PRACTITIONER, "school")
    (notice,) = notify(kind=NotificationKind.CASE_CHANGED, message="Not yours", users=[other])

    response = signed_in(practitioner).post(reverse("notifications:read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk, outcome=AuditOutcome.REFUSED, object_type="notification"
    ).exists()


def test_an_administrator_sees_only_what_is_addressed_to_them(signed_in, make_user, agencies):
    admin = make_user(Role.ADMINISTRATOR, "council")
    notify(
        kind=NotificationKind.BREAK_GLASS,
        message="A notice about case records",
        agency=agencies["council"],
    )
    notify(
        kind=NotificationKind.SECOND_FACTOR_CHANGED,
        message="Addressed to the administrator",
        users=[admin],
    )

    page = signed_in(admin).get(LIST).content.decode()

    assert "Addressed to the administrator" in page
    assert "A notice about case records" not in page


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST), ("post", "/notifications/1/read/"), ("post", "/notifications/read-all/")],
)
def test_a_community_partner_finds_no_notifications_at_all(signed_in, make_user, method, url):
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    notify(kind=NotificationKind.CASE_CHANGED, message="Should never show", users=[partner])
    client = signed_in(partner)

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert "Notifications" not in client.get("/").content.decode().split("<main")[0]
