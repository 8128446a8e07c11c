"""Action follows sharing: strategy discussions, actions or decisions not to act for every
accepted referral, and the referral pathways an administrator sets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import queries
from cases.actions import do_decide_not_to_act
from cases.models import Action, Case, CaseStatus, DecisionNotToAct, StrategyDiscussion
from governance.models import AuditAction, AuditEvent
from partnership.models import Role, ServiceKind
from people.models import YoungPerson
from referrals.actions import do_refer, do_screen, receiving_agency
from referrals.models import Referral, ReferralPathway, ReferralSource


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Jesse", family_name="Outcome", date_of_birth=date(2011, 1, 2), is_synthetic=True
    )


@pytest.fixture
def screener(make_user):
    return make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc", username="csc.coordinator")


def _screened(make_user, person, screener, decision: str) -> Referral:
    referrer = make_user(Role.PRACTITIONER, "school", username=f"school.{decision}")
    referral = do_refer(
        actor=referrer,
        young_person=person,
        concern="Older man collecting from school.",
        consent_status="consented",
        lawful_basis="consent",
        next_steps_discussed=True,
    )
    do_screen(
        actor=screener,
        referral=referral,
        rating="red",
        rationale="Pattern of collection by unknown adults.",
        decision=decision,
        decision_reason="Known elsewhere" if decision == "no_further_action" else "",
    )
    return Referral.objects.get(pk=referral.pk)


def _strategy(agencies, chair, decision: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "held_on": timezone.localdate().isoformat(),
        "chair": chair.pk,
        "agencies_present": [agencies["police"].pk, agencies["csc"].pk, agencies["school"].pk],
        "attendees": "DS Test (police), SW Test (CSC), DSL (school)",
        "summary": "Police hold two missing episodes; school reports a new older boyfriend.",
        "decision": decision,
    }
    data.update(extra)
    return data


def test_an_accepted_referral_without_outcome_is_listed_until_decided(
    signed_in, make_user, person, screener, coordinator
):
    referral = _screened(make_user, person, screener, "single_agency")
    declined = _screened(make_user, person, screener, "no_further_action")
    assert list(queries.referrals_without_outcome(coordinator)) == [referral]
    client = signed_in(coordinator)
    listing = client.get("/cases/referrals/").content.decode()
    assert referral.receipt in listing
    assert declined.receipt not in listing
    response = client.post(f"/cases/referrals/{referral.pk}/no-action/", {"reason": "short"})
    assert response.status_code == 400
    response = client.post(
        f"/cases/referrals/{referral.pk}/no-action/",
        {"reason": "Already supported by the school's early help plan; reviewed with the DSL."},
    )
    assert response.status_code == 302
    assert DecisionNotToAct.objects.get().decided_by == coordinator
    assert referral.receipt not in client.get("/cases/referrals/").content.decode()


def test_an_action_on_the_referral_answers_it(
    signed_in, make_user, person, screener, coordinator, agencies
):
    referral = _screened(make_user, person, screener, "single_agency")
    client = signed_in(coordinator)
    response = client.post(
        f"/cases/referrals/{referral.pk}/action/",
        {
            "title": "Early help assessment",
            "owner_agency": agencies["school"].pk,
            "due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.referral == referral
    assert action.young_person == person
    assert not queries.referrals_without_outcome(coordinator).exists()


def test_a_second_decision_not_to_act_is_refused(make_user, person, screener, coordinator):
    referral = _screened(make_user, person, screener, "single_agency")
    do_decide_not_to_act(actor=coordinator, referral=referral, reason="Known to the CSE team.")
    with pytest.raises(ValidationError):
        do_decide_not_to_act(actor=coordinator, referral=referral, reason="Known to the CSE team.")


def test_practitioners_partners_and_administrators_cannot_reach_outcomes(
    signed_in, make_user, person, screener
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    for role, agency in (
        (Role.PRACTITIONER, "police"),
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.ADMINISTRATOR, "council"),
    ):
        client = signed_in(make_user(role, agency))
        for url in (
            "/cases/referrals/",
            f"/cases/referrals/{referral.pk}/",
            f"/cases/referrals/{referral.pk}/strategy/",
        ):
            assert client.get(url).status_code == 404, (role, url)
        assert (
            client.post(f"/cases/referrals/{referral.pk}/no-action/", {"reason": "x" * 20})
        ).status_code == 404
        client.logout()
    assert not DecisionNotToAct.objects.exists()


def test_a_screener_of_another_agency_cannot_see_the_referral(
    signed_in, make_user, person, screener
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    other = make_user(Role.MASH_SCREENER, "police", service=ServiceKind.MASH)
    assert signed_in(other).get(f"/cases/referrals/{referral.pk}/").status_code == 404


def test_a_strategy_discussion_opens_a_case_with_a_voluntary_sector_lead(
    signed_in, make_user, person, screener, agencies
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    youth_worker = make_user(Role.PRACTITIONER, "charity")
    client = signed_in(screener)
    page = client.get(f"/cases/referrals/{referral.pk}/")
    assert "Record the strategy discussion" in page.content.decode()
    assert client.get(f"/cases/referrals/{referral.pk}/strategy/").status_code == 200
    response = client.post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(agencies, screener, "open_case", lead=youth_worker.pk, review_every_days=28),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.lead == youth_worker
    assert case.referral == referral
    assert case.status == CaseStatus.OPEN
    assert case.next_review_due == timezone.localdate() + timedelta(days=28)
    discussion = StrategyDiscussion.objects.get()
    assert discussion.case == case
    assert discussion.agencies_present.count() == 3
    # A case with no actions yet is not an outcome: the referral stays on the list.
    assert list(queries.referrals_without_outcome(screener)) == [referral]


def test_strategy_discussion_inputs_are_checked(signed_in, make_user, person, screener, agencies):
    referral = _screened(make_user, person, screener, "cse_case")
    client = signed_in(screener)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(agencies, screener, "open_case", held_on=future, agencies_present=[]),
    )
    assert response.status_code == 400
    response = client.post(
        f"/cases/referrals/{referral.pk}/strategy/", _strategy(agencies, screener, "open_case")
    )
    assert response.status_code == 400
    assert "Choose the lead professional" in response.content.decode()
    response = client.post(
        f"/cases/referrals/{referral.pk}/strategy/", _strategy(agencies, screener, "no_case")
    )
    assert response.status_code == 400
    assert not StrategyDiscussion.objects.exists()


def test_no_case_is_the_decision_not_to_act(signed_in, make_user, person, screener, agencies):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    response = signed_in(screener).post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(
            agencies, screener, "no_case", decision_reason="Family moved; shared with the new area."
        ),
    )
    assert response.status_code == 302
    assert "Family moved" in DecisionNotToAct.objects.get(referral=referral).reason
    assert not Case.objects.exists()


def test_single_agency_support_sets_that_agencys_action(
    signed_in, make_user, person, screener, agencies
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = signed_in(screener).post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(
            agencies,
            screener,
            "single_agency",
            single_agency=agencies["health"].pk,
            single_agency_action="School nurse drop-in sessions",
            single_agency_due_on=due,
        ),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner_agency == agencies["health"]
    assert action.referral == referral
    assert not queries.referrals_without_outcome(screener).exists()


def test_a_referral_screened_single_agency_has_no_strategy_form(
    signed_in, make_user, person, screener
):
    referral = _screened(make_user, person, screener, "single_agency")
    assert signed_in(screener).get(f"/cases/referrals/{referral.pk}/strategy/").status_code == 404


def test_a_case_opened_before_the_discussion_moves_to_open_after_it(
    signed_in, make_user, person, screener, agencies
):
    referral = _screened(make_user, person, screener, "cse_case")
    youth_worker = make_user(Role.PRACTITIONER, "charity")
    client = signed_in(screener)
    response = client.post(f"/cases/referrals/{referral.pk}/open/", {"lead": youth_worker.pk})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.STRATEGY_DISCUSSION
    assert client.get(f"/cases/{case.pk}/strategy/").status_code == 200
    response = client.post(
        f"/cases/{case.pk}/strategy/", _strategy(agencies, screener, "open_case")
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    discussion = StrategyDiscussion.objects.get()
    assert client.get(f"/cases/strategy/{discussion.pk}/").status_code == 200
    # The case is no longer awaiting a discussion.
    assert client.get(f"/cases/{case.pk}/strategy/").status_code == 404


def test_an_outsider_cannot_read_the_strategy_discussion(
    signed_in, make_user, person, screener, agencies
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    signed_in(screener).post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(agencies, screener, "no_case", decision_reason="Moved out of the area."),
    )
    discussion = StrategyDiscussion.objects.get()
    officer = make_user(Role.PRACTITIONER, "police")
    from django.test import Client

    from conftest import sign_in_fully

    other = Client()
    sign_in_fully(other, officer)
    assert other.get(f"/cases/strategy/{discussion.pk}/").status_code == 404


def test_an_administrator_sets_a_pathway_and_referrals_follow_it(
    signed_in, make_user, person, screener, agencies
):
    admin = make_user(Role.ADMINISTRATOR, "council")
    client = signed_in(admin)
    assert client.get("/cases/pathways/").status_code == 200
    response = client.post(
        "/cases/pathways/",
        {
            "source": "practitioner",
            "kind": "criminal_exploitation",
            "receiving_agency": agencies["yot"].pk,
        },
    )
    assert response.status_code == 302
    assert receiving_agency(ReferralSource.PRACTITIONER, "criminal_exploitation") == agencies["yot"]
    assert receiving_agency(ReferralSource.PRACTITIONER, "missing") == screener.agency
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIGURE, object_type="referral_pathway"
    ).exists()
    refused = client.post(
        "/cases/pathways/", {"source": "practitioner", "receiving_agency": agencies["hotel"].pk}
    )
    assert refused.status_code == 400
    pathway = ReferralPathway.objects.get()
    assert client.post(f"/cases/pathways/{pathway.pk}/remove/").status_code == 302
    assert not ReferralPathway.objects.exists()


def test_only_administrators_reach_the_pathways(signed_in, make_user, coordinator):
    assert signed_in(coordinator).get("/cases/pathways/").status_code == 404


def test_a_referral_of_a_kind_goes_where_its_pathway_says(
    signed_in, make_user, person, screener, agencies
):
    ReferralPathway.objects.create(
        source="practitioner", kind="criminal_exploitation", receiving_agency=agencies["yot"]
    )
    dsl = make_user(Role.PRACTITIONER, "school")
    response = signed_in(dsl).post(
        f"/referrals/refer/{person.pk}/",
        {
            "kind": "criminal_exploitation",
            "concern": "Carrying large amounts of cash and two phones.",
            "consent_status": "consented",
            "lawful_basis": "consent",
            "next_steps_discussed": "yes",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.receiving_agency == agencies["yot"]
    assert referral.kind == "criminal_exploitation"


def test_a_second_discussion_cannot_answer_a_referral_that_already_has_a_case(
    signed_in, make_user, person, screener, agencies
):
    referral = _screened(make_user, person, screener, "strategy_discussion")
    lead = make_user(Role.PRACTITIONER, "charity")
    client = signed_in(screener)
    client.post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(agencies, screener, "open_case", lead=lead.pk),
    )
    response = client.post(
        f"/cases/referrals/{referral.pk}/strategy/",
        _strategy(agencies, screener, "no_case", decision_reason="Changed our minds entirely."),
    )
    assert response.status_code == 400
    assert "A case is already open from this referral" in response.content.decode()
    assert not DecisionNotToAct.objects.exists()


def test_a_later_action_for_the_young_person_answers_the_referral_unless_cancelled(
    make_user, person, screener, coordinator, agencies
):
    from cases.actions import do_assign_action, do_cancel_action
    from cases.models import ActionSource

    referral = _screened(make_user, person, screener, "single_agency")
    action = do_assign_action(
        actor=coordinator,
        title="Daily check-in at school",
        owner_agency=agencies["school"],
        due_on=timezone.localdate() + timedelta(days=5),
        young_person=person,
        source=ActionSource.MASE,
    )
    assert not queries.referrals_without_outcome(coordinator).exists()
    assert queries.outcome_of(referral)
    do_cancel_action(actor=coordinator, action=action, reason="Agreed at MASE it is not needed")
    assert list(queries.referrals_without_outcome(coordinator)) == [referral]
    assert queries.outcome_of(referral) == ""
