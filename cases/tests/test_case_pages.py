"""The case pages as a professional uses them, and who is refused (404) and why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.actions import do_add_case_member, do_assign_action, do_open_case
from cases.models import Action, ActionStatus, Case, CaseReview, CaseStatus, TransitionPlan
from governance import policy
from governance.models import AuditEvent, AuditOutcome
from notifications.models import Notification
from partnership.models import Role
from people.models import YoungPerson


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Robin",
        family_name="Casepage",
        date_of_birth=date(2010, 2, 3),
        is_synthetic=True,
    )


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def lead(make_user):
    return make_user(Role.PRACTITIONER, "charity")


@pytest.fixture
def case(coordinator, lead, person):
    return do_open_case(actor=coordinator, young_person=person, lead=lead)


def _later(days: int = 10) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_the_lead_sees_the_case_in_their_list_and_opens_it(signed_in, case, lead):
    client = signed_in(lead)
    listing = client.get("/cases/")
    assert listing.status_code == 200
    assert case.reference in listing.content.decode()
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Robin Casepage" in page.content.decode()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.PRACTITIONER, "police"),
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "council"),
        (Role.IG_OFFICER, "health"),
    ],
)
def test_anyone_outside_the_case_gets_404_and_the_refusal_is_audited(
    signed_in, make_user, case, role, agency
):
    client = signed_in(make_user(role, agency))
    for url in (
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/plan/",
        f"/cases/{case.pk}/review/",
        f"/cases/{case.pk}/close/",
    ):
        assert client.get(url).status_code == 404, url
    if role != Role.COMMUNITY_PARTNER:  # partners are stopped before any case view runs
        assert AuditEvent.objects.filter(
            object_type="case", object_id=str(case.pk), outcome=AuditOutcome.REFUSED
        ).exists()
    assert "Robin" not in client.get("/cases/").content.decode()


def test_a_mash_screener_sees_every_case(signed_in, make_user, case):
    client = signed_in(make_user(Role.MASH_SCREENER, "csc"))
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_a_missing_case_is_404(signed_in, coordinator):
    assert signed_in(coordinator).get("/cases/999999/").status_code == 404


def test_the_lead_builds_the_team_and_the_member_then_sees_the_case(
    signed_in, make_user, case, lead
):
    nurse = make_user(Role.PRACTITIONER, "health")
    client = signed_in(lead)
    assert client.get(f"/cases/{case.pk}/team/").status_code == 200
    response = client.post(f"/cases/{case.pk}/team/", {"user": nurse.pk, "role": "School nurse"})
    assert response.status_code == 302
    assert policy.active_relationships(nurse).filter(young_person=case.young_person).exists()
    member = case.members.get(user=nurse)
    response = client.post(f"/cases/{case.pk}/team/{member.pk}/remove/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(
        f"/cases/{case.pk}/team/{member.pk}/remove/", {"reason": "Left the school"}
    )
    assert response.status_code == 302
    assert not policy.active_relationships(nurse).filter(young_person=case.young_person).exists()


def test_a_team_member_cannot_change_the_team(signed_in, make_user, case, coordinator):
    nurse = make_user(Role.PRACTITIONER, "health")
    do_add_case_member(actor=coordinator, case=case, user=nurse)
    client = signed_in(nurse)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/team/").status_code == 404
    assert client.post(f"/cases/{case.pk}/close/", {}).status_code == 404


def test_a_team_member_adds_an_action_for_another_agency(signed_in, make_user, case, agencies):
    client = signed_in(case.lead)
    response = client.post(
        f"/cases/{case.pk}/plan/",
        {"title": "Return home interview", "owner_agency": agencies["csc"].pk, "due_on": _later()},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.case == case
    assert action.owner_agency == agencies["csc"]
    note = Notification.objects.get(kind="action_assigned")
    assert note.agency == agencies["csc"]
    assert "Robin" not in note.message


def test_an_action_with_a_past_due_date_is_refused_on_the_form(signed_in, case, agencies):
    client = signed_in(case.lead)
    response = client.post(
        f"/cases/{case.pk}/plan/",
        {"title": "Visit", "owner_agency": agencies["csc"].pk, "due_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "The due date must be today or later" in response.content.decode()
    assert not Action.objects.exists()


def test_the_owner_completes_their_action_and_an_outsider_cannot_see_it(
    signed_in, make_user, case, agencies, client
):
    officer = make_user(Role.PRACTITIONER, "police")
    action = do_assign_action(
        actor=case.lead,
        title="Child abduction warning notice",
        owner_agency=agencies["police"],
        owner=officer,
        due_on=timezone.localdate() + timedelta(days=3),
        case=case,
    )
    outsider = make_user(Role.PRACTITIONER, "school")
    signed_in(outsider)
    assert client.get(f"/cases/actions/{action.pk}/").status_code == 404
    assert client.post(f"/cases/actions/{action.pk}/complete/", {"note": "x"}).status_code == 404
    client.logout()
    signed_in(officer)
    assert "Child abduction warning notice" in client.get("/cases/actions/").content.decode()
    assert client.post(f"/cases/actions/{action.pk}/complete/", {"note": ""}).status_code == 400
    response = client.post(f"/cases/actions/{action.pk}/complete/", {"note": "Served"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    again = client.post(f"/cases/actions/{action.pk}/complete/", {"note": "Served twice"})
    assert again.status_code in (400, 404)
    action.refresh_from_db()
    assert action.completion_note == "Served"


def test_a_review_moves_the_next_review_date(signed_in, case):
    client = signed_in(case.lead)
    assert client.get(f"/cases/{case.pk}/review/").status_code == 200
    next_due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        f"/cases/{case.pk}/review/",
        {
            "held_on": timezone.localdate().isoformat(),
            "summary": "Attending school again; no missing episodes this month.",
            "risk_rating": "amber",
            "risk_notes": "Still in contact with the older group.",
            "next_review_due": next_due.isoformat(),
            "review_every_days": "28",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_review_due == next_due
    assert case.review_every_days == 28
    assert CaseReview.objects.get().risk_rating == "amber"


def test_a_review_in_the_future_is_refused(signed_in, case):
    response = signed_in(case.lead).post(
        f"/cases/{case.pk}/review/",
        {
            "held_on": _later(3),
            "summary": "Too early",
            "risk_rating": "green",
            "next_review_due": _later(30),
            "review_every_days": "42",
        },
    )
    assert response.status_code == 400
    assert not CaseReview.objects.exists()


def test_an_overdue_review_is_shown_on_the_case_and_list(signed_in, case, coordinator):
    Case.objects.filter(pk=case.pk).update(next_review_due=timezone.localdate() - timedelta(days=3))
    client = signed_in(coordinator)
    assert "Review overdue" in client.get("/cases/").content.decode()
    assert "The review was due on" in client.get(f"/cases/{case.pk}/").content.decode()
    assert case.reference in client.get("/cases/?show=review").content.decode()


def test_the_young_persons_views_are_kept(signed_in, case):
    client = signed_in(case.lead)
    response = client.post(
        f"/cases/{case.pk}/views/", {"views": "I want to stay at my nan's and go to college."}
    )
    assert response.status_code == 302
    assert "stay at my nan" in client.get(f"/cases/{case.pk}/").content.decode()


def test_closing_needs_open_actions_finished_then_ends_need_to_know(
    signed_in, case, agencies, coordinator
):
    action = do_assign_action(
        actor=case.lead,
        title="Visit",
        owner_agency=agencies["school"],
        due_on=timezone.localdate() + timedelta(days=3),
        case=case,
    )
    client = signed_in(case.lead)
    data = {"outcome_code": "risk_reduced", "note": "Settled at college; no missing episodes."}
    response = client.post(f"/cases/{case.pk}/close/", data)
    assert response.status_code == 400
    assert "still open" in response.content.decode()
    client.post(f"/cases/actions/{action.pk}/cancel/", {"reason": "No longer needed"})
    assert client.post(f"/cases/{case.pk}/close/", data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome_code == "risk_reduced"
    assert (
        not policy.active_relationships(case.lead).filter(young_person=case.young_person).exists()
    )
    # The lead's need to know has ended: the case drops out of their view; the coordinator
    # keeps it and can reopen it.
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/reopen/").status_code == 404
    assert f'href="/cases/{case.pk}/"' not in client.get("/cases/?show=closed").content.decode()
    client.logout()
    coordinator_client = signed_in(coordinator)
    assert case.reference in coordinator_client.get("/cases/?show=closed").content.decode()
    response = coordinator_client.post(f"/cases/{case.pk}/reopen/", {"reason": "New concerns"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert policy.active_relationships(case.lead).filter(young_person=case.young_person).exists()


def test_a_case_turning_18_is_flagged_and_gets_a_transition_plan(
    signed_in, coordinator, lead, agencies
):
    nearly = YoungPerson.objects.create(
        given_name="Kai",
        family_name="Nearly",
        date_of_birth=timezone.localdate() - timedelta(days=365 * 18 - 60),
        is_synthetic=True,
    )
    case = do_open_case(actor=coordinator, young_person=nearly, lead=lead)
    client = signed_in(coordinator)
    assert "Turns 18 on" in client.get("/cases/").content.decode()
    assert case.reference in client.get("/cases/?show=transition").content.decode()
    response = client.post(
        f"/cases/{case.pk}/transition/",
        {
            "handover_on": _later(50),
            "adult_services_agency": agencies["council"].pk,
            "adult_services_contact": "",
        },
    )
    assert response.status_code == 400
    response = client.post(
        f"/cases/{case.pk}/transition/",
        {
            "handover_on": _later(50),
            "adult_services_agency": agencies["council"].pk,
            "adult_services_contact": "A. Worker, transitions team, 01234 567890",
            "vawg_agency": agencies["charity"].pk,
            "vawg_contact": "Outreach worker",
        },
    )
    assert response.status_code == 302
    plan = TransitionPlan.objects.get(case=case)
    assert plan.vawg_agency == agencies["charity"]
    assert "A. Worker" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_young_person_far_from_18_is_not_flagged(signed_in, case, coordinator):
    assert "Turns 18 on" not in signed_in(coordinator).get("/cases/").content.decode()


def test_changing_the_lead_to_someone_from_another_agency(signed_in, make_user, case, coordinator):
    officer = make_user(Role.PRACTITIONER, "police")
    client = signed_in(coordinator)
    response = client.post(f"/cases/{case.pk}/lead/", {"lead": officer.pk, "reason": "Police lead"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead == officer
    assert case.lead_agency.short_name == "POL"


def test_home_panels_show_actions_cases_and_overdue_work(
    signed_in, make_user, case, coordinator, agencies, client
):
    officer = make_user(Role.PRACTITIONER, "police")
    do_assign_action(
        actor=coordinator,
        title="Licensing visit to the Station Hotel",
        owner_agency=agencies["police"],
        owner=officer,
        due_on=timezone.localdate() - timedelta(days=2),
        case=case,
        allow_past_due=True,
    )
    signed_in(officer)
    home = client.get("/").content.decode()
    assert "Licensing visit to the Station Hotel" in home
    assert 'href="/cases/"' in home  # the Cases section in the navigation
    client.logout()
    Case.objects.filter(pk=case.pk).update(lead=coordinator)
    signed_in(coordinator)
    home = client.get("/").content.decode()
    assert f"{case.reference} Robin Casepage" in home
    assert "Licensing visit to the Station Hotel (POL)" in home


def test_the_young_persons_page_links_to_their_case_for_the_team_only(
    signed_in, make_user, case, client
):
    signed_in(case.lead)
    page = client.get(f"/young-people/{case.young_person.pk}/").content.decode()
    assert f"Case {case.reference}" in page
    client.logout()
    signed_in(make_user(Role.PRACTITIONER, "police"))
    page = client.get(f"/young-people/{case.young_person.pk}/").content.decode()
    assert f"Case {case.reference}" not in page


def test_mase_actions_for_the_young_person_show_on_the_case_for_the_team(
    signed_in, make_user, case, coordinator, agencies, client
):
    from cases.models import ActionSource

    action = do_assign_action(
        actor=coordinator,
        title="Offer a sexual health appointment",
        owner_agency=agencies["health"],
        due_on=timezone.localdate() + timedelta(days=5),
        young_person=case.young_person,
        source=ActionSource.MASE,
    )
    signed_in(case.lead)  # in the voluntary sector: not the owning agency
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Other actions for this young person" in page
    assert "Offer a sexual health appointment" in page
    assert client.get(f"/cases/actions/{action.pk}/").status_code == 200
    client.logout()
    signed_in(make_user(Role.PRACTITIONER, "police"))
    assert client.get(f"/cases/actions/{action.pk}/").status_code == 404
