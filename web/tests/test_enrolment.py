"""A first authenticator needs an enrolment code from an administrator, not a password alone."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code, sign_in_with_password
from governance.models import AuditAction, AuditEvent
from partnership.actions import do_issue_enrolment_code
from partnership.models import EnrolmentCode, Role, User


def _enrol(client: Client, user: User, enrolment_code: str) -> int:
    """Enter the enrolment code, then the new app's first code; the final status."""
    client.post("/sign-in/set-up/", {"enrolment_code": enrolment_code})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return 0
    return client.post("/sign-in/set-up/", {"code": current_code(device)}).status_code


def _confirmed(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_password_alone_cannot_enrol_an_authenticator(client, make_user):
    user = make_user(with_device=False)
    sign_in_with_password(client, user)
    page = client.get("/sign-in/set-up/")
    assert b"Enrolment code" in page.content
    assert b"data:image/svg+xml" not in page.content  # no secret shown yet
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Posting a code straight to the confirm step confirms nothing either.
    client.post("/sign-in/set-up/", {"code": "123456"})
    assert not _confirmed(user)
    assert client.get("/").status_code == 302


def test_a_wrong_enrolment_code_is_refused(client, make_user):
    user = make_user(with_device=False)
    do_issue_enrolment_code(actor=None, user=user)
    sign_in_with_password(client, user)
    response = client.post("/sign-in/set-up/", {"enrolment_code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 200
    assert b"The enrolment code is wrong, already used or expired" in response.content
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.SECOND_FACTOR_FAILED, details__wrong="enrolment code"
    ).exists()


def test_another_users_enrolment_code_is_refused(client, make_user):
    user = make_user(with_device=False)
    other = make_user(Role.PRACTITIONER, "police", with_device=False)
    theirs = do_issue_enrolment_code(actor=None, user=other)
    sign_in_with_password(client, user)
    assert _enrol(client, user, theirs) == 0
    assert not _confirmed(user)


def test_an_expired_enrolment_code_is_refused(client, make_user):
    user = make_user(with_device=False)
    enrolment_code = do_issue_enrolment_code(actor=None, user=user)
    EnrolmentCode.objects.update(expires_at=EnrolmentCode.objects.get().issued_at - timedelta(1))
    sign_in_with_password(client, user)
    assert _enrol(client, user, enrolment_code) == 0
    assert not _confirmed(user)


def test_the_right_enrolment_code_enrols_once(make_user):
    user = make_user(with_device=False)
    enrolment_code = do_issue_enrolment_code(actor=None, user=user)
    first = Client()
    sign_in_with_password(first, user)
    assert _enrol(first, user, enrolment_code) == 302
    assert first.get("/").status_code == 200
    assert EnrolmentCode.objects.get().used_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_ENROLLED).exists()
    # Spent: with the device removed, the same code cannot enrol another one.
    TOTPDevice.objects.filter(user=user).delete()
    second = Client()
    sign_in_with_password(second, user)
    assert _enrol(second, user, enrolment_code) == 0
    assert not _confirmed(user)


def test_a_code_spent_in_another_session_stops_the_enrolment_in_progress(make_user):
    user = make_user(with_device=False)
    enrolment_code = do_issue_enrolment_code(actor=None, user=user)
    slow, fast = Client(), Client()
    sign_in_with_password(slow, user)
    slow.post("/sign-in/set-up/", {"enrolment_code": enrolment_code})  # accepted, not yet used
    sign_in_with_password(fast, user)
    assert _enrol(fast, user, enrolment_code) == 302
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    response = slow.post("/sign-in/set-up/", {"code": current_code(device)}, follow=True)
    assert b"Your enrolment code has been used, replaced or has expired" in response.content
    assert not _confirmed(user)


def test_a_new_enrolment_code_replaces_the_unused_one(client, make_user):
    user = make_user(with_device=False)
    old = do_issue_enrolment_code(actor=None, user=user)
    new = do_issue_enrolment_code(actor=None, user=user)
    sign_in_with_password(client, user)
    assert _enrol(client, user, old) == 0
    assert _enrol(client, user, new) == 302


def test_enrolment_codes_are_kept_only_as_hashes(make_user):
    user = make_user(with_device=False)
    enrolment_code = do_issue_enrolment_code(actor=None, user=user)
    stored = EnrolmentCode.objects.get(user=user)
    assert enrolment_code not in stored.code_hash
    assert enrolment_code.replace("-", "") not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_only_an_administrator_issues_enrolment_codes_and_it_is_audited(make_user):
    import pytest
    from django.core.exceptions import PermissionDenied

    user = make_user(with_device=False)
    coordinator = make_user(Role.COORDINATOR, "police")
    admin = make_user(Role.ADMINISTRATOR, "council")
    with pytest.raises(PermissionDenied):
        do_issue_enrolment_code(actor=coordinator, user=user)
    assert not EnrolmentCode.objects.exists()
    do_issue_enrolment_code(actor=admin, user=user)
    event = AuditEvent.objects.filter(action=AuditAction.CONFIGURE).latest("seq")
    assert event.actor_username == admin.username
    assert event.details["change"] == "enrolment code issued"


def test_the_operator_command_prints_a_working_code(client, make_user):
    from io import StringIO

    from django.core.management import call_command

    user = make_user(with_device=False)
    out = StringIO()
    call_command("issue_enrolment_code", user.username, stdout=out)
    enrolment_code = out.getvalue().split(": ", 1)[1].split()[0]
    sign_in_with_password(client, user)
    assert _enrol(client, user, enrolment_code.lower()) == 302
