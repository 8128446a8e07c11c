"""A year of synthetic agency records: skewed, plausible, deterministic, and safe to show."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from demo.eastbrook import LONDON, REFERENCE_DATE, Generator
from demo.records import (
    ALLOCATION_REASON,
    CASE_TEAM_USERS,
    DRAMA_PHONE_RANGES,
    SCHOOL_DAYS,
    YEAR_START,
    RecordPlan,
    Tier,
)
from governance import policy
from governance.audit import verify_chain
from governance.models import AuditEvent, ConsentDecision, LegitimateRelationship, Level
from people.identifiers import normalise_postcode, normalise_uk_phone, normalise_vrm
from people.models import YoungPerson
from records.catalogue import category_for
from records.models import AgencyRecord, LinkKind, RecordLink

RECORD_FIELDS = (
    "owning_agency__name",
    "owning_service__name",
    "record_type__code",
    "category",
    "title",
    "occurred_at",
    "ended_at",
    "recorded_at",
    "nature",
    "classification",
    "person_category",
    "location",
    "details",
    "facts",
    "review_due",
    "is_synthetic",
    "author_id",
)


def snapshot(seed: int, *, bulk: bool | None = None) -> list[tuple[Any, ...]]:
    """Load a tiny Eastbrook inside a savepoint, read its records back, and roll it away."""
    with transaction.atomic():
        Generator(seed=seed, size="tiny", bulk=bulk).run()
        pks = YoungPerson.objects.order_by("pk").values_list("pk", flat=True)
        position = {pk: index for index, pk in enumerate(pks)}
        links: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for record_id, kind, value, label in RecordLink.objects.values_list(
            "record_id", "kind", "value", "label"
        ):
            links[record_id].append((kind, value, label))
        rows = sorted(
            (
                (position[row[1]], *row[2:], tuple(sorted(links[row[0]])))
                for row in AgencyRecord.objects.values_list("pk", "young_person_id", *RECORD_FIELDS)
            ),
            key=lambda row: [(value is not None, str(value)) for value in row],
        )
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def eastbrook() -> Generator:
    generator = Generator(seed=2017, size="tiny")
    generator.run()
    return generator


@pytest.fixture(scope="module")
def small_plan() -> RecordPlan:
    """A small town's records, planned in memory only (no database needed)."""
    return Generator(seed=2017, size="small").plan_records()


def local_day(moment: Any) -> Any:
    return moment.astimezone(LONDON).date()


# -- the shape of the year -------------------------------------------------------------------


@pytest.mark.django_db
def test_most_young_people_have_few_records_and_a_few_have_many(eastbrook):
    counts = Counter(AgencyRecord.objects.values_list("young_person_id", flat=True))
    people = list(YoungPerson.objects.values_list("pk", flat=True))
    per_person = [counts[pk] for pk in people]
    assert sum(1 for count in per_person if count <= 5) >= 0.8 * len(people)
    assert sum(1 for count in per_person if count >= 15) >= 1
    assert sum(1 for count in per_person if count == 0) >= 5


