"""Email: sent after the commit by a task, to a real local SMTP server, with nothing personal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.actions import do_assign_action, do_open_case
from notifications.api import notify
from notifications.models import Notification, NotificationKind
from notifications.overdue import check_overdue
from notifications.tasks import retry_emails
from notifications.tests.smtp import free_port
from partnership.models import Role
from records.tests.helpers import young_person

Status = Notification.EmailStatus


@pytest.fixture
def people(make_user):
    made = {
        "coordinator": make_user(Role.COORDINATOR, "police"),
        "owner": make_user(Role.PRACTITIONER, "police"),
    }
    for key, user in made.items():
        user.email = f"{key}@police.test"
        user.save(update_fields=["email"])
    return made


def test_an_overdue_action_reaches_the_smtp_server_without_the_young_persons_name(
    people, smtp_server, django_capture_on_commit_callbacks
):
    person = young_person("Jordan", "Testperson")
    case = do_open_case(actor=people["coordinator"], young_person=person, lead=people["owner"])
    action = do_assign_action(
        actor=people["coordinator"],
        title="Home visit to Jordan Testperson",
        owner_agency=people["owner"].agency,
        owner=people["owner"],
        due_on=timezone.localdate() - timedelta(days=1),
        case=case,
        allow_past_due=True,
    )

    with django_capture_on_commit_callbacks(execute=True):
        check_overdue()

    received = smtp_server.wait_for(2)
    to_owner = [m for m in received if m.rcpt_tos == ["owner@police.test"]]
    assert len(to_owner) == 1
    email = to_owner[0]
    assert email.subject == "Tessera: an action is overdue"
    assert f"{settings.TESSERA_BASE_URL}/cases/actions/{action.pk}/" in email.text
    for secret in ("Jordan", "Testperson", "Home visit"):
        assert secret not in email.subject
        assert secret not in email.message.as_string()
    # The same notification in the app does say what it is about.
    in_app = Notification.objects.get(user=people["owner"], kind="action_overdue")
    assert "Home visit to Jordan Testperson" in in_app.message
    assert in_app.email_status == Status.SENT
    assert in_app.emailed_at is not None


def _failing_action(user) -> None:
    with transaction.atomic():
        notify(kind=NotificationKind.CASE_CHANGED, message="Changed", users=[user])
        raise RuntimeError("the action failed")


def test_nothing_is_emailed_when_the_work_rolls_back(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        _failing_action(people["owner"])

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_an_email_is_sent_by_a_task_after_the_commit(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (notice,) = notify(
            kind=NotificationKind.CASE_CHANGED, message="Changed", users=[people["owner"]]
        )
    assert mailoutbox == []
    assert notice.email_status == Status.PENDING

    for callback in callbacks:
        callback()

    assert [m.to for m in mailoutbox] == [["owner@police.test"]]
    assert mailoutbox[0].subject == "Tessera: a case you are on has changed"
    notice.refresh_from_db()
    assert notice.email_status == Status.SENT


def test_agency_notices_and_people_without_an_address_are_not_emailed(
    make_user, agencies, mailoutbox, django_capture_on_commit_callbacks
):
    no_address = make_user(Role.PRACTITIONER, "health")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=NotificationKind.CASE_CHANGED, message="Changed", users=[no_address])
        notify(kind=NotificationKind.BREAK_GLASS, message="Notice", agency=agencies["health"])

    assert mailoutbox == []
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.NOT_EMAILED}


def test_a_failed_send_is_recorded_and_the_retry_job_sends_it(
    people, settings, request, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listening
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify(
            kind=NotificationKind.ACTION_ASSIGNED, message="New", users=[people["owner"]]
        )
    notice.refresh_from_db()
    assert (notice.email_status, notice.email_error) == (Status.FAILED, "ConnectionRefusedError")
    assert "owner@police.test" not in notice.email_error

    smtp_server = request.getfixturevalue("smtp_server")  # the mail server comes back
    retry_emails.enqueue()

    notice.refresh_from_db()
    assert notice.email_status == Status.SENT
    assert notice.email_attempts == 2
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["owner@police.test"]]


def test_an_email_is_not_sent_twice(people, mailoutbox, django_capture_on_commit_callbacks):
    from notifications import mail

    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify(
            kind=NotificationKind.CASE_CHANGED, message="Changed", users=[people["owner"]]
        )

    assert mail.send(notice.pk) == "skipped"
    retry_emails.enqueue()
    assert len(mailoutbox) == 1
