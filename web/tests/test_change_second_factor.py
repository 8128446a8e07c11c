"""Changing the authenticator app asks for a fresh code from the old one, confirms the new one
with its own code, and then only the new one works (SECURITY.md: fresh proof for risky acts)."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, current_code, device_of
from governance.models import AuditAction, AuditEvent, Notification
from kit.fresh import FRESH_CODE_AT
from partnership.models import Role, User

URL = reverse("web:change-second-factor")


def _new_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_it_asks_for_a_fresh_code_first(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "school")
    client = signed_in(user)
    session = client.session
    session[FRESH_CODE_AT] = time.time() - 3600
    session.save()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:confirm-code"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_the_new_app_replaces_the_old_one_and_other_sessions_end(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "school")
    old = device_of(user)
    elsewhere = Client()  # signed in on another machine a moment earlier
    elsewhere.post(reverse("web:sign-in"), {"username": user.username, "password": PASSWORD})
    assert (
        elsewhere.post(reverse("web:second-factor"), {"code": current_code(old, 1)}).status_code
        == 302
    )
    client = signed_in(user)

    page = client.get(URL)
    assert page.status_code == 200
    assert "Change your authenticator app" in page.content.decode()
    new = _new_device(user)
    response = client.post(URL, {"code": current_code(new)})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [
        (new.pk, True)
    ]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("web:home")).status_code == 200  # this session carries on
    assert elsewhere.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))
    event = AuditEvent.objects.filter(
        action=AuditAction.SECOND_FACTOR_ENROLLED, actor_id=user.pk
    ).last()
    assert event is not None
    assert event.details["change"] == "replaced"
    assert Notification.objects.filter(user=user, kind="second_factor_changed").exists()


def test_only_the_new_app_signs_in_afterwards(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "school")
    old = device_of(user)
    client = signed_in(user)
    client.get(URL)
    new = _new_device(user)
    client.post(URL, {"code": current_code(new)})

    def attempt(device: TOTPDevice) -> int:
        other = Client()
        other.post(reverse("web:sign-in"), {"username": user.username, "password": PASSWORD})
        code = current_code(device, -1)  # the next step's code: this step's is used up
        return other.post(reverse("web:second-factor"), {"code": code}).status_code

    assert attempt(new) == 302
    assert attempt(old) == 200  # the form again, with "The security code is wrong"


def test_a_wrong_code_changes_nothing(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "school")
    old = device_of(user)
    client = signed_in(user)
    client.get(URL)
    new = _new_device(user)

    response = client.post(URL, {"code": "000000" if current_code(new) != "000000" else "111111"})

    assert response.status_code == 200
    assert "The security code is wrong" in response.content.decode()
    old.refresh_from_db()
    assert old.confirmed
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed


def test_a_community_partner_cannot_reach_it(signed_in, make_user):
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    assert signed_in(partner).get(URL).status_code == 404
