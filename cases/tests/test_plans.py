"""Cases and the multi-agency plan: opening a case, the team, actions and who may close them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import queries
from cases.actions import (
    do_add_case_member,
    do_assign_action,
    do_cancel_action,
    do_complete_action,
    do_open_case,
    do_remove_case_member,
)
from cases.models import ActionSource, ActionStatus, CaseStatus
from governance import policy
from notifications.models import Notification
from partnership.models import Role, ServiceKind
from people.models import YoungPerson


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Sam", family_name="Planned", date_of_birth=date(2010, 5, 6), is_synthetic=True
    )


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def youth_worker(make_user):
    return make_user(Role.PRACTITIONER, "charity")


@pytest.fixture
def case(coordinator, youth_worker, person):
    return do_open_case(actor=coordinator, young_person=person, lead=youth_worker)


def _soon(days: int = 7) -> date:
    return timezone.localdate() + timedelta(days=days)


def test_a_voluntary_sector_lead_gains_need_to_know_when_the_case_opens(case, youth_worker):
    assert case.status == CaseStatus.OPEN
    assert case.lead_agency.kind == "voluntary_sector"
    assert policy.active_relationships(youth_worker).filter(young_person=case.young_person).exists()
    assert list(queries.cases_for(youth_worker)) == [case]
    assert case.next_review_due == timezone.localdate() + timedelta(days=42)


def test_a_practitioner_cannot_open_a_case(make_user, person, youth_worker):
    with pytest.raises(PermissionDenied):
        do_open_case(
            actor=make_user(Role.PRACTITIONER, "police"), young_person=person, lead=youth_worker
        )


def test_a_second_open_case_for_the_same_young_person_is_refused(case, coordinator, youth_worker):
    with pytest.raises(ValidationError) as error:
        do_open_case(actor=coordinator, young_person=case.young_person, lead=youth_worker)
    assert "young_person" in error.value.message_dict


def test_adding_and_removing_a_member_gives_and_ends_need_to_know(case, youth_worker, make_user):
    nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SCHOOL_NURSING)
    assert not queries.cases_for(nurse).exists()
    member = do_add_case_member(actor=youth_worker, case=case, user=nurse, role="School nurse")
    assert policy.active_relationships(nurse).filter(young_person=case.young_person).exists()
    assert list(queries.cases_for(nurse)) == [case]
    assert Notification.objects.filter(user=nurse, kind="case_member").exists()
    do_remove_case_member(actor=youth_worker, member=member, reason="Moved school")
    assert not policy.active_relationships(nurse).filter(young_person=case.young_person).exists()
    assert not queries.cases_for(nurse).exists()


def test_only_managers_change_the_team(case, make_user):
    outsider = make_user(Role.PRACTITIONER, "police")
    nurse = make_user(Role.PRACTITIONER, "health")
    with pytest.raises(PermissionDenied):
        do_add_case_member(actor=outsider, case=case, user=nurse)


def test_an_administrator_cannot_join_a_case_team(case, coordinator, make_user):
    admin = make_user(Role.ADMINISTRATOR, "council")
    with pytest.raises(ValidationError):
        do_add_case_member(actor=coordinator, case=case, user=admin)


def test_an_action_for_an_agency_notifies_the_agency_without_the_name(case, youth_worker, agencies):
    action = do_assign_action(
        actor=youth_worker,
        title="Return home interview",
        owner_agency=agencies["csc"],
        due_on=_soon(),
        case=case,
    )
    assert action.young_person == case.young_person
    assert action.source == ActionSource.PLAN
    note = Notification.objects.get(kind="action_assigned")
    assert note.agency == agencies["csc"]
    assert note.user is None
    assert "Sam" not in note.message
    assert "Planned" not in note.message
    assert list(queries.actions_for_user(_member_of(agencies["csc"]))) == [action]


def _member_of(agency):
    return agency.users.filter(role=Role.COORDINATOR).first()


def test_a_named_owner_sees_it_and_colleagues_can_complete_it(
    case, youth_worker, make_user, agencies
):
    officer = make_user(Role.PRACTITIONER, "police")
    colleague = make_user(Role.PRACTITIONER, "police", username="police.colleague")
    outsider = make_user(Role.PRACTITIONER, "school")
    action = do_assign_action(
        actor=youth_worker,
        title="Child abduction warning notice",
        owner_agency=agencies["police"],
        owner=officer,
        due_on=_soon(),
        case=case,
    )
    assert list(queries.actions_for_user(officer)) == [action]
    assert not queries.actions_for_user(colleague).exists()  # named: not the agency's queue
    assert Notification.objects.get(kind="action_assigned").user == officer
    with pytest.raises(PermissionDenied):
        do_complete_action(actor=outsider, action=action, note="Done")
    with pytest.raises(ValidationError):
        do_complete_action(actor=colleague, action=action, note="  ")
    done = do_complete_action(actor=colleague, action=action, note="Notice served")
    assert done.status == ActionStatus.DONE
    assert done.completed_by == colleague
    with pytest.raises(ValidationError):
        do_complete_action(actor=officer, action=action, note="Again")


def test_stale_input_is_refused(case, youth_worker, make_user, agencies):
    officer = make_user(Role.PRACTITIONER, "police")
    with pytest.raises(ValidationError) as error:
        do_assign_action(
            actor=youth_worker,
            title="",
            owner_agency=agencies["health"],
            owner=officer,
            due_on=timezone.localdate() - timedelta(days=1),
            case=case,
        )
    assert set(error.value.message_dict) == {"title", "owner", "due_on"}
    with pytest.raises(ValidationError):
        do_assign_action(
            actor=youth_worker, title="Visit", owner_agency=agencies["hotel"], due_on=_soon()
        )


def test_cancel_needs_a_reason_and_the_right_person(case, youth_worker, make_user, agencies):
    action = do_assign_action(
        actor=youth_worker,
        title="Visit",
        owner_agency=agencies["school"],
        due_on=_soon(),
        case=case,
    )
    with pytest.raises(PermissionDenied):
        do_cancel_action(actor=make_user(Role.PRACTITIONER, "police"), action=action, reason="No")
    with pytest.raises(ValidationError):
        do_cancel_action(actor=youth_worker, action=action, reason="")
    cancelled = do_cancel_action(actor=youth_worker, action=action, reason="Young person moved")
    assert cancelled.status == ActionStatus.CANCELLED


def test_overdue_actions_and_reviews_due(case, coordinator, youth_worker, agencies):
    late = do_assign_action(
        actor=youth_worker,
        title="Late",
        owner_agency=agencies["police"],
        due_on=timezone.localdate() - timedelta(days=2),
        case=case,
        allow_past_due=True,
    )
    do_assign_action(
        actor=youth_worker,
        title="On time",
        owner_agency=agencies["police"],
        due_on=_soon(),
        case=case,
    )
    assert list(queries.overdue_actions()) == [late]
    assert not queries.cases_due_review(coordinator).exists()
    case.next_review_due = timezone.localdate() + timedelta(days=10)
    case.save()
    assert list(queries.cases_due_review(coordinator)) == [case]
    assert not queries.cases_due_review(coordinator, within_days=5).exists()


def test_team_members_are_told_of_plan_changes_but_not_the_actor(
    case, youth_worker, make_user, agencies, coordinator
):
    nurse = make_user(Role.PRACTITIONER, "health")
    do_add_case_member(actor=coordinator, case=case, user=nurse)
    Notification.objects.all().delete()
    do_assign_action(
        actor=youth_worker,
        title="Visit",
        owner_agency=agencies["school"],
        due_on=_soon(),
        case=case,
    )
    told = set(Notification.objects.filter(kind="case_changed").values_list("user_id", flat=True))
    assert told == {nurse.pk}
