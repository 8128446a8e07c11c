"""Matching imported rows to young people: thresholds, the clerical review queue, judgements that
stick, transitive links, undoing a link, and who may see a pair side by side.

The engine is a stand-in with set scores (``helpers.StandInEngine``), so each test states which
pair is how likely; the real engine runs in ``test_linking_real.py``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import sign_in_fully
from governance.actions import do_add_relationship
from governance.models import AuditAction, AuditEvent, AuditOutcome, RelationshipKind
from imports.actions import do_link_pending_rows, do_undo_link
from imports.models import ImportedRow, LinkedHow, MatchStatus
from matching import actions
from matching.models import MatchJudgement, ReviewItem, ReviewStatus, UndoLink, Verdict
from matching.tests.helpers import StandInEngine, batch, person, rows, use_stand_in
from partnership.models import Role, ServiceKind, User
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> StandInEngine:
    return use_stand_in(monkeypatch)


@pytest.fixture
def importer(make_user) -> User:
    return make_user(Role.PRACTITIONER, "school")


@pytest.fixture
def screener(make_user) -> User:
    return make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH)


@pytest.fixture
def coordinator(make_user) -> User:
    return make_user(Role.COORDINATOR, "charity")


def _client(user: User) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


def _refresh(row: ImportedRow) -> ImportedRow:
    return ImportedRow.objects.get(pk=row.pk)


# --- Thresholds route every row -------------------------------------------------------------


def test_rows_above_between_and_below_the_thresholds_link_review_and_register(
    agencies, importer, engine
):
    jessica = person("Jessica", "Smith")
    tyler = person("Tyler", "Brown")
    the_batch = batch(agencies["school"], importer)
    likely, maybe, unknown = rows(the_batch, "Jess Smith", "Tayla Brown", "Ruby Okafor")
    engine.set("Jess Smith", "Jessica Smith", 0.99)  # at or above 0.95: link
    engine.set("Tayla Brown", "Tyler Brown", 0.60)  # from 0.30: review
    engine.set("Ruby Okafor", "Tyler Brown", 0.10)  # below 0.30: a new young person

    summary = do_link_pending_rows(the_batch.pk)

    likely, maybe, unknown = _refresh(likely), _refresh(maybe), _refresh(unknown)
    assert (likely.match_status, likely.young_person, likely.linked_how) == (
        MatchStatus.LINKED,
        jessica,
        LinkedHow.PROBABILISTIC,
    )
    assert likely.record is not None
    assert likely.record.young_person == jessica
    assert maybe.match_status == MatchStatus.IN_REVIEW
    assert maybe.young_person is None
    item = ReviewItem.objects.get(row=maybe)
    assert (item.candidate, item.probability, item.status) == (tyler, 0.60, ReviewStatus.OPEN)
    assert unknown.match_status == MatchStatus.NEW_PERSON
    assert unknown.young_person is not None
    assert unknown.young_person not in (jessica, tyler)
    assert unknown.young_person.full_name == "Ruby Okafor"
    assert (summary.linked, summary.review, summary.new_people) == (1, 1, 1)
    assert engine.runs == 1
    # The run is audited against the importing user.
    event = AuditEvent.objects.filter(object_type="import_batch", object_id=str(the_batch.pk))
    assert event.filter(actor_id=importer.pk, details__review=1).exists()


def test_thresholds_are_data_a_coordinator_changes_with_a_reason(
    agencies, importer, coordinator, engine
):
    tyler = person("Tyler", "Brown")
    actions.do_set_thresholds(
        actor=coordinator,
        feed="school_attendance",
        auto_link_from=0.5,
        review_from=0.2,
        reason="Synthetic test: school roll names are reliable",
    )
    the_batch = batch(agencies["school"], importer)
    (maybe,) = rows(the_batch, "Tayla Brown")
    engine.set("Tayla Brown", "Tyler Brown", 0.60)

    do_link_pending_rows(the_batch.pk)

    assert _refresh(maybe).young_person == tyler
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIGURE,
        object_type="match_thresholds",
        purpose="Synthetic test: school roll names are reliable",
    ).exists()


# --- Judgements stick -----------------------------------------------------------------------


def test_a_rejected_pair_is_never_proposed_again(agencies, importer, screener, engine):
    tyler = person("Tyler", "Brown")
    engine.set("Tayla Brown", "Tyler Brown", 0.60)
    first = batch(agencies["school"], importer)
    (row,) = rows(first, "Tayla Brown")
    do_link_pending_rows(first.pk)
    item = ReviewItem.objects.get(row=row)

    response = _client(screener).post(
        f"/matching/review/{item.pk}/", {"decision": "reject", "note": "Different school year"}
    )

    assert response.status_code == 302
    row = _refresh(row)
    # Every candidate rejected: the row is a young person the partnership did not know.
    assert row.match_status == MatchStatus.NEW_PERSON
    assert row.young_person != tyler
    assert MatchJudgement.objects.filter(young_person=tyler, verdict=Verdict.DIFFERENT).exists()

    # The same identity arrives again in a later file: Tyler is not proposed.
    second = batch(agencies["school"], importer)
    (again,) = rows(second, "Tayla Brown")
    again.payload = {**again.payload, "attendance_date": "2026-11-09"}
    again.save()
    do_link_pending_rows(second.pk)

    again = _refresh(again)
    assert not ReviewItem.objects.filter(row=again, candidate=tyler).exists()
    assert again.young_person == row.young_person  # the person made from the first row


# --- Transitive links -----------------------------------------------------------------------


def test_a_row_that_matches_a_linked_identity_joins_that_young_person(agencies, importer, engine):
    """A = B (Jess Smith linked to Jessica), B = C (Jessie Smyth is Jess Smith): C is Jessica."""
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.99)
    engine.set("Jessie Smyth", "Jess Smith", 0.97)
    engine.set("Jessie Smyth", "Jessica Smith", 0.05)
    first = batch(agencies["school"], importer)
    (b,) = rows(first, "Jess Smith")
    do_link_pending_rows(first.pk)
    assert _refresh(b).young_person == jessica

    second = batch(agencies["police"], None, feed="school_attendance")
    (c,) = rows(second, "Jessie Smyth")
    do_link_pending_rows(second.pk)

    assert _refresh(c).young_person == jessica


def test_rows_in_one_file_that_match_each_other_share_one_young_person(agencies, importer, engine):
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.99)
    engine.set("Jessie Smyth", "Jess Smith", 0.97)
    engine.set("Amir Haddad", "Ameer Haddad", 0.98)
    the_batch = batch(agencies["school"], importer)
    b, c, new_one, new_two = rows(
        the_batch, "Jess Smith", "Jessie Smyth", "Amir Haddad", "Ameer Haddad"
    )

    do_link_pending_rows(the_batch.pk)

    assert _refresh(b).young_person == jessica
    assert _refresh(c).young_person == jessica
    # Two rows about one unknown child make one new young person, not two.
    assert _refresh(new_one).young_person is not None
    assert _refresh(new_one).young_person == _refresh(new_two).young_person
    assert YoungPerson.objects.filter(family_name="Haddad").count() == 1


def _with_and_without_birth_date(the_batch, with_one: str, without: str) -> list[ImportedRow]:
    first, second = rows(the_batch, with_one, without)
    second.date_of_birth = None
    second.save(update_fields=["date_of_birth"])
    return [first, second]


def test_a_child_not_registered_is_not_held_in_review_by_a_row_without_a_birth_date(
    agencies, importer, engine
):
    """A 17-year-old who has left school: the police rows with a date of birth match no one
    registered; the one without a date of birth resembles their younger brother (same surname,
    address) but resembles the other rows far more. One new young person, nothing in review."""
    george = person("George", "Singh")
    engine.set("Lee Singh", "George Singh", 0.94)
    engine.set("Lee Singh", "Liam Singh", 0.999)
    the_batch = batch(agencies["school"], importer)
    liam, lee = _with_and_without_birth_date(the_batch, "Liam Singh", "Lee Singh")

    do_link_pending_rows(the_batch.pk)

    assert _refresh(liam).match_status == MatchStatus.NEW_PERSON
    assert _refresh(lee).young_person == _refresh(liam).young_person
    assert _refresh(lee).young_person != george
    assert not ReviewItem.objects.exists()


def test_a_row_without_a_birth_date_that_fits_a_registered_child_as_well_goes_to_review_alone(
    agencies, importer, engine
):
    george = person("George", "Singh")
    engine.set("Lee Singh", "George Singh", 0.90)  # in the review band
    engine.set("Lee Singh", "Liam Singh", 0.96)  # not far likelier: a person decides
    the_batch = batch(agencies["school"], importer)
    liam, lee = _with_and_without_birth_date(the_batch, "Liam Singh", "Lee Singh")

    do_link_pending_rows(the_batch.pk)

    assert _refresh(lee).match_status == MatchStatus.IN_REVIEW
    assert [i.candidate for i in ReviewItem.objects.filter(row=lee)] == [george]
    # The row with a date of birth is not held with it: it matches no one registered.
    assert _refresh(liam).match_status == MatchStatus.NEW_PERSON


def test_confirming_one_row_links_the_row_that_matched_it(agencies, importer, screener, engine):
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.60)  # a person must decide
    engine.set("Jessie Smyth", "Jess Smith", 0.97)  # but C is surely B
    the_batch = batch(agencies["school"], importer)
    b, c = rows(the_batch, "Jess Smith", "Jessie Smyth")
    do_link_pending_rows(the_batch.pk)
    follower = ReviewItem.objects.get(row=c)
    assert follower.via_row_id == b.pk
    assert follower.candidate == jessica

    item = ReviewItem.objects.get(row=b)
    response = _client(screener).post(
        f"/matching/review/{item.pk}/", {"decision": "link", "note": "Same date of birth, school"}
    )

    assert response.status_code == 302
    assert _refresh(b).young_person == jessica
    assert _refresh(b).linked_how == LinkedHow.CLERICAL
    assert _refresh(c).young_person == jessica
    assert ReviewItem.objects.get(pk=follower.pk).status == ReviewStatus.LINKED


# --- Undoing a link -------------------------------------------------------------------------


def test_undoing_a_link_needs_a_reason_then_detaches_and_returns_the_row_to_review(
    agencies, importer, coordinator, engine
):
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.99)
    the_batch = batch(agencies["school"], importer)
    (row,) = rows(the_batch, "Jess Smith")
    do_link_pending_rows(the_batch.pk)
    row = _refresh(row)
    record_pk = row.record_id
    assert record_pk is not None
    assert RecordedIdentity.objects.filter(young_person=jessica, given_name="Jess").exists()
    client = _client(coordinator)

    refused = client.post(f"/matching/links/{row.pk}/undo/", {"reason": "  "})
    assert refused.status_code == 200
    assert "Say why the link was wrong" in refused.content.decode()
    assert _refresh(row).match_status == MatchStatus.LINKED

    response = client.post(
        f"/matching/links/{row.pk}/undo/", {"reason": "Different child: the school confirmed"}
    )

    assert response.status_code == 302
    row = _refresh(row)
    assert row.match_status == MatchStatus.IN_REVIEW
    assert row.young_person is None
    assert not AgencyRecord.objects.filter(pk=record_pk).exists()
    assert not RecordedIdentity.objects.filter(young_person=jessica, given_name="Jess").exists()
    assert UndoLink.objects.get(row=row).reason == "Different child: the school confirmed"
    back = ReviewItem.objects.get(row=row, status=ReviewStatus.OPEN)
    assert back.candidate == jessica
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_type="imported_row",
        object_id=str(row.pk),
        purpose="Different child: the school confirmed",
        actor_id=coordinator.pk,
    ).exists()
    # The record's and the identity's own histories end with why they went.
    withdrawn = AuditEvent.objects.filter(
        action=AuditAction.DISPOSE, purpose="Different child: the school confirmed"
    )
    assert {e.object_type for e in withdrawn} == {"agency_record", "recorded_identity"}
    assert withdrawn.get(object_type="agency_record").object_id == str(record_pk)
    # The row is in the queue again.
    queue = client.get("/matching/review/").content.decode()
    assert f"/matching/review/{back.pk}/" in queue


def test_an_undone_pair_is_not_linked_automatically_again(agencies, importer, coordinator, engine):
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.99)
    the_batch = batch(agencies["school"], importer)
    (row,) = rows(the_batch, "Jess Smith")
    do_link_pending_rows(the_batch.pk)
    do_undo_link(actor=coordinator, row=_refresh(row), reason="Synthetic test: wrong child")

    later = batch(agencies["school"], importer)
    (again,) = rows(later, "Jess Smith")
    again.payload = {**again.payload, "attendance_date": "2026-11-20"}
    again.save()
    do_link_pending_rows(later.pk)

    again = _refresh(again)
    assert again.match_status == MatchStatus.IN_REVIEW
    assert ReviewItem.objects.get(row=again).candidate == jessica


# --- Who may see a pair side by side --------------------------------------------------------


@pytest.fixture
def waiting(agencies, importer, engine) -> ReviewItem:
    person("Tyler", "Brown")
    engine.set("Tayla Brown", "Tyler Brown", 0.60)
    the_batch = batch(agencies["school"], importer)
    rows(the_batch, "Tayla Brown")
    do_link_pending_rows(the_batch.pk)
    return ReviewItem.objects.get()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.PRACTITIONER, "school"),
        (Role.ANALYST, "police"),  # an analyst without need to know for this young person
        (Role.IG_OFFICER, "csc"),
        (Role.ADMINISTRATOR, "council"),
        (Role.COMMUNITY_PARTNER, "hotel"),
    ],
)
def test_a_decision_without_permission_is_404_and_changes_nothing(make_user, waiting, role, agency):
    client = _client(make_user(role, agency, username=f"refused.{role.value}"))

    seen = client.get(f"/matching/review/{waiting.pk}/")
    posted = client.post(f"/matching/review/{waiting.pk}/", {"decision": "link"})

    assert seen.status_code == 404
    assert posted.status_code == 404
    assert ReviewItem.objects.get(pk=waiting.pk).status == ReviewStatus.OPEN
    assert _refresh(waiting.row).match_status == MatchStatus.IN_REVIEW
    if role != Role.COMMUNITY_PARTNER:  # the partner fence answers before any view runs
        assert AuditEvent.objects.filter(
            object_type="review_item", object_id=str(waiting.pk), outcome=AuditOutcome.REFUSED
        ).exists()
    links = client.get("/matching/links/")
    if role == Role.ANALYST:  # analysts review, but only young people they need to know about
        assert links.status_code == 200
        assert "Tayla" not in links.content.decode()
    else:
        assert links.status_code == 404
    assert client.get(f"/matching/links/{waiting.row_id}/undo/").status_code == 404


def test_an_analyst_in_the_case_team_reviews_and_sees_only_those_young_people(make_user, waiting):
    analyst = make_user(Role.ANALYST, "police")
    do_add_relationship(
        actor=None,
        young_person=waiting.candidate,
        user=analyst,
        kind=RelationshipKind.CASE_TEAM,
        reason="Synthetic test: analyst on the case",
    )
    other = person("Someone", "Else")
    stranger_item = ReviewItem.objects.create(
        row=waiting.row,
        candidate=other,
        probability=0.4,
        match_weight=1.0,
        created_at=waiting.created_at,
    )
    client = _client(analyst)

    queue = client.get("/matching/review/").content.decode()

    assert f"/matching/review/{waiting.pk}/" in queue
    assert f"/matching/review/{stranger_item.pk}/" not in queue
    assert client.get(f"/matching/review/{stranger_item.pk}/").status_code == 404
    response = client.post(f"/matching/review/{waiting.pk}/", {"decision": "unsure"})
    assert "Say what would help someone else decide" in response.content.decode()
    response = client.post(
        f"/matching/review/{waiting.pk}/",
        {"decision": "unsure", "note": "Need the school to confirm the date of birth"},
    )
    assert response.status_code == 302
    assert ReviewItem.objects.get(pk=waiting.pk).status == ReviewStatus.UNSURE
    unsure = client.get("/matching/review/?show=unsure").content.decode()
    assert f"/matching/review/{waiting.pk}/" in unsure


# --- The queue and the explanation ----------------------------------------------------------


def test_the_queue_lists_oldest_first_with_probability(screener, agencies, importer, engine):
    person("Tyler", "Brown")
    person("Jessica", "Smith")
    engine.set("Tayla Brown", "Tyler Brown", 0.61)
    engine.set("Jess Smith", "Jessica Smith", 0.42)
    do_link_pending_rows(rows(batch(agencies["school"], importer), "Tayla Brown")[0].batch_id)
    do_link_pending_rows(rows(batch(agencies["school"], importer), "Jess Smith")[0].batch_id)

    page = _client(screener).get("/matching/review/").content.decode()

    assert page.index("Tayla Brown") < page.index("Jess Smith")
    assert "0.61" in page
    assert "0.42" in page
    assert "Clerical review" in page
    assert "Match weight" in page
    assert "Probability" in page


def test_the_side_by_side_page_explains_each_fields_weight(screener, waiting):
    response = _client(screener).get(f"/matching/review/{waiting.pk}/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Tayla" in page
    assert "Tyler" in page
    # Which fields agreed, at which level, and by how much (from the stand-in's evidence).
    for text in ("Given name", "Nickname of each other", "+3.20", "Family name", "+8.50"):
        assert text in page
    assert "Day and month swapped" in page
    assert "-1.25" in page
    assert "Against a match" in page
    assert "<meter" in page
    for decision in ("link", "reject", "unsure"):
        assert f'name="decision" value="{decision}"' in page
    # The starting weight: 10.0 in all, less the fields' 10.45.
    assert "-0.45" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="review_item", object_id=str(waiting.pk)
    ).exists()


def test_a_pair_decided_once_cannot_be_decided_again(screener, coordinator, waiting):
    first = _client(screener).post(
        f"/matching/review/{waiting.pk}/", {"decision": "link", "note": "Same school and birthday"}
    )
    assert first.status_code == 302

    second = _client(coordinator)
    page = second.get(f"/matching/review/{waiting.pk}/").content.decode()
    again = second.post(f"/matching/review/{waiting.pk}/", {"decision": "reject"})

    assert 'value="reject"' not in page  # no decision buttons on a decided pair
    assert "Decided: Linked" in page
    assert f"/matching/links/{waiting.row_id}/undo/" in page
    assert "This match has already been decided" in again.content.decode()
    assert _refresh(waiting.row).young_person == waiting.candidate


def test_matching_keeps_a_decision_and_leaves_the_row_to_imports(screener, waiting):
    """Matching decides and imports acts: the decision is kept, and what becomes of the row is
    returned, not written (imports.actions.do_decide_review links it)."""
    row = _refresh(waiting.row)
    outcome = actions.do_decide(actor=screener, item=waiting, row=row, decision="link")

    assert (outcome.link, outcome.link_to) == ([row.pk], waiting.candidate)
    assert ReviewItem.objects.get(pk=waiting.pk).status == ReviewStatus.LINKED
    row = _refresh(row)
    assert (row.match_status, row.young_person) == (MatchStatus.IN_REVIEW, None)


def test_the_links_list_shows_one_imports_links_when_asked(agencies, importer, screener, engine):
    person("Jessica", "Smith")
    person("Tyler", "Brown")
    first = batch(agencies["school"], importer)
    rows(first, "Jessica Smith")
    second = batch(agencies["school"], importer)
    rows(second, "Tyler Brown")
    do_link_pending_rows(first.pk)
    do_link_pending_rows(second.pk)
    client = _client(screener)

    everything = client.get("/matching/links/").content.decode()
    one_import = client.get(f"/matching/links/?batch={first.pk}").content.decode()

    assert "Jessica Smith" in everything
    assert "Tyler Brown" in everything
    assert "Jessica Smith" in one_import
    assert "Tyler Brown" not in one_import


def test_rejecting_a_row_sends_the_row_that_matched_it_to_the_same_new_person(
    agencies, importer, screener, engine
):
    jessica = person("Jessica", "Smith")
    engine.set("Jess Smith", "Jessica Smith", 0.60)
    engine.set("Jessie Smyth", "Jess Smith", 0.97)
    the_batch = batch(agencies["school"], importer)
    b, c = rows(the_batch, "Jess Smith", "Jessie Smyth")
    do_link_pending_rows(the_batch.pk)

    item = ReviewItem.objects.get(row=b)
    response = _client(screener).post(
        f"/matching/review/{item.pk}/", {"decision": "reject", "note": "Different birthday"}
    )

    assert response.status_code == 302
    b, c = _refresh(b), _refresh(c)
    assert b.match_status == MatchStatus.NEW_PERSON
    assert b.young_person != jessica
    assert c.young_person == b.young_person
    assert MatchJudgement.objects.filter(
        row=c, young_person=jessica, verdict=Verdict.DIFFERENT
    ).exists()


def test_the_queue_costs_the_same_queries_for_two_items_or_six(
    agencies, importer, screener, engine
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = ["Tyler Brown", "Amira Haddad", "Ruby Okafor", "Zofia Nowak", "Leo Walker", "Ava Kelly"]
    for name in names:
        given, family = name.split()
        person(given, family)
        engine.set(f"{given}a {family}", name, 0.5)
    client = _client(screener)

    def queries_for_queue() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/matching/review/").status_code == 200
        # Session bookkeeping (written every 30 seconds or so) is not the page's cost.
        return sum("django_session" not in q["sql"] for q in captured.captured_queries)

    the_batch = batch(agencies["school"], importer)
    rows(the_batch, *[f"{n.split()[0]}a {n.split()[1]}" for n in names[:2]])
    do_link_pending_rows(the_batch.pk)
    with_two = queries_for_queue()
    more = batch(agencies["school"], importer)
    rows(more, *[f"{n.split()[0]}a {n.split()[1]}" for n in names[2:]])
    do_link_pending_rows(more.pk)

    assert ReviewItem.objects.filter(status=ReviewStatus.OPEN).count() == 6
    assert queries_for_queue() == with_two


def test_a_link_by_upn_can_be_undone_and_is_reviewed_unscored(agencies, importer, coordinator):
    from imports.actions import do_attach_row

    kayla = person("Kayla", "Testperson")
    (row,) = rows(batch(agencies["school"], importer), "Kayla Testperson")
    do_attach_row(actor=importer, row=row, young_person=kayla, how=LinkedHow.UPN)
    client = _client(coordinator)
    assert "Unique Pupil Number" in client.get("/matching/links/").content.decode()

    client.post(f"/matching/links/{row.pk}/undo/", {"reason": "Synthetic: UPN keyed wrongly"})

    item = ReviewItem.objects.get(row=row, status=ReviewStatus.OPEN)
    assert item.probability is None
    page = client.get(f"/matching/review/{item.pk}/").content.decode()
    assert "This pair was not scored" in page
    assert "The link was undone: Synthetic: UPN keyed wrongly" in page
    assert UndoLink.objects.get(row=row).linked_how == LinkedHow.UPN


# --- A name alone never links ---------------------------------------------------------------


def _name_only(row: ImportedRow, **kept: str) -> ImportedRow:
    row.date_of_birth = None
    row.postcode = kept.get("postcode", "")
    row.address = kept.get("address", "")
    row.save(update_fields=["date_of_birth", "postcode", "address"])
    return row


def test_a_row_with_nothing_but_a_name_goes_to_review_however_well_it_scores(
    agencies, importer, engine
):
    ava = person("Ava", "Brooks")
    the_batch = batch(agencies["school"], importer)
    (concern,) = rows(the_batch, "Ava Brooks")
    _name_only(concern)
    engine.set("Ava Brooks", "Ava Brooks", 0.99)

    do_link_pending_rows(the_batch.pk)

    concern = _refresh(concern)
    assert concern.match_status == MatchStatus.IN_REVIEW
    assert concern.young_person is None
    candidates = ReviewItem.objects.filter(row=concern).values_list("candidate_id", flat=True)
    assert list(candidates) == [ava.pk]


def test_a_row_without_a_birth_date_but_with_a_postcode_still_links_on_a_high_score(
    agencies, importer, engine
):
    ava = person("Ava", "Brooks")
    the_batch = batch(agencies["school"], importer)
    (concern,) = rows(the_batch, "Ava Brooks")
    _name_only(concern, postcode="EB1 2AB")
    engine.set("Ava Brooks", "Ava Brooks", 0.99)

    do_link_pending_rows(the_batch.pk)

    concern = _refresh(concern)
    assert concern.match_status == MatchStatus.LINKED
    assert concern.young_person == ava
