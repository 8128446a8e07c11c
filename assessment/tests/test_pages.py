"""The screening tool's pages, allowed and refused, as each role meets them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessment import queries
from assessment.models import Assessment, Level, ToolVersion
from assessment.tests.helpers import assess, join_case_team, person
from governance.models import AuditAction, AuditEvent, AuditOutcome
from partnership.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def assessed(coordinator):
    """A 15-year-old assessed by the coordinator (children's social care) four months ago, so
    the reassessment is overdue."""
    today = timezone.localdate()
    young = person(today - timedelta(days=15 * 366), given="Casey")
    made = assess(
        coordinator,
        young,
        today - timedelta(days=120),
        present=("missing_episodes", "older_associates", "gifts_money_phones"),
    )
    return young, made


def form_data(present=(), **extra):
    data = {"assessed_on": timezone.localdate().isoformat()}
    for indicator in queries.current_tool().indicators.filter(is_active=True):
        code = indicator.code
        if code in present:
            data[f"answer_{code}"] = "present"
            data[f"evidence_{code}"] = "Reported missing twice in May"
            data[f"source_{code}"] = "Police missing persons log"
        else:
            data[f"answer_{code}"] = "not_present"
    return data | extra


def test_a_case_team_practitioner_sees_the_history_with_the_overdue_reassessment(
    make_user, signed_in, assessed
):
    young, made = assessed
    practitioner = make_user(Role.PRACTITIONER, "school")
    join_case_team(practitioner, young)
    page = signed_in(practitioner).get(f"/assessments/young-person/{young.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reassessment overdue" in html
    assert f"/assessments/{made.pk}/" in html
    assert "only <strong>suggests</strong>" in html
    assert f"/assessments/young-person/{young.pk}/new/" in html
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cse_assessment").last()
    assert event is not None
    assert event.actor_id == practitioner.pk
    assert event.details["shown"] == [made.pk]


def test_the_history_is_a_table_oldest_first_with_a_chart_beside_it(coordinator, signed_in):
    young = person(date(2009, 9, 1))
    assess(
        coordinator,
        young,
        date(2024, 9, 1),
        present=("hotels_taxis", "older_associates", "missing_episodes"),
    )
    assess(coordinator, young, date(2024, 3, 1))
    assess(coordinator, young, date(2024, 6, 1), present=("school_absence",))
    html = signed_in(coordinator).get(f"/assessments/young-person/{young.pk}/").content.decode()
    table = html[html.index('data-testid="history"') :]
    positions = [table.index(day) for day in ("1 Mar 2024", "1 Jun 2024", "1 Sep 2024")]
    assert positions == sorted(positions)
    assert html.count("tessera-trend__point") == 3
    assert 'aria-hidden="true"' in html[html.index("tessera-trend__chart") - 60 :]


def test_another_agency_without_need_to_know_sees_only_that_an_assessment_exists(
    make_user, signed_in, assessed
):
    young, made = assessed
    outsider = make_user(Role.PRACTITIONER, "health")
    client = signed_in(outsider)
    html = client.get(f"/assessments/young-person/{young.pk}/").content.decode()
    assert "made an assessment you cannot see here" in html
    assert f"/assessments/{made.pk}/" not in html
    assert "/new/" not in html
    assert client.get(f"/assessments/{made.pk}/").status_code == 404
    refused = AuditEvent.objects.filter(outcome=AuditOutcome.REFUSED, object_type="cse_assessment")
    assert refused.filter(actor_id=outsider.pk, object_id=str(made.pk)).exists()


def test_the_assessors_own_agency_sees_the_assessment_in_full(make_user, signed_in, assessed):
    _young, made = assessed
    colleague = make_user(Role.PRACTITIONER, "csc")
    page = signed_in(colleague).get(f"/assessments/{made.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Police log 12" in html  # the evidence source, shown apart from opinion
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cse_assessment", object_id=str(made.pk)
    ).exists()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "council"),
        (Role.COMMUNITY_PARTNER, "hotel"),
    ],
)
def test_roles_that_read_no_case_content_get_404_everywhere(
    make_user, signed_in, assessed, role, agency
):
    young, made = assessed
    client = signed_in(make_user(role, agency))
    for path in (
        f"/assessments/young-person/{young.pk}/",
        f"/assessments/young-person/{young.pk}/new/",
        f"/assessments/{made.pk}/",
        "/assessments/due/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_community_partner_cannot_reach_the_tool_page(make_user, signed_in):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, "hotel"))
    assert client.get("/assessments/tool/").status_code == 404


def test_declined_consent_hides_another_agencys_assessment_even_from_a_screener(
    make_user, signed_in, assessed
):
    young, made = assessed
    screener = make_user(Role.MASH_SCREENER, "police")
    assert signed_in(screener).get(f"/assessments/{made.pk}/").status_code == 200
    young.consent_blocks_sharing = True
    young.save(update_fields=["consent_blocks_sharing"])
    assert signed_in(screener).get(f"/assessments/{made.pk}/").status_code == 404


def test_a_practitioner_outside_the_case_team_cannot_open_the_form(make_user, signed_in, assessed):
    young, _ = assessed
    client = signed_in(make_user(Role.PRACTITIONER, "school"))
    assert client.get(f"/assessments/young-person/{young.pk}/new/").status_code == 404
    assert client.post(f"/assessments/young-person/{young.pk}/new/", form_data()).status_code == 404
    assert Assessment.objects.count() == 1


def test_the_form_shows_the_suggestion_before_the_professional_decides(make_user, signed_in):
    young = person(date(2012, 1, 1))
    practitioner = make_user(Role.PRACTITIONER, "school")
    join_case_team(practitioner, young)
    client = signed_in(practitioner)
    assert client.get(f"/assessments/young-person/{young.pk}/new/").status_code == 200
    page = client.post(
        f"/assessments/young-person/{young.pk}/new/",
        form_data(
            present=("older_associates", "hotels_taxis", "gifts_money_phones"), step="suggest"
        ),
    )
    html = page.content.decode()
    tool = queries.current_tool()
    score = sum(
        tool.indicators.filter(
            code__in=("older_associates", "hotels_taxis", "gifts_money_phones")
        ).values_list("weight", flat=True)
    )
    assert score >= tool.high_from  # so the suggestion must be high
    assert 'data-testid="suggestion" data-level="high"' in html
    assert not Assessment.objects.exists()


def test_a_different_level_without_a_reason_is_refused_on_the_field(make_user, signed_in):
    young = person(date(2012, 1, 1))
    practitioner = make_user(Role.PRACTITIONER, "school")
    join_case_team(practitioner, young)
    client = signed_in(practitioner)
    page = client.post(
        f"/assessments/young-person/{young.pk}/new/",
        form_data(chosen_level=Level.MEDIUM, step="save"),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_reason_for_difference-error"' in html
    assert "The tool suggested not apparent. Say why you chose medium." in html
    assert not Assessment.objects.exists()
    saved = client.post(
        f"/assessments/young-person/{young.pk}/new/",
        form_data(
            chosen_level=Level.MEDIUM,
            reason_for_difference="Older brother is exploited by the same group.",
            step="save",
        ),
    )
    made = Assessment.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/assessments/{made.pk}/"
    assert made.chosen_level == Level.MEDIUM
    assert made.assessor == practitioner


def test_posted_extra_fields_do_not_change_who_or_which_version(make_user, signed_in, coordinator):
    young = person(date(2012, 1, 1))
    practitioner = make_user(Role.PRACTITIONER, "school")
    join_case_team(practitioner, young)
    signed_in(practitioner).post(
        f"/assessments/young-person/{young.pk}/new/",
        form_data(
            chosen_level=Level.NOT_APPARENT,
            step="save",
            assessor=coordinator.pk,
            assessor_agency=coordinator.agency_id,
            suggested_level="high",
            tool_version=999,
        ),
    )
    made = Assessment.objects.get()
    assert made.assessor == practitioner
    assert made.assessor_agency_id == practitioner.agency_id
    assert made.suggested_level == Level.NOT_APPARENT
    assert made.tool_version == queries.current_tool()


def test_the_coordinator_sees_reassessments_due_with_overdue_highlighted(
    coordinator, signed_in, assessed
):
    young, _ = assessed
    html = signed_in(coordinator).get("/assessments/due/").content.decode()
    assert young.full_name in html
    assert "Overdue" in html
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="cse_assessment").get()
    assert listed.actor_id == coordinator.pk
    assert listed.details == {"reassessments_due": 1}


def test_the_due_list_is_refused_to_analysts(make_user, signed_in):
    assert signed_in(make_user(Role.ANALYST, "police")).get("/assessments/due/").status_code == 404


def test_the_tool_page_explains_the_suggestion_to_every_case_role(make_user, signed_in):
    page = signed_in(make_user(Role.PRACTITIONER, "school")).get("/assessments/tool/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/assessments/tool/change/" not in html
    first = queries.current_tool().indicators.first()
    assert first is not None
    assert first.wording in html


def test_a_practitioner_cannot_change_the_tool(make_user, signed_in):
    client = signed_in(make_user(Role.PRACTITIONER, "school"))
    assert client.get("/assessments/tool/change/").status_code == 404
    assert client.post("/assessments/tool/change/", {"reason": "x"}).status_code == 404


def _tool_data(version: ToolVersion, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "based_on": version.number,
        "low_from": version.low_from,
        "medium_from": version.medium_from,
        "high_from": version.high_from,
        "young_age": version.young_age,
    }
    for i in version.indicators.all():
        data |= {
            f"wording_{i.code}": i.wording,
            f"kind_{i.code}": i.kind,
            f"weight_{i.code}": i.weight,
            f"order_{i.code}": i.order,
        }
        if i.high_if_young:
            data[f"young_{i.code}"] = "on"
        if i.is_active:
            data[f"active_{i.code}"] = "on"
    return data | changes


def test_the_coordinator_changes_a_weight_and_adds_an_indicator_as_a_new_version(
    coordinator, signed_in
):
    client = signed_in(coordinator)
    first = queries.current_tool()
    assert client.get("/assessments/tool/change/").status_code == 200
    refused = client.post("/assessments/tool/change/", _tool_data(first, weight_school_absence=5))
    assert "Say why the tool is changing" in refused.content.decode()
    assert ToolVersion.objects.count() == 1
    saved = client.post(
        "/assessments/tool/change/",
        _tool_data(
            first,
            weight_school_absence=5,
            new_code="county_lines",
            wording_new="Travels to other towns with no explanation",
            kind_new="warning_sign",
            weight_new=3,
            order_new=500,
            young_new="on",
            reason="Annual review with the MASE group",
        ),
    )
    assert saved.status_code == 302
    second = queries.current_tool()
    assert second.number == first.number + 1
    assert second.indicators.get(code="school_absence").weight == 5
    added = second.indicators.get(code="county_lines")
    assert added.high_if_young
    assert added.is_active
    assert not first.indicators.filter(code="county_lines").exists()
    assert "Annual review with the MASE group" in client.get("/assessments/tool/").content.decode()


def test_the_young_person_page_links_to_their_assessments(coordinator, signed_in, assessed):
    young, _ = assessed
    html = signed_in(coordinator).get(f"/young-people/{young.pk}/").content.decode()
    assert f'href="/assessments/young-person/{young.pk}/"' in html
    assert "CSE screening tool" in html


def test_the_overdue_warning_is_not_shown_for_an_assessment_the_viewer_cannot_see(
    make_user, signed_in, assessed
):
    young, made = assessed
    html = (
        signed_in(make_user(Role.PRACTITIONER, "health"))
        .get(f"/assessments/young-person/{young.pk}/")
        .content.decode()
    )
    assert "Reassessment overdue" not in html
    assert f"{made.next_due:%d %b %Y}".lstrip("0") not in html


def test_leaving_the_case_team_refuses_the_very_next_request(
    make_user, signed_in, coordinator, assessed
):
    from governance.actions import do_end_relationship
    from governance.models import LegitimateRelationship

    young, made = assessed
    practitioner = make_user(Role.PRACTITIONER, "police")
    join_case_team(practitioner, young)
    client = signed_in(practitioner)
    assert client.get(f"/assessments/{made.pk}/").status_code == 200
    assert client.get(f"/assessments/young-person/{young.pk}/new/").status_code == 200
    do_end_relationship(
        actor=coordinator,
        relationship=LegitimateRelationship.objects.get(user=practitioner, young_person=young),
        reason="Moved to another team",
    )
    assert client.get(f"/assessments/{made.pk}/").status_code == 404
    assert client.get(f"/assessments/young-person/{young.pk}/new/").status_code == 404


def _queries_for(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_due_list_and_a_history_cost_the_same_queries_for_few_rows_or_many(
    coordinator, signed_in
):
    client = signed_in(coordinator)
    today = timezone.localdate()
    young = person(today - timedelta(days=15 * 366))
    for months_ago in (12, 9):
        assess(coordinator, young, today - timedelta(days=30 * months_ago))
    assess(coordinator, person(today - timedelta(days=14 * 366)), today - timedelta(days=100))
    few_due = _queries_for(client, "/assessments/due/")
    few_history = _queries_for(client, f"/assessments/young-person/{young.pk}/")
    for months_ago in (6, 3, 1):
        assess(coordinator, young, today - timedelta(days=30 * months_ago))
    for _ in range(6):
        assess(coordinator, person(today - timedelta(days=14 * 366)), today - timedelta(days=100))
    assert _queries_for(client, "/assessments/due/") == few_due
    assert _queries_for(client, f"/assessments/young-person/{young.pk}/") == few_history
