"""Information governance pages: the sharing agreement, break-glass review, notifications,
retention review and subject access. Every page is tried by every role: allowed or 404."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in_fully
from governance import audit
from governance.actions import (
    do_break_glass,
    do_record_sharing_decision,
    do_review_break_glass,
    do_save_sharing_agreement,
)
from governance.defaults import default_sharing_rules
from governance.forms import AGREEMENT_CATEGORIES, AGREEMENT_KINDS, rule_field_name
from governance.models import (
    AuditAction,
    AuditEvent,
    AuditObject,
    AuditOutcome,
    BreakGlassAccess,
    BreakGlassReview,
    SharingAgreement,
)
from governance.policy import sharing_rules
from kit.fresh import FRESH_CODE_AT
from notifications.api import notify
from notifications.models import Notification, NotificationKind
from partnership.models import Role, User
from people.actions import do_record_identity
from people.models import YoungPerson
from records.actions import LinkInput, do_edit_record, do_record
from records.models import AgencyRecord, RecordLink, RecordType, RecordVersion

CASE_CONTENT_ROLES = {
    Role.PRACTITIONER,
    Role.MASH_SCREENER,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.IG_OFFICER,
}
AGREEMENT_READERS = CASE_CONTENT_ROLES | {Role.ADMINISTRATOR, Role.STRATEGIC_LEAD}


@pytest.fixture
def young_person(db):
    return YoungPerson.objects.create(
        given_name="Casey",
        family_name="Synthetic",
        date_of_birth=date(2010, 4, 1),
        is_synthetic=True,
    )


def record_for(
    user: User,
    young_person: YoungPerson,
    title: str = "Seen getting into a car after school",
    **extra: Any,
) -> AgencyRecord:
    return do_record(
        actor=user,
        young_person=young_person,
        record_type=RecordType.objects.get(code="concern"),
        occurred_at=timezone.now() - timedelta(days=1),
        title=title,
        nature="fact",
        **extra,
    )


def make_overdue(record: AgencyRecord) -> None:
    AgencyRecord.objects.filter(pk=record.pk).update(review_due=date(2020, 1, 1))


def refused(user: User, action: AuditAction | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(actor_id=user.pk, outcome=AuditOutcome.REFUSED)
    if action is not None:
        events = events.filter(action=action)
    return events


def another_client(user: User) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


# --- Every role against every page --------------------------------------------------------


@pytest.fixture
def world(make_user, young_person):
    """A police record about the young person, a pending break-glass by a school practitioner,
    and a saved version of the agreement: something for every page to show."""
    author = make_user(Role.PRACTITIONER, "police", username="police.author")
    record = record_for(author, young_person)
    opener = make_user(Role.PRACTITIONER, "school", username="school.opener")
    access = do_break_glass(
        actor=opener, young_person=young_person, reason="Missing tonight: need police contacts"
    )
    version = do_save_sharing_agreement(actor=None, rules={}, note="First saved version")
    return {"record": record, "access": access, "version": version, "young_person": young_person}


ROUTES: dict[str, tuple[set[Role], Callable[[dict[str, Any]], tuple[int, ...]]]] = {
    # name: (roles allowed, how to build the path from the world)
    "governance:index": ({Role.IG_OFFICER, Role.ADMINISTRATOR}, lambda w: ()),
    "governance:agreement": (AGREEMENT_READERS, lambda w: ()),
    "governance:agreement-version": (AGREEMENT_READERS, lambda w: (w["version"].pk,)),
    "governance:agreement-edit": ({Role.ADMINISTRATOR}, lambda w: ()),
    "governance:break-glass": ({Role.IG_OFFICER}, lambda w: ()),
    "governance:break-glass-review": ({Role.IG_OFFICER}, lambda w: (w["access"].pk,)),
    "governance:retention": ({Role.IG_OFFICER}, lambda w: ()),
    "governance:retention-dispose": ({Role.IG_OFFICER}, lambda w: (w["record"].pk,)),
    "governance:subject-access-start": ({Role.IG_OFFICER}, lambda w: ()),
    "governance:subject-access": ({Role.IG_OFFICER}, lambda w: (w["young_person"].pk,)),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_role_reaches_only_its_governance_pages(signed_in, make_user, world, role, name):
    allowed, args = ROUTES[name]
    agency = "hotel" if role == Role.COMMUNITY_PARTNER else "police"
    user = make_user(role, agency)
    response = signed_in(user).get(reverse(name, args=args(world)))
    if role in allowed:
        assert response.status_code == 200, response.content[:300]
        return
    assert response.status_code == 404
    assert b"Missing tonight" not in response.content
    if role != Role.COMMUNITY_PARTNER:  # partners are fenced off before any page runs
        assert refused(user).exists()


def test_a_governance_page_is_audited_when_used(signed_in, make_user, world):
    ig = make_user(Role.IG_OFFICER, "police")
    signed_in(ig).get(reverse("governance:break-glass"))
    event = AuditEvent.objects.get(actor_id=ig.pk, action=AuditAction.LIST)
    assert event.object_type == "break_glass"
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.details["shown"] == 1


# --- The information sharing agreement ----------------------------------------------------


def agreement_data(
    rules: dict[tuple[str, str], int],
    *,
    based_on: int = 0,
    note: str = "Schools need a summary of police concerns",
) -> dict[str, str]:
    data = {
        rule_field_name(kind.value, category.value): str(rules[(kind.value, category.value)])
        for kind in AGREEMENT_KINDS
        for category in AGREEMENT_CATEGORIES
    }
    data["based_on"] = str(based_on)
    data["note"] = note
    return data


SCHOOLS_SEE_POLICE = ("education", "police")


def test_everyone_who_reads_case_content_sees_the_agreement_table(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "school")
    response = signed_in(user).get(reverse("governance:agreement"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The default agreement" in content
    assert '<th scope="row" class="govuk-table__header">Police</th>' in content
    assert '<th scope="col" class="govuk-table__header">Education</th>' in content
    assert "Existence only" in content
    assert 'name="rule__' not in content
    assert "Change the agreement" not in content
    event = AuditEvent.objects.get(actor_id=user.pk, action=AuditAction.VIEW)
    assert event.object_type == "sharing_agreement"


def test_a_strategic_lead_sees_the_agreement_but_cannot_edit_it(signed_in, make_user):
    lead = make_user(Role.STRATEGIC_LEAD, "council")
    client = signed_in(lead)
    assert client.get(reverse("governance:agreement")).status_code == 200
    assert client.get(reverse("governance:agreement-edit")).status_code == 404
    assert refused(lead, AuditAction.CONFIGURE).exists()


def test_a_community_partner_cannot_see_the_agreement(signed_in, make_user):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, "hotel"))
    assert client.get(reverse("governance:agreement")).status_code == 404


def test_an_administrator_can_change_the_sharing_agreement_and_the_old_version_is_kept(
    signed_in, make_user
):
    admin = make_user(Role.ADMINISTRATOR, "council")
    client = signed_in(admin)
    edit = client.get(reverse("governance:agreement-edit"))
    assert edit.status_code == 200
    assert b'name="rule__education__police"' in edit.content
    assert b"What changed and why" in edit.content

    rules = default_sharing_rules()
    assert rules[SCHOOLS_SEE_POLICE] == 1
    response = client.post(
        reverse("governance:agreement-edit"),
        agreement_data({**rules, SCHOOLS_SEE_POLICE: 2}),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("governance:agreement")
    assert b"Version 1 of the sharing agreement is now in force" in response.content
    first = SharingAgreement.objects.get(version=1)
    assert first.created_by == admin
    assert sharing_rules()[SCHOOLS_SEE_POLICE] == 2

    client.post(
        reverse("governance:agreement-edit"),
        agreement_data({**rules, SCHOOLS_SEE_POLICE: 1}, based_on=1, note="Back to existence"),
    )
    assert SharingAgreement.objects.count() == 2
    assert sharing_rules()[SCHOOLS_SEE_POLICE] == 1
    assert first.rules.get(viewer_kind="education", category="police").level == 2

    old = client.get(reverse("governance:agreement-version", args=[first.pk]))
    assert old.status_code == 200
    assert b"This is an earlier version" in old.content
    assert b"Schools need a summary of police concerns" in old.content
    configured = AuditEvent.objects.filter(actor_id=admin.pk, action=AuditAction.CONFIGURE)
    assert configured.count() == 2
    assert configured.get(details__version=1).details["changed"] == {"education/police": [1, 2]}


def test_the_agreement_needs_a_note_and_a_change(signed_in, make_user):
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    rules = default_sharing_rules()
    no_note = client.post(
        reverse("governance:agreement-edit"),
        agreement_data({**rules, SCHOOLS_SEE_POLICE: 2}, note=""),
    )
    assert no_note.status_code == 200
    assert b"Say what changed and why" in no_note.content
    no_change = client.post(reverse("governance:agreement-edit"), agreement_data(rules))
    assert b"Change at least one level" in no_change.content
    assert not SharingAgreement.objects.exists()


def test_a_stale_agreement_edit_does_not_undo_someone_elses_change(signed_in, make_user):
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    rules = default_sharing_rules()
    do_save_sharing_agreement(actor=None, rules={("health", "police"): 3}, note="Meanwhile")

    stale = client.post(
        reverse("governance:agreement-edit"),
        agreement_data({**rules, SCHOOLS_SEE_POLICE: 2}, based_on=0),
    )
    assert stale.status_code == 200
    assert b"Someone else saved version 1" in stale.content
    assert SharingAgreement.objects.count() == 1
    form = stale.context["form"]
    assert form["rule__health__police"].value() == "3"
    assert form["rule__education__police"].value() == "2"
    assert form["based_on"].value() == "1"

    client.post(reverse("governance:agreement-edit"), form.data)
    assert SharingAgreement.objects.count() == 2
    assert sharing_rules()[("health", "police")] == 3
    assert sharing_rules()[SCHOOLS_SEE_POLICE] == 2


def test_posting_extra_fields_changes_nothing_else(signed_in, make_user):
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    rules = default_sharing_rules()
    data = agreement_data({**rules, SCHOOLS_SEE_POLICE: 2})
    data["rule__community_partner__police"] = "3"
    data["created_by"] = "1"
    data["version"] = "99"
    client.post(reverse("governance:agreement-edit"), data)
    agreement = SharingAgreement.objects.get()
    assert agreement.version == 1
    assert sharing_rules()[("community_partner", "police")] == 0


def test_a_practitioner_cannot_edit_the_sharing_agreement(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "police")
    client = signed_in(user)
    assert client.get(reverse("governance:agreement-edit")).status_code == 404
    rules = default_sharing_rules()
    response = client.post(
        reverse("governance:agreement-edit"), agreement_data({**rules, SCHOOLS_SEE_POLICE: 3})
    )
    assert response.status_code == 404
    assert not SharingAgreement.objects.exists()
    assert refused(user, AuditAction.CONFIGURE).count() == 2


def test_an_unknown_agreement_version_is_404(signed_in, make_user):
    user = make_user(Role.PRACTITIONER, "police")
    response = signed_in(user).get(reverse("governance:agreement-version", args=[999]))
    assert response.status_code == 404
    assert refused(user, AuditAction.VIEW).get().object_id == "999"


# --- Break-glass review ------------------------------------------------------------------


@pytest.fixture
def break_glass(make_user, young_person):
    """A school practitioner opens a young person the police hold a record about."""
    author = make_user(Role.PRACTITIONER, "police", username="police.author")
    record_for(author, young_person)
    opener = make_user(Role.PRACTITIONER, "school", username="school.opener")
    return do_break_glass(
        actor=opener, young_person=young_person, reason="Missing tonight: need police contacts"
    )


def test_the_queue_holds_uses_by_the_agency_and_uses_on_its_records(
    make_user, break_glass, young_person
):
    police_ig = make_user(Role.IG_OFFICER, "police")
    school_ig = make_user(Role.IG_OFFICER, "school")
    health_ig = make_user(Role.IG_OFFICER, "health")
    for ig in (police_ig, school_ig):
        content = another_client(ig).get(reverse("governance:break-glass")).content
        assert b"Missing tonight: need police contacts" in content
        assert b"Test Practitioner" in content
    health = another_client(health_ig).get(reverse("governance:break-glass"))
    assert b"Missing tonight" not in health.content
    assert b"No break-glass use is awaiting your review" in health.content


def test_ig_officer_reviews_a_break_glass_access(signed_in, make_user, break_glass):
    ig = make_user(Role.IG_OFFICER, "police")
    client = signed_in(ig)
    page = client.get(reverse("governance:break-glass-review", args=[break_glass.pk]))
    assert page.status_code == 200
    assert b"Casey Synthetic" in page.content
    response = client.post(
        reverse("governance:break-glass-review", args=[break_glass.pk]),
        {"justified": "yes", "note": "Missing episode confirmed by the control room log."},
        follow=True,
    )
    assert b"Break-glass review recorded" in response.content
    assert b"No break-glass use is awaiting your review" in response.content
    break_glass.refresh_from_db()
    assert break_glass.review == BreakGlassReview.JUSTIFIED
    assert break_glass.reviewed_by == ig
    assert break_glass.review_note == "Missing episode confirmed by the control room log."
    assert AuditEvent.objects.filter(
        actor_id=ig.pk, action=AuditAction.UPDATE, object_type="break_glass"
    ).exists()


def test_a_break_glass_review_needs_a_decision_and_a_note(signed_in, make_user, break_glass):
    client = signed_in(make_user(Role.IG_OFFICER, "police"))
    response = client.post(reverse("governance:break-glass-review", args=[break_glass.pk]), {})
    assert response.status_code == 200
    assert b"Say whether the access was justified" in response.content
    assert b"Record the reasons for your review decision" in response.content
    # Each message in the summary takes the reader to its question: the first radio, the note.
    page = response.content.decode()
    assert '<a href="#id_justified">Say whether the access was justified' in page
    assert 'id="id_justified" name="justified" type="radio"' in page
    assert '<a href="#id_note">Record the reasons' in page
    break_glass.refresh_from_db()
    assert break_glass.review == BreakGlassReview.PENDING


def test_a_reviewed_break_glass_cannot_be_reviewed_again(signed_in, make_user, break_glass):
    ig = make_user(Role.IG_OFFICER, "police")
    do_review_break_glass(actor=ig, access=break_glass, justified=False, note="No urgency shown")
    client = signed_in(ig)
    response = client.post(
        reverse("governance:break-glass-review", args=[break_glass.pk]),
        {"justified": "yes", "note": "Changed my mind"},
    )
    assert response.status_code == 404
    break_glass.refresh_from_db()
    assert break_glass.review == BreakGlassReview.NOT_JUSTIFIED


def test_a_practitioner_cannot_see_the_break_glass_queue(signed_in, make_user, break_glass):
    user = make_user(Role.PRACTITIONER, "police")
    client = signed_in(user)
    assert client.get(reverse("governance:break-glass")).status_code == 404
    response = client.post(
        reverse("governance:break-glass-review", args=[break_glass.pk]),
        {"justified": "yes", "note": "Looks fine to me"},
    )
    assert response.status_code == 404
    assert refused(user, AuditAction.LIST).exists()
    assert refused(user, AuditAction.UPDATE).exists()
    assert BreakGlassAccess.objects.get().review == BreakGlassReview.PENDING


def test_an_ig_officer_cannot_review_break_glass_outside_their_agency(
    signed_in, make_user, break_glass
):
    ig = make_user(Role.IG_OFFICER, "health")
    client = signed_in(ig)
    url = reverse("governance:break-glass-review", args=[break_glass.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"justified": "no", "note": "Not mine"}).status_code == 404
    assert BreakGlassAccess.objects.get().review == BreakGlassReview.PENDING
    assert refused(ig).count() == 2


# --- Notifications -----------------------------------------------------------------------
# One notifications page, the notifications app's, with one rule for who sees what.


def test_an_agency_sees_break_glass_on_its_records_on_the_notifications_page(
    signed_in, make_user, agencies, break_glass
):
    notify(
        kind=NotificationKind.CASE_CHANGED,
        message="A notice to health only",
        agency=agencies["health"],
    )
    user = make_user(Role.COORDINATOR, "police")
    response = signed_in(user).get(reverse("notifications:list"))
    content = response.content.decode()
    assert "used break-glass access to a young person" in content
    assert "A notice to health only" not in content
    review = reverse("governance:break-glass-review", args=[break_glass.pk])
    assert review not in content  # only IG officers review
    assert Notification.objects.filter(
        agency=agencies["police"], user=None, kind=NotificationKind.BREAK_GLASS, url=""
    ).exists()


def test_an_ig_officer_is_told_by_name_and_can_open_the_review(signed_in, make_user, young_person):
    police_ig = make_user(Role.IG_OFFICER, "police")
    police_ig.email = "ig.officer@police.example"
    police_ig.save(update_fields=["email"])
    author = make_user(Role.PRACTITIONER, "police", username="police.author")
    record_for(author, young_person)
    opener = make_user(Role.PRACTITIONER, "school", username="school.opener")
    access = do_break_glass(
        actor=opener, young_person=young_person, reason="Missing tonight: need police contacts"
    )
    notice = Notification.objects.get(user=police_ig, kind=NotificationKind.BREAK_GLASS)
    review = reverse("governance:break-glass-review", args=[access.pk])
    assert notice.url == review
    assert notice.email_status == Notification.EmailStatus.PENDING
    response = signed_in(police_ig).post(
        reverse("notifications:read", args=[notice.pk]), {"open": "1"}
    )
    assert response.status_code == 302
    assert response.url == review


def test_an_administrator_is_not_shown_break_glass_notices(signed_in, make_user, break_glass):
    admin = make_user(Role.ADMINISTRATOR, "police")
    response = signed_in(admin).get(reverse("notifications:list"))
    assert b"used break-glass" not in response.content


def test_the_old_governance_notifications_address_is_gone(signed_in, make_user, break_glass):
    response = signed_in(make_user(Role.COORDINATOR, "police")).get("/governance/notifications/")
    assert response.status_code == 404


# --- Retention review --------------------------------------------------------------------


def test_the_retention_queue_shows_overdue_records_without_names(
    signed_in, make_user, young_person
):
    author = make_user(Role.PRACTITIONER, "school")
    overdue = record_for(author, young_person, title="Overdue concern title")
    make_overdue(overdue)
    current = record_for(author, young_person, title="Current concern title")
    ig = make_user(Role.IG_OFFICER, "school")
    response = signed_in(ig).get(reverse("governance:retention"))
    content = response.content.decode()
    assert f"Record {overdue.pk}" in content
    assert f"Record {current.pk}<" not in content
    assert "1 January 2020" in content or "1 Jan 2020" in content
    assert "Casey" not in content
    assert "Overdue concern title" not in content
    assert "The retention schedule" in content
    assert "Intelligence-derived" in content
    event = AuditEvent.objects.get(actor_id=ig.pk, action=AuditAction.LIST)
    assert event.purpose == "retention review"
    assert event.details["overdue"] == 1


def test_a_practitioner_cannot_see_the_retention_queue(signed_in, make_user, young_person):
    user = make_user(Role.PRACTITIONER, "school")
    record = record_for(user, young_person)
    client = signed_in(user)
    assert client.get(reverse("governance:retention")).status_code == 404
    url = reverse("governance:retention-dispose", args=[record.pk])
    assert client.post(url, {"reason": "Tidying up"}).status_code == 404
    record.refresh_from_db()
    assert record.disposed_at is None
    assert refused(user, AuditAction.DISPOSE).exists()


def test_disposal_removes_content_and_leaves_a_content_free_log_entry(
    signed_in, make_user, young_person
):
    author = make_user(Role.PRACTITIONER, "school")
    record = record_for(
        author,
        young_person,
        title="Seen with older male near the bus station",
        details="Gave a nickname and a phone number",
        location="Bus station",
        links=[LinkInput(kind="phone", value="020 7946 0018", label="Older male")],
    )
    do_edit_record(
        actor=author, record=record, expected_version=1, changes={"details": "Edited details"}
    )
    make_overdue(record)
    assert RecordVersion.objects.filter(record=record).exists()
    ig = make_user(Role.IG_OFFICER, "school")
    client = signed_in(ig)
    url = reverse("governance:retention-dispose", args=[record.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b"Seen with older male" not in confirm.content
    assert b"Casey" not in confirm.content

    response = client.post(url, {"reason": "No continuing need after review"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("governance:retention")
    assert b"Record content disposed of" in response.content
    record.refresh_from_db()
    assert record.disposed_at is not None
    assert record.title == ""
    assert record.details == ""
    assert record.location == ""
    assert not RecordVersion.objects.filter(record=record).exists()
    assert not RecordLink.objects.filter(record=record).exists()
    disposal = AuditEvent.objects.get(action=AuditAction.DISPOSE, object_id=str(record.pk))
    assert disposal.actor_id == ig.pk
    assert disposal.purpose == "No continuing need after review"
    for event in AuditEvent.objects.all():
        logged = json.dumps([event.purpose, event.details])
        assert "older male" not in logged
        assert "7946" not in logged
    # Once disposed, the record is gone from the queue and cannot be disposed of twice.
    assert client.get(url).status_code == 404


def test_disposal_needs_a_reason(signed_in, make_user, young_person):
    record = record_for(make_user(Role.PRACTITIONER, "school"), young_person)
    client = signed_in(make_user(Role.IG_OFFICER, "school"))
    response = client.post(
        reverse("governance:retention-dispose", args=[record.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert b"Give the reason for disposal" in response.content
    record.refresh_from_db()
    assert record.disposed_at is None


def test_an_ig_officer_cannot_dispose_of_another_agencys_record(signed_in, make_user, young_person):
    record = record_for(make_user(Role.PRACTITIONER, "school"), young_person)
    make_overdue(record)
    ig = make_user(Role.IG_OFFICER, "police")
    client = signed_in(ig)
    assert f"Record {record.pk}".encode() not in client.get(reverse("governance:retention")).content
    url = reverse("governance:retention-dispose", args=[record.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Not ours to dispose of"}).status_code == 404
    record.refresh_from_db()
    assert record.disposed_at is None
    assert refused(ig, AuditAction.DISPOSE).exists()


# --- Subject access ----------------------------------------------------------------------


def test_subject_access_search_finds_a_young_person(signed_in, make_user, young_person):
    record_for(make_user(Role.PRACTITIONER, "school"), young_person)
    ig = make_user(Role.IG_OFFICER, "school")
    client = signed_in(ig)
    start = client.get(reverse("governance:subject-access-start"))
    assert b"Casey" not in start.content
    response = client.get(reverse("governance:subject-access-start"), {"q": "casey"})
    assert b"Casey Synthetic" in response.content
    export_url = reverse("governance:subject-access", args=[young_person.pk])
    assert f'href="{export_url}"'.encode() in response.content
    event = AuditEvent.objects.get(actor_id=ig.pk, action=AuditAction.SEARCH)
    assert event.purpose == "subject access request"


def test_a_practitioner_cannot_start_a_subject_access_request(signed_in, make_user, young_person):
    user = make_user(Role.PRACTITIONER, "school")
    client = signed_in(user)
    response = client.get(reverse("governance:subject-access-start"), {"q": "Casey"})
    assert response.status_code == 404
    assert b"Casey" not in response.content
    assert refused(user, AuditAction.SEARCH).exists()


def test_a_coordinator_cannot_make_a_subject_access_export(signed_in, make_user, young_person):
    user = make_user(Role.COORDINATOR, "school")
    response = signed_in(user).get(reverse("governance:subject-access", args=[young_person.pk]))
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    assert refused(user, AuditAction.EXPORT).get().object_id == str(young_person.pk)


def test_an_unknown_young_person_cannot_be_exported(signed_in, make_user):
    ig = make_user(Role.IG_OFFICER, "school")
    response = signed_in(ig).get(reverse("governance:subject-access", args=[999999]))
    assert response.status_code == 404
    assert refused(ig, AuditAction.EXPORT).exists()


def test_subject_access_export_needs_a_fresh_code(signed_in, make_user, young_person):
    ig = make_user(Role.IG_OFFICER, "school")
    client = signed_in(ig)
    session = client.session
    session[FRESH_CODE_AT] = time.time() - 3600
    session.save()
    url = reverse("governance:subject-access", args=[young_person.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:confirm-code"))
    assert "Content-Disposition" not in response
    assert not AuditEvent.objects.filter(
        action=AuditAction.EXPORT, outcome=AuditOutcome.ALLOWED
    ).exists()


def export_for(client: Client, young_person: YoungPerson) -> dict[str, Any]:
    response = client.get(reverse("governance:subject-access", args=[young_person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    return json.loads(response.content)


def test_subject_access_export_contains_the_access_log(signed_in, make_user, young_person):
    author = make_user(Role.PRACTITIONER, "school")
    record = record_for(author, young_person, title="Our own concern")
    coordinator = make_user(Role.COORDINATOR, "police")
    audit.record(
        AuditAction.VIEW,
        actor=coordinator,
        object_type=AuditObject.YOUNG_PERSON,
        object_id=young_person.pk,
    )
    audit.record(
        AuditAction.VIEW,
        actor=coordinator,
        object_type=AuditObject.AGENCY_RECORD,
        object_id=record.pk,
    )
    ig = make_user(Role.IG_OFFICER, "school")
    export = export_for(signed_in(ig), young_person)

    assert export["young_person"]["given_name"] == "Casey"
    assert [r["title"] for r in export["agency_records"]] == ["Our own concern"]
    log = export["access_log"]
    views = [entry for entry in log if entry["who"]["username"] == "police.coordinator"]
    assert [(v["object"]["type"], v["action"]) for v in views] == [
        ("young_person", "Viewed"),
        ("agency_record", "Viewed"),
    ]
    assert views[0]["who"] == {
        "username": "police.coordinator",
        "agency": "POL",
        "role": "coordinator",
    }
    assert views[0]["outcome"] == "Allowed"
    assert "when" in views[0]
    event = AuditEvent.objects.get(actor_id=ig.pk, action=AuditAction.EXPORT)
    assert event.purpose == "subject access request"
    assert event.object_id == str(young_person.pk)
    assert event.details["agency_records"] == 1


def test_subject_access_export_holds_no_other_agency_content(
    signed_in, make_user, agencies, young_person
):
    agencies["police"].cse_contact = "Police CSE desk, 01632 960001"
    agencies["police"].save()
    school_author = make_user(Role.PRACTITIONER, "school")
    own = record_for(
        school_author,
        young_person,
        title="Left school at lunch",
        details="Picked up by a car",
        links=[LinkInput(kind="vehicle", value="AB12 CDE")],
    )
    do_edit_record(
        actor=school_author, record=own, expected_version=1, changes={"location": "School gate"}
    )
    police_author = make_user(Role.PRACTITIONER, "police")
    record_for(police_author, young_person, title="Police-only title", details="Police detail")
    do_record_identity(
        actor=None,
        young_person=young_person,
        agency=agencies["school"],
        given_name="Casey",
        family_name="Synthetic",
        date_of_birth=date(2010, 4, 1),
        source_reference="SCHOOL-REF-1",
    )
    do_record_identity(
        actor=None,
        young_person=young_person,
        agency=agencies["police"],
        given_name="Casey",
        family_name="Synthetic",
        date_of_birth=date(2010, 4, 1),
        other_names="PoliceNickname",
        source_reference="POLICE-REF-9",
    )
    do_record_sharing_decision(
        actor=police_author,
        young_person=young_person,
        shared=True,
        to_agency=agencies["school"],
        what="Police-shared detail",
        purpose="Police sharing purpose",
        lawful_basis="public_task_safeguarding",
        consent_status="not_sought",
        reason_without_consent="Asking would increase the risk",
        next_steps_discussed=False,
    )
    do_record_sharing_decision(
        actor=school_author,
        young_person=young_person,
        shared=False,
        what="School attendance pattern",
        purpose="Considered for the MASE meeting",
        consent_status="consented",
        reason_not_shared="Not relevant yet",
        next_steps_discussed=True,
    )
    do_break_glass(actor=school_author, young_person=young_person, reason="School-side reason text")
    export = export_for(signed_in(make_user(Role.IG_OFFICER, "school")), young_person)
    text = json.dumps(export)

    for foreign in (
        "Police-only title",
        "Police detail",
        "PoliceNickname",
        "POLICE-REF-9",
        "Police-shared detail",
        "Police sharing purpose",
    ):
        assert foreign not in text, foreign
    assert [r["title"] for r in export["agency_records"]] == ["Left school at lunch"]
    school_record = export["agency_records"][0]
    assert school_record["details"] == "Picked up by a car"
    assert school_record["links"][0]["value"] == "AB12CDE"
    assert school_record["history"][0]["snapshot"]["location"] == ""
    assert [i["source_reference"] for i in export["recorded_identities"]] == ["SCHOOL-REF-1"]
    assert [d["what"] for d in export["sharing_decisions"]] == ["School attendance pattern"]
    assert export["other_agencies"] == [
        {"name": "Testshire Police", "contact": "Police CSE desk, 01632 960001"}
    ]
    police_share = next(e for e in export["access_log"] if e["action"] == "Shared")
    assert police_share["purpose"] == ""
    assert police_share["purpose_withheld"] is True
    own_break_glass = next(e for e in export["access_log"] if e["action"] == "Break-glass access")
    assert own_break_glass["purpose"] == "School-side reason text"


# --- The index ---------------------------------------------------------------------------


def test_the_index_lists_the_tools_for_an_ig_officer(signed_in, make_user, break_glass):
    response = signed_in(make_user(Role.IG_OFFICER, "police")).get(reverse("governance:index"))
    content = response.content.decode()
    for name in (
        "governance:break-glass",
        "governance:retention",
        "governance:subject-access-start",
        "notifications:list",
        "governance:agreement",
    ):
        assert f'href="{reverse(name)}"' in content
    assert "1 awaiting review" in content
    assert reverse("governance:agreement-edit") not in content


def test_the_index_offers_an_administrator_only_the_agreement(signed_in, make_user):
    response = signed_in(make_user(Role.ADMINISTRATOR, "council")).get(reverse("governance:index"))
    content = response.content.decode()
    assert reverse("governance:agreement-edit") in content
    assert reverse("governance:break-glass") not in content
    assert reverse("governance:retention") not in content


def test_the_governance_index_counts_the_officers_unread_notices(signed_in, make_user, agencies):
    officer = make_user(Role.IG_OFFICER, "police")
    for number in range(3):
        notify(kind=NotificationKind.CASE_CHANGED, message=f"Notice {number}", users=[officer])
    notify(kind=NotificationKind.CASE_CHANGED, message="To health", agency=agencies["health"])
    read = Notification.objects.filter(user=officer).first()
    assert read is not None
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    page = signed_in(officer).get(reverse("governance:index"))
    assert page.status_code == 200
    assert "2 unread." in page.content.decode()
