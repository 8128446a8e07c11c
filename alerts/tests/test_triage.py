"""The coordinator's triage queue and an alert's page, as each role sees them, and the
decisions: accept into a referral or a case action, dismiss with a reason, merge."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from alerts import actions, queries
from alerts.models import Alert, AlertEvidence, AlertStatus, DismissReason, ReplayRun
from cases.actions import do_open_case
from cases.models import Action
from cases.queries import referrals_without_outcome
from conftest import sign_in_fully
from governance.actions import do_add_relationship
from governance.models import AuditEvent, AuditOutcome
from partnership.models import Role, ServiceKind
from people.models import YoungPerson
from records.tests.helpers import record
from referrals.actions import do_screen
from referrals.models import Referral
from referrals.queries import referrals_to_screen


def _person(given: str, family: str) -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given, family_name=family, date_of_birth=date(2011, 3, 4), is_synthetic=True
    )


@pytest.fixture
def world(make_user, make_rule, make_alert) -> dict[str, Any]:
    coordinator = make_user(Role.COORDINATOR, "charity")
    screener = make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH)
    dsl = make_user(Role.PRACTITIONER, "school", username="school.dsl")
    nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SEXUAL_HEALTH)
    officer = make_user(Role.PRACTITIONER, "police")
    casey = _person("Casey", "Alertexample")
    riley = _person("Riley", "Alertsample")
    school = record(dsl, casey, title="Left after registration with an older girl")
    clinic = record(
        nurse, casey, type_code="sexual-health-attendance", title="Attended with an older male"
    )
    charity = record(coordinator, casey, title="Youth worker saw a new phone and cash")
    police = record(officer, riley, title="Missing overnight, found at a flat")
    do_add_relationship(
        actor=None, young_person=casey, user=dsl, kind="case_team", reason="Designated lead"
    )
    rule = make_rule(name="Several agencies concerned")
    other_rule = make_rule(name="Repeat missing")
    about_casey = make_alert(rule, [casey], [school, clinic, charity])
    about_riley = make_alert(other_rule, [riley], [police], days_ago=0)
    return {
        "coordinator": coordinator,
        "screener": screener,
        "dsl": dsl,
        "officer": officer,
        "casey": casey,
        "riley": riley,
        "rule": rule,
        "other_rule": other_rule,
        "about_casey": about_casey,
        "about_riley": about_riley,
        "records": {"school": school, "clinic": clinic, "charity": charity, "police": police},
    }


NAV_LINK = 'class="govuk-service-navigation__link" href="/alerts/"'


def _client(user) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


# --- Who sees which alert -----------------------------------------------------------------------


def test_the_coordinator_sees_every_open_alert_newest_first(world):
    page = _client(world["coordinator"]).get("/alerts/").content.decode()
    table = page[page.index("<table") :]
    assert table.index("Repeat missing") < table.index("Several agencies concerned")
    assert "Casey Alertexample" in page
    assert "Riley Alertsample" in page
    assert "risk score" not in page.lower()
    assert "prompt for professional curiosity" in page


def test_the_queue_filters_by_rule_and_status(world, make_alert):
    world["about_riley"].status = AlertStatus.DISMISSED
    world["about_riley"].save()
    client = _client(world["coordinator"])
    page = client.get("/alerts/").content.decode()
    assert "Riley Alertsample" not in page  # open alerts by default
    dismissed = client.get("/alerts/", {"status": "dismissed"}).content.decode()
    assert "Riley Alertsample" in dismissed
    assert "Casey Alertexample" not in dismissed
    by_rule = client.get("/alerts/", {"status": "", "rule": world["rule"].pk}).content.decode()
    assert "Casey Alertexample" in by_rule
    assert "Riley Alertsample" not in by_rule


def test_a_practitioner_sees_only_alerts_about_young_people_they_work_with(world):
    client = _client(world["dsl"])
    page = client.get("/alerts/").content.decode()
    assert "Casey Alertexample" in page
    assert "Riley Alertsample" not in page
    assert client.get(f"/alerts/{world['about_casey'].pk}/").status_code == 200
    assert client.get(f"/alerts/{world['about_riley'].pk}/").status_code == 404
    refused = AuditEvent.objects.filter(
        object_type="alert", object_id=str(world["about_riley"].pk), outcome=AuditOutcome.REFUSED
    )
    assert refused.count() == 1


def test_another_agencys_practitioner_without_a_relationship_sees_no_alert(world):
    client = _client(world["officer"])  # police: recorded about Riley, but no relationship
    page = client.get("/alerts/").content.decode()
    assert "No alerts here." in page
    assert client.get(f"/alerts/{world['about_casey'].pk}/").status_code == 404
    assert client.get(f"/alerts/{world['about_riley'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "csc"),
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.IG_OFFICER, "health"),
    ],
)
def test_roles_outside_casework_never_see_alerts(world, make_user, role, agency):
    client = _client(make_user(role, agency))
    assert client.get("/alerts/").status_code == 404
    assert client.get(f"/alerts/{world['about_casey'].pk}/").status_code == 404
    assert NAV_LINK not in client.get("/").content.decode()  # nor in the navigation


def test_alerts_from_a_replay_never_reach_the_queue(world, make_alert):
    run = ReplayRun.objects.create(
        name="Last year", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    replayed = make_alert(world["rule"], [world["riley"]], replay_run=run, days_ago=400)
    client = _client(world["coordinator"])
    assert client.get(f"/alerts/{replayed.pk}/").status_code == 404
    assert replayed not in queries.alerts_for(world["coordinator"])


# --- Evidence at the gate's level ---------------------------------------------------------------


def test_the_coordinator_reads_each_record_only_at_the_level_the_agreement_allows(world):
    # The coordinator works for the voluntary sector: the default agreement shares education
    # records with it at summary, sexual health at existence only; its own record in full.
    page = _client(world["coordinator"]).get(f"/alerts/{world['about_casey'].pk}/")
    text = page.content.decode()
    assert "HLT holds a linked record" in text
    assert "Attended with an older male" not in text
    assert "Sexual health attendance" not in text
    assert "Testshire Education" in text
    assert "Concern" in text
    assert "Left after registration" not in text  # summary: no title
    assert "Youth worker saw a new phone and cash" in text  # its own agency: full
    assert "risk score" not in text.lower()


def test_the_school_dsl_reads_their_own_record_in_full_and_health_only_as_held(world):
    text = _client(world["dsl"]).get(f"/alerts/{world['about_casey'].pk}/").content.decode()
    assert "Left after registration with an older girl" in text
    assert "HLT holds a linked record" in text
    assert "Attended with an older male" not in text


def test_a_record_the_viewer_may_not_know_of_is_not_shown_at_all(world, make_user, make_alert):
    intelligence = make_user(Role.PRACTITIONER, "police", service=ServiceKind.INTELLIGENCE)
    secret = record(intelligence, world["casey"], title="Source says Casey carries for Jay")
    AlertEvidence.objects.create(alert=world["about_casey"], record=secret, added_at=timezone.now())
    shown = queries.view_of(world["coordinator"], world["about_casey"])
    assert secret.category == "intelligence"
    assert secret.pk not in {item.record_pk for item in shown.evidence}  # voluntary: nothing
    assert len(shown.evidence) == 3
    assert "POL" not in shown.agencies


# --- Accepting -----------------------------------------------------------------------------------


def _referral_form(alert: Alert, **changes: str) -> dict[str, str]:
    return {
        "young_person": str(alert.young_people.get().pk),
        "kind": "sexual_exploitation",
        "concern": "Three agencies' concerns in a fortnight: school, health and youth work.",
        "consent_status": "consented",
        "lawful_basis": "consent",
        "reason_without_consent": "",
        "next_steps_discussed": "yes",
        "note": "",
        **changes,
    }


def test_accepting_into_a_referral_sends_it_to_the_mash_and_action_follows_sharing(world):
    alert = world["about_casey"]
    client = _client(world["coordinator"])
    form = client.get(f"/alerts/{alert.pk}/accept/referral/")
    assert form.status_code == 200
    response = client.post(f"/alerts/{alert.pk}/accept/referral/", _referral_form(alert))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED
    assert alert.decided_by == world["coordinator"]
    referral = alert.referral
    assert referral is not None
    assert referral.young_person == world["casey"]
    event = AuditEvent.objects.filter(object_type="alert", object_id=str(alert.pk)).last()
    assert event is not None
    assert event.details["decision"] == "accepted"
    # The MASH screens it, and an accepted screening is followed until something is done.
    assert referral in referrals_to_screen(world["screener"])
    do_screen(
        actor=world["screener"],
        referral=referral,
        rating="amber",
        rationale="Several agencies' concerns together.",
        decision="single_agency",
    )
    assert Referral.objects.get(pk=referral.pk) in referrals_without_outcome(world["coordinator"])
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert referral.receipt in page
    assert "Accept: refer" not in page


def test_only_the_coordinator_may_accept(world):
    alert = world["about_casey"]
    client = _client(world["screener"])
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200  # sees it
    assert "Accept: refer" not in client.get(f"/alerts/{alert.pk}/").content.decode()
    response = client.post(f"/alerts/{alert.pk}/accept/referral/", _referral_form(alert))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.do_dismiss_alert(actor=world["screener"], alert=alert, reason="explained")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not Referral.objects.exists()


def test_accepting_into_a_case_action_adds_it_to_the_open_case(world):
    alert = world["about_casey"]
    case = do_open_case(actor=world["coordinator"], young_person=world["casey"], lead=world["dsl"])
    client = _client(world["coordinator"])
    assert "Accept: add a case action" in client.get(f"/alerts/{alert.pk}/").content.decode()
    response = client.post(
        f"/alerts/{alert.pk}/accept/action/",
        {
            "case": case.pk,
            "title": "Return home interview and a talk with the school nurse",
            "detail": "",
            "owner_agency": world["dsl"].agency_id,
            "owner": "",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED
    action = Action.objects.get(pk=alert.case_action_id)
    assert action.case == case
    assert action.owner_agency == world["dsl"].agency


def test_a_case_action_must_be_for_the_alerts_young_person(world):
    case = do_open_case(actor=world["coordinator"], young_person=world["riley"], lead=world["dsl"])
    with pytest.raises(ValidationError) as refused:
        actions.do_accept_into_case_action(
            actor=world["coordinator"],
            alert=world["about_casey"],
            case=case,
            title="Visit",
            owner_agency=world["dsl"].agency,
            due_on=timezone.localdate(),
        )
    assert "case" in refused.value.message_dict


# --- Dismissing ----------------------------------------------------------------------------------


def test_dismissing_without_a_reason_is_refused_naming_the_field(world):
    alert = world["about_casey"]
    client = _client(world["coordinator"])
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": "", "note": ""})
    assert response.status_code == 400
    assert "Choose why the alert needs no action" in response.content.decode()
    other = client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": "other", "note": " "})
    assert other.status_code == 400
    assert 'id="id_note-error"' in other.content.decode()
    assert "Say why the alert needs no action." in other.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_dismissing_with_a_reason_counts_in_the_rules_record(world):
    alert = world["about_casey"]
    client = _client(world["coordinator"])
    response = client.post(
        f"/alerts/{alert.pk}/dismiss/", {"reason": DismissReason.KNOWN_AND_ACTED_ON, "note": ""}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.dismiss_reason) == ("dismissed", "known")
    with pytest.raises(ValidationError):  # decided once
        actions.do_dismiss_alert(actor=world["coordinator"], alert=alert, reason="explained")
    record = queries.rule_record(world["rule"])
    assert (record.raised, record.dismissed, record.still_open) == (1, 1, 0)
    assert record.dismissed_by_reason == [("Already known and being acted on", 1)]


# --- Merging -------------------------------------------------------------------------------------


def test_merging_links_the_evidence_and_keeps_the_merged_alert(world, make_alert):
    later = make_alert(world["other_rule"], [world["casey"]], [world["records"]["school"]])
    client = _client(world["coordinator"])
    form = client.get(f"/alerts/{later.pk}/merge/").content.decode()
    assert f"Alert {world['about_casey'].pk}" in form
    assert f"Alert {world['about_riley'].pk}:" not in form  # another young person: not offered
    response = client.post(f"/alerts/{later.pk}/merge/", {"into": world["about_casey"].pk})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == AlertStatus.MERGED
    assert later.merged_into == world["about_casey"]
    # The shared record is linked once; the merged alert keeps its own evidence.
    assert world["about_casey"].evidence.count() == 3
    assert later.evidence.count() == 1
    page = client.get(f"/alerts/{world['about_casey'].pk}/").content.decode()
    assert f"Alert {later.pk}" in page


def test_merging_into_an_alert_about_another_young_person_is_refused(world):
    client = _client(world["coordinator"])
    response = client.post(
        f"/alerts/{world['about_casey'].pk}/merge/", {"into": world["about_riley"].pk}
    )
    assert response.status_code == 400
    assert "only into one about the same young people" in response.content.decode()
    world["about_casey"].refresh_from_db()
    assert world["about_casey"].status == AlertStatus.OPEN


def test_a_decided_alert_offers_no_decisions(world):
    alert = world["about_casey"]
    actions.do_dismiss_alert(actor=world["coordinator"], alert=alert, reason="explained")
    client = _client(world["coordinator"])
    assert client.get(f"/alerts/{alert.pk}/dismiss/").status_code == 404
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Explained: an innocent reason is known" in page
    assert "Dismiss</a>" not in page


# --- Navigation and the home page ----------------------------------------------------------------


def test_the_navigation_and_the_coordinators_home_page_show_the_alerts(world):
    home = _client(world["coordinator"]).get("/").content.decode()
    assert NAV_LINK in home
    assert "2 open alerts to triage" in home
    practitioner_home = _client(world["officer"]).get("/").content.decode()
    assert NAV_LINK in practitioner_home  # may see alerts about young people they work with


def test_an_alert_may_be_added_to_a_referral_awaiting_screening_instead_of_a_second_one(
    world,
):
    alert = world["about_casey"]
    client = _client(world["coordinator"])
    waiting = client.post(
        f"/alerts/{alert.pk}/accept/referral/", _referral_form(alert)
    )  # a first alert opened a referral; now a second alert about Casey
    assert waiting.status_code == 302
    referral = Referral.objects.get()
    second = Alert.objects.create(
        rule=world["other_rule"],
        rule_version=world["other_rule"].versions.get(),
        key="second",
        raised_at=timezone.now(),
        updated_at=timezone.now(),
    )
    second.young_people.set([world["casey"]])
    page = client.get(f"/alerts/{second.pk}/").content.decode()
    assert f"Accept: add this alert to {referral.receipt}" in page
    response = client.post(
        f"/alerts/{second.pk}/accept/referral/{referral.pk}/", {"note": "Same worry."}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == AlertStatus.ACCEPTED
    assert second.referral == referral
    assert Referral.objects.count() == 1
    # A referral about somebody else is not offered, and refused if asked for.
    other = client.get(f"/alerts/{world['about_riley'].pk}/accept/referral/{referral.pk}/")
    assert other.status_code == 404


def test_the_case_action_is_linked_only_for_those_who_may_open_it(world, make_user):
    alert = world["about_casey"]
    case = do_open_case(actor=world["coordinator"], young_person=world["casey"], lead=world["dsl"])
    actions.do_accept_into_case_action(
        actor=world["coordinator"],
        alert=alert,
        case=case,
        title="Talk with the school nurse",
        owner_agency=world["dsl"].agency,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    alert.refresh_from_db()
    coordinator_page = _client(world["coordinator"]).get(f"/alerts/{alert.pk}/").content.decode()
    assert f'href="/cases/actions/{alert.case_action_id}/"' in coordinator_page
    # A health practitioner who referred Casey: sees the alert, not the action, which neither
    # they nor their agency own and whose case they are not in.
    nurse = make_user(Role.PRACTITIONER, "health", username="health.other")
    do_add_relationship(
        actor=None, young_person=world["casey"], user=nurse, kind="referrer", reason="Referred"
    )
    nurse_client = _client(nurse)
    page = nurse_client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Talk with the school nurse" not in page
    assert "An action for Testshire Education" in page
    assert nurse_client.get(f"/cases/actions/{alert.case_action_id}/").status_code == 404


def test_the_alert_page_says_what_the_rule_noticed_with_the_parameters_that_raised_it(world):
    alert = world["about_casey"]
    rule = alert.rule
    rule.description = "Concerns from {agencies} or more agencies within {window_days} days."
    rule.save(update_fields=["description"])
    version = alert.rule_version
    version.parameters = {"agencies": 3, "window_days": 28}
    version.save(update_fields=["parameters"])

    page = _client(world["coordinator"]).get(f"/alerts/{alert.pk}/").content.decode()

    assert "Concerns from 3 or more agencies within 28 days." in page
    assert "{agencies}" not in page
