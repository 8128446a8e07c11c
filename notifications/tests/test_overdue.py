"""The scheduled overdue job: found with no page loaded, told once, never for finished work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.actions import (
    do_add_case_member,
    do_assign_action,
    do_cancel_action,
    do_complete_action,
    do_open_case,
    do_record_review,
)
from cases.models import Action, Case, CaseStatus
from notifications.models import Notification
from notifications.overdue import check_overdue
from partnership.models import Role, ServiceKind
from records.tests.helpers import young_person


@pytest.fixture
def team(make_user):
    return {
        "coordinator": make_user(Role.COORDINATOR, "police"),
        "owner": make_user(Role.PRACTITIONER, "police"),
        "lead": make_user(Role.PRACTITIONER, "charity"),
        "outsider": make_user(Role.PRACTITIONER, "school"),
        "school_coordinator": make_user(Role.COORDINATOR, "school"),
    }


@pytest.fixture
def case(team):
    return do_open_case(
        actor=team["coordinator"],
        young_person=young_person("Jordan", "Testperson"),
        lead=team["lead"],
    )


def _action(team, case, *, days_late=2, owner="owner", title="Visit the home address"):
    return do_assign_action(
        actor=team["coordinator"],
        title=title,
        owner_agency=team["owner"].agency,
        owner=team[owner] if owner else None,
        due_on=timezone.localdate() - timedelta(days=days_late),
        case=case,
        allow_past_due=True,
    )


def _overdue_notices():
    return Notification.objects.filter(kind="action_overdue")


def test_the_scheduled_job_finds_an_overdue_action_without_any_page_being_loaded(team, case):
    action = _action(team, case)

    call_command("run_schedule", "--once")  # tests run queued tasks at once

    told = {n.user for n in _overdue_notices()}
    assert told == {team["owner"], team["coordinator"], team["lead"]}
    action.refresh_from_db()
    assert action.overdue_notified_on == timezone.localdate()
    assert all(n.url == f"/cases/actions/{action.pk}/" for n in _overdue_notices())


def test_the_owner_can_open_the_overdue_action_from_the_notification(team, case, signed_in):
    _action(team, case)
    check_overdue()
    notice = _overdue_notices().get(user=team["owner"])

    response = signed_in(team["owner"]).post(f"/notifications/{notice.pk}/read/", {"open": "1"})

    assert response["Location"] == notice.url
    assert signed_in(team["owner"]).get(notice.url).status_code == 200


def test_running_the_job_twice_tells_each_person_once(team, case):
    _action(team, case)

    first = check_overdue()
    second = check_overdue()

    assert first.actions == 1
    assert second.actions == 0
    assert _overdue_notices().count() == 3


def test_completed_and_cancelled_actions_are_not_reported(team, case):
    done = _action(team, case, title="Done already")
    cancelled = _action(team, case, title="No longer needed")
    do_complete_action(actor=team["owner"], action=done, note="Visited on Tuesday with police.")
    do_cancel_action(
        actor=team["coordinator"], action=cancelled, reason="Family moved out of area."
    )

    assert check_overdue().actions == 0
    assert not _overdue_notices().exists()


def test_an_action_due_today_is_not_yet_overdue(team, case):
    _action(team, case, days_late=0)

    assert check_overdue().actions == 0


def test_an_action_for_an_agency_with_nobody_named_tells_the_agency_and_its_coordinator(team, case):
    _action(team, case, owner=None)

    check_overdue()

    notices = _overdue_notices()
    assert notices.filter(user__isnull=True, agency=team["owner"].agency).count() == 1
    told = {n.user for n in notices.filter(user__isnull=False)}
    # The owning agency's coordinator and the lead professional; nobody in other agencies.
    assert told == {team["coordinator"], team["lead"]}


def test_a_due_date_moved_later_and_missed_again_is_told_again(team, case):
    action = _action(team, case, days_late=5)
    check_overdue(today=timezone.localdate() - timedelta(days=3))
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=1))

    again = check_overdue()

    assert again.actions == 1
    assert _overdue_notices().filter(user=team["owner"]).count() == 2


# --- Referrals past the 24-hour screening clock -------------------------------------------


@pytest.fixture
def mash(make_user):
    return {
        "screener": make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH),
        "coordinator": make_user(Role.COORDINATOR, "csc"),
        "practitioner": make_user(Role.PRACTITIONER, "csc", username="csc.social.worker"),
        "referrer": make_user(Role.PRACTITIONER, "school", username="school.dsl"),
    }


def _refer(mash, hours_ago):
    from referrals.actions import do_refer

    return do_refer(
        actor=mash["referrer"],
        young_person=young_person("Casey", "Referred"),
        concern="Seen getting into cars with older men after school.",
        consent_status="not_sought",
        lawful_basis="public_task_safeguarding",
        reason_without_consent="Asking could alert the adults involved.",
        next_steps_discussed=False,
        received_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_a_referral_past_its_clock_tells_the_receiving_screeners_and_coordinator_once(mash):
    late = _refer(mash, hours_ago=26)
    _refer(mash, hours_ago=3)

    first = check_overdue()
    second = check_overdue()

    assert (first.referrals, second.referrals) == (1, 0)
    notices = Notification.objects.filter(kind="referral_overdue")
    assert {n.user for n in notices} == {mash["screener"], mash["coordinator"]}
    assert all(n.object_id == str(late.pk) for n in notices)
    assert late.receipt in notices.get(user=mash["screener"]).message


def test_each_person_told_about_a_late_referral_can_open_where_the_link_goes(
    mash, signed_in, client
):
    late = _refer(mash, hours_ago=30)
    check_overdue()
    notices = Notification.objects.filter(kind="referral_overdue")
    to_screener = notices.get(user=mash["screener"])
    to_coordinator = notices.get(user=mash["coordinator"])

    assert to_screener.url == f"/referrals/mash/{late.pk}/"
    assert to_coordinator.url == "/referrals/mash/"
    assert signed_in(mash["screener"]).get(to_screener.url).status_code == 200
    client.logout()
    assert signed_in(mash["coordinator"]).get(to_coordinator.url).status_code == 200


# --- Case reviews ---------------------------------------------------------------------------


def _review_due(case, days_late):
    Case.objects.filter(pk=case.pk).update(
        next_review_due=timezone.localdate() - timedelta(days=days_late)
    )


def _review_notices():
    return Notification.objects.filter(kind="case_review_overdue")


def test_a_case_past_its_review_date_tells_the_lead_and_the_coordinators_in_its_team_once(
    team, case
):
    do_add_case_member(actor=team["coordinator"], case=case, user=team["coordinator"])
    _review_due(case, 3)

    call_command("run_schedule", "--once")
    again = check_overdue()

    told = {n.user for n in _review_notices()}
    # The lead (charity) and the police coordinator in the case team; not the school's
    # coordinator, the action owner or anyone else outside the case.
    assert told == {team["lead"], team["coordinator"]}
    assert again.case_reviews == 0
    assert _review_notices().count() == 2
    notice = _review_notices().get(user=team["lead"])
    assert notice.url == f"/cases/{case.pk}/review/"
    assert case.reference in notice.message
    assert "Jordan" not in notice.message
    case.refresh_from_db()
    assert case.review_overdue_notified_on == timezone.localdate()


def test_a_case_reviewed_on_time_or_closed_is_not_chased(team, case):
    _review_due(case, 0)  # due today: not late yet
    assert check_overdue().case_reviews == 0
    _review_due(case, 5)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert check_overdue().case_reviews == 0
    assert not _review_notices().exists()


def test_the_next_review_date_missed_as_well_is_told_again(team, case):
    today = timezone.localdate()
    _review_due(case, 1)
    assert check_overdue(today=today).case_reviews == 1
    # The team reviews late and agrees the next review a month on; that one is missed too.
    do_record_review(
        actor=team["lead"],
        case=case,
        held_on=today,
        summary="Reviewed with the school and police.",
        risk_rating="amber",
        next_review_due=today + timedelta(days=30),
    )
    assert check_overdue(today=today + timedelta(days=30)).case_reviews == 0
    assert check_overdue(today=today + timedelta(days=31)).case_reviews == 1
    assert _review_notices().filter(user=team["lead"]).count() == 2