def test_a_larger_town_has_the_same_skew_with_records_at_every_main_agency(small_plan):
    counts = small_plan.count_by_person()
    assert sum(1 for count in counts.values() if count <= 5) >= 0.8 * len(counts)
    by_tier: dict[Tier, list[int]] = defaultdict(list)
    for profile in small_plan.profiles:
        by_tier[profile.tier].append(counts[profile.index])
    assert 0.8 <= len(by_tier[Tier.LOW]) / len(counts) <= 0.9
    assert max(by_tier[Tier.LOW]) <= 6
    assert 5 <= sorted(by_tier[Tier.CONCERN])[len(by_tier[Tier.CONCERN]) // 2] <= 15
    assert all(20 <= count <= 70 for count in by_tier[Tier.HIGH])
    agencies = Counter(record.agency for record in small_plan.records)
    for key in ("education", "health", "police", "csc", "safesteps", "youthproject", "yos"):
        assert agencies[key] > 0, key
    assert agencies["education"] > agencies["police"] > agencies["yos"]


@pytest.mark.django_db
def test_every_record_is_synthetic_and_its_category_follows_its_owner(eastbrook):
    records = AgencyRecord.objects.select_related("owning_agency", "owning_service")
    assert records.count() > 100
    for record in records:
        assert record.is_synthetic
        assert record.category == category_for(record.owning_agency, record.owning_service)


@pytest.mark.django_db
def test_every_record_falls_in_the_year_before_the_reference_date_and_is_recorded_after(
    eastbrook,
):
    for record in AgencyRecord.objects.select_related("record_type"):
        assert YEAR_START <= local_day(record.occurred_at) < REFERENCE_DATE
        assert record.occurred_at <= record.recorded_at
        assert local_day(record.recorded_at) <= REFERENCE_DATE
        if record.record_type.code in ("school-absence", "late-after-registers-closed"):
            assert local_day(record.occurred_at) in SCHOOL_DAYS


@pytest.mark.django_db
def test_every_missing_episode_ends_after_it_starts_and_says_who_reported_it(eastbrook):
    episodes = AgencyRecord.objects.filter(record_type__code="missing-episode")
    assert episodes.count() >= 10
    for episode in episodes:
        assert episode.ended_at is not None
        assert episode.ended_at > episode.occurred_at
        assert episode.facts["reported_by"]
        assert episode.facts["found_at"]
        assert episode.owning_agency.kind == "police"


@pytest.mark.django_db
def test_most_missing_episodes_are_followed_by_a_return_home_interview_within_72_hours(
    eastbrook,
):
    interviews: dict[int, list[Any]] = defaultdict(list)
    for record in AgencyRecord.objects.filter(record_type__code="return-home-interview"):
        interviews[record.young_person_id].append(record.occurred_at)
        assert record.owning_agency.kind in ("childrens_social_care", "voluntary_sector")
    followed = missed = 0
    for episode in AgencyRecord.objects.filter(record_type__code="missing-episode"):
        assert episode.ended_at is not None
        window = (episode.ended_at, episode.ended_at + timedelta(hours=72))
        if any(window[0] < at <= window[1] for at in interviews[episode.young_person_id]):
            followed += 1
        else:
            missed += 1
    assert followed > missed
    assert missed >= 1


@pytest.mark.django_db
def test_sexual_health_attendances_are_only_for_young_people_aged_14_or_over_on_the_day(
    eastbrook,
):
    visits = AgencyRecord.objects.filter(record_type__code="sexual-health-attendance")
    assert visits.exists()
    for visit in visits.select_related("young_person", "owning_service"):
        assert visit.young_person.age_on(local_day(visit.occurred_at)) >= 14
        assert visit.category == "sexual_health"
        assert visit.owning_service is not None
        assert visit.owning_service.kind == "sexual_health"


def test_sexual_health_attendances_in_a_larger_town_are_for_14_and_over_too(small_plan):
    born = {profile.index: profile.plan.date_of_birth for profile in small_plan.profiles}
    visits = [r for r in small_plan.records if r.type_code == "sexual-health-attendance"]
    assert len(visits) >= 10
    for visit in visits:
        day = local_day(visit.occurred_at)
        dob = born[visit.person]
        assert day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)) >= 14


@pytest.mark.django_db
def test_nature_and_classification_are_used_sensibly(eastbrook):
    natures = Counter(AgencyRecord.objects.values_list("nature", flat=True))
    assert natures["fact"] > natures["opinion"] > 0
    assert natures["allegation"] > 0
    assert not AgencyRecord.objects.filter(
        record_type__code="missing-episode", nature__in=["opinion", "allegation"]
    ).exists()
    classifications = Counter(AgencyRecord.objects.values_list("classification", flat=True))
    assert classifications["standard"] > 0.8 * sum(classifications.values())
    assert classifications["sensitive"] > 0
    assert (
        AgencyRecord.objects.filter(record_type__code="arrest", person_category="suspect").count()
        == AgencyRecord.objects.filter(record_type__code="arrest").count()
    )


# -- determinism -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_records():
    first = snapshot(2017)
    assert len(first) > 100
    assert snapshot(2017) == first


@pytest.mark.django_db
def test_a_different_seed_gives_different_records():
    assert snapshot(2017) != snapshot(42)
    plan_2017 = Generator(seed=2017, size="small").plan_records().records
    plan_42 = Generator(seed=42, size="small").plan_records().records
    assert plan_2017 != plan_42


@pytest.mark.django_db
def test_bulk_and_one_by_one_writing_give_the_same_records():
    assert snapshot(2017, bulk=True) == snapshot(2017, bulk=False)


@pytest.mark.django_db
def test_a_bulk_load_audits_each_record_as_if_recorded_by_hand():
    Generator(seed=2017, size="tiny", bulk=True).run()
    events = AuditEvent.objects.filter(object_type="agency_record")
    records = dict(AgencyRecord.objects.values_list("pk", "young_person_id"))
    assert sorted(int(event.object_id) for event in events) == sorted(records)
    for event in events:
        assert event.action == "create"
        assert event.details["young_person"] == records[int(event.object_id)]
    assert verify_chain().ok


# -- links and the hidden clusters -----------------------------------------------------------


@pytest.mark.django_db
def test_phone_links_are_e164_from_drama_ranges_and_vehicle_links_are_normalised(eastbrook):
    links = RecordLink.objects.all()
    kinds = Counter(links.values_list("kind", flat=True))
    assert all(kinds[kind] > 0 for kind in (LinkKind.PHONE, LinkKind.VEHICLE, LinkKind.PLACE))
    drama = {normalise_uk_phone(prefix + "000")[:-3] for prefix in DRAMA_PHONE_RANGES}
    for link in links:
        if link.kind == LinkKind.PHONE:
            assert re.fullmatch(r"\+44[0-9]{10}", link.value)
            assert normalise_uk_phone(link.value) == link.value
            assert link.value[:-3] in drama, link.value
        elif link.kind == LinkKind.VEHICLE:
            assert normalise_vrm(link.value) == link.value
            assert re.fullmatch(r"Z[A-HJ-PR-Y][0-9]{2}[A-HJ-PR-Z]{3}", link.value)
        else:
            assert normalise_postcode(link.value) == link.value
            assert link.value.startswith("ZY")


def test_a_few_phones_vehicles_and_places_are_shared_by_several_young_people(small_plan):
    sharing: dict[tuple[str, str], set[int]] = defaultdict(set)
    for record in small_plan.records:
        for link in record.links:
            sharing[(link.kind, link.value)].add(record.person)
    shared = {key: people for key, people in sharing.items() if len(people) > 1}
    assert len(small_plan.clusters) == 2
    planted = {}
    for cluster in small_plan.clusters:
        for link in (cluster.phone, cluster.vehicle, cluster.place):
            planted[(link.kind, link.value)] = set(cluster.members)
    # Every shared identifier is a planted one, shared by all of its cluster.
    assert shared == planted
    assert all(len(people) >= 3 for people in shared.values())
    members = [index for cluster in small_plan.clusters for index in cluster.members]
    tiers = {profile.index: profile.tier for profile in small_plan.profiles}
    assert all(tiers[index] == Tier.HIGH for index in members)


def test_cluster_members_go_missing_more_often_and_for_longer_as_the_year_goes_on(small_plan):
    for cluster in small_plan.clusters:
        gaps = [
            (later - earlier).days
            for earlier, later in zip(cluster.nights, cluster.nights[1:], strict=False)
        ]
        half = len(gaps) // 2
        assert sum(gaps[half:]) / len(gaps[half:]) < sum(gaps[:half]) / half
        for member in cluster.members:
            episodes = sorted(
                (r for r in small_plan.records if r.person == member),
                key=lambda r: r.occurred_at,
            )
            episodes = [r for r in episodes if r.type_code == "missing-episode"]
            assert len(episodes) >= 5
            hours = [r.facts["hours_missing"] for r in episodes]
            middle = len(hours) // 2
            assert sum(hours[middle:]) / len(hours[middle:]) > sum(hours[:middle]) / middle
            assert sum(1 for r in episodes if r.facts["found_at"] == cluster.spec.place) >= 5


# -- what the demo users see -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_practitioners_are_in_case_teams_and_coordinators_lead_some(eastbrook):
    teams = LegitimateRelationship.objects.filter(kind="case_team", reason=ALLOCATION_REASON)
    for username, _ in CASE_TEAM_USERS:
        assert teams.filter(user__username=username).count() >= 5, username
    leads = LegitimateRelationship.objects.filter(kind="lead_professional")
    assert leads.filter(user__username="csc.coordinator").exists()
    cluster_people = {
        eastbrook.registered[index].pk
        for cluster in eastbrook.record_plan.clusters
        for index in cluster.members
    }
    assert cluster_people <= set(
        leads.filter(user__username="csc.coordinator").values_list("young_person_id", flat=True)
    )


def test_each_demo_practitioner_has_10_to_20_young_people_in_a_larger_town(small_plan):
    from demo.records import plan_allocation

    allocation = plan_allocation(small_plan, Generator(seed=2017, size="small").stream("x"))
    for username, _ in CASE_TEAM_USERS:
        assert 10 <= len(allocation.case_team[username]) <= 20, username
    teams = [set(people) for people in allocation.case_team.values()]
    assert any(a & b for a in teams for b in teams if a is not b)  # the teams overlap


@pytest.mark.django_db
def test_a_declined_consent_caps_what_other_agencies_see(eastbrook):
    declined = ConsentDecision.objects.filter(status="declined")
    assert declined.exists()
    assert ConsentDecision.objects.exclude(status="declined").exists()
    person = declined.earliest("pk").young_person
    assert person.consent_blocks_sharing
    team = LegitimateRelationship.objects.filter(young_person=person, kind="case_team")
    member = team.earliest("pk").user
    others = AgencyRecord.objects.filter(young_person=person).exclude(owning_agency=member.agency)
    viewer = policy.viewer_for(member, person)
    assert viewer.in_case_team
    assert all(policy.level_of(viewer, record) <= Level.EXISTENCE for record in others)


# -- the command and the audit trail ---------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_prints_records_per_agency_and_the_time_taken_and_the_chain_verifies():
    out = StringIO()
    call_command("load_demo", "--size", "tiny", stdout=out)
    text = out.getvalue()
    total = AgencyRecord.objects.count()
    assert f"{total:,} agency records" in text
    assert re.search(r"Agency records by agency \([0-9.]+ s, one by one\)", text)
    for name, count in Counter(
        AgencyRecord.objects.values_list("owning_agency__short_name", flat=True)
    ).items():
        assert re.search(rf"^\s+{re.escape(name)}\s+{count:,}$", text, re.MULTILINE), name
    assert AuditEvent.objects.filter(object_type="agency_record").count() == total
    verification = verify_chain()
    assert verification.ok, verification.problems
