"""The synthetic Eastbrook partnership: deterministic, valid, marked synthetic, ready to sign in."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.eastbrook import (
    AGENCY_NAMES,
    DEMO_PASSWORD,
    REFERENCE_DATE,
    Generator,
)
from governance.models import AuditEvent
from partnership.models import Agency, AgencyKind, Role, User
from people.actions import (
    YoungPersonRow,
    do_record_identity,
    do_register_young_people_bulk,
    do_register_young_person,
)
from people.models import Gender, RecordedIdentity, YoungPerson

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "is_synthetic",
)
IDENTITY_FIELDS = (
    "agency__name",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "upn",
    "nhs_number",
    "source_reference",
    "recorded_at",
)


# Independent implementations of the two checks, so that the tests do not trust the generator.
def upn_passes_check(upn: str) -> bool:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    if len(upn) != 13 or not upn[1:].isdigit():
        return False
    total = sum(int(char) * weight for char, weight in zip(upn[1:], range(2, 14), strict=True))
    return upn[0] == letters[total % 23]


def nhs_number_passes_check(number: str) -> bool:
    if not re.fullmatch(r"[0-9]{10}", number):
        return False
    total = sum(int(d) * weight for d, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(number[9])


def snapshot(
    seed: int, *, bulk: bool | None = None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Load a tiny Eastbrook inside a savepoint, read it back, and roll it away."""
    with transaction.atomic():
        Generator(seed=seed, size="tiny", bulk=bulk).run()
        people = list(YoungPerson.objects.order_by("pk").values_list("pk", *PERSON_FIELDS))
        position = {row[0]: index for index, row in enumerate(people)}
        identities = sorted(
            (position[row[0]], *row[1:])
            for row in RecordedIdentity.objects.values_list("young_person_id", *IDENTITY_FIELDS)
        )
        transaction.set_rollback(True)
    return [row[1:] for row in people], identities


@pytest.fixture
def eastbrook() -> Generator:
    generator = Generator(seed=2017, size="tiny")
    generator.run()
    return generator


def test_the_checks_used_here_accept_known_good_numbers_and_refuse_altered_ones():
    assert nhs_number_passes_check("9434765919")
    assert not nhs_number_passes_check("9434765918")
    upn = "A999203100001"
    good = next(
        letter + upn[1:]
        for letter in "ABCDEFGHJKLMNPQRTUVWXYZ"
        if upn_passes_check(letter + upn[1:])
    )
    assert upn_passes_check(good)
    assert not upn_passes_check(good[:-1] + str((int(good[-1]) + 1) % 10))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_young_people_on_every_run():
    first = snapshot(2017)
    second = snapshot(2017)
    assert len(first[0]) == 40
    assert first == second


@pytest.mark.django_db
def test_a_different_seed_gives_different_young_people():
    people_2017, _ = snapshot(2017)
    people_42, _ = snapshot(42)
    assert people_2017 != people_42
    names_2017 = {(row[0], row[1], row[2]) for row in people_2017}
    names_42 = {(row[0], row[1], row[2]) for row in people_42}
    assert len(names_2017 & names_42) < 5


@pytest.mark.django_db
def test_bulk_and_one_by_one_registration_give_the_same_young_people():
    assert snapshot(2017, bulk=True) == snapshot(2017, bulk=False)


@pytest.mark.django_db
def test_every_upn_and_nhs_number_passes_its_check(eastbrook):
    upns = [
        *YoungPerson.objects.values_list("upn", flat=True),
        *RecordedIdentity.objects.values_list("upn", flat=True),
    ]
    nhs_numbers = [
        *YoungPerson.objects.values_list("nhs_number", flat=True),
        *RecordedIdentity.objects.values_list("nhs_number", flat=True),
    ]
    assert all(upn_passes_check(upn) for upn in upns if upn)
    assert all(nhs_number_passes_check(number) for number in nhs_numbers if number)
    assert sum(1 for upn in upns if upn) >= 40
    assert sum(1 for number in nhs_numbers if number) >= 40


def test_every_upn_and_nhs_number_in_a_large_town_passes_its_check():
    plans = Generator(seed=7, size="medium").plan_young_people()
    assert all(upn_passes_check(plan.upn) for plan in plans)
    assert all(nhs_number_passes_check(plan.nhs_number) for plan in plans)
    assert len({plan.upn for plan in plans}) == len(plans)
    assert len({plan.nhs_number for plan in plans}) == len(plans)


def test_identifiers_cannot_belong_to_real_children():
    plans = Generator(seed=2017, size="small").plan_young_people()
    # NHS numbers from the test range; UPNs from local authority codes no real authority has.
    assert all(plan.nhs_number.startswith("999") for plan in plans)
    assert {plan.upn[1:4] for plan in plans} <= {"996", "997", "998", "999"}
    assert all(re.fullmatch(r"ZY[1-9] [0-9][A-Z]{2}", plan.home.postcode) for plan in plans)


@pytest.mark.django_db
def test_everything_generated_is_marked_synthetic(eastbrook):
    assert Agency.objects.count() == len(AGENCY_NAMES)
    assert not Agency.objects.filter(is_synthetic=False).exists()
    assert all(
        name.endswith("(synthetic)") for name in Agency.objects.values_list("name", flat=True)
    )
    assert not User.objects.filter(is_synthetic=False).exists()
    assert not YoungPerson.objects.filter(is_synthetic=False).exists()
    assert all(email.endswith(".invalid") for email in User.objects.values_list("email", flat=True))


@pytest.mark.django_db
def test_every_role_has_a_user_and_every_agency_but_community_partners_a_practitioner(eastbrook):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for agency in Agency.objects.exclude(kind=AgencyKind.COMMUNITY_PARTNER):
        assert agency.users.filter(role=Role.PRACTITIONER).exists(), agency.name
    assert User.objects.filter(role=Role.ADMINISTRATOR).count() == 1


@pytest.mark.django_db
def test_community_partners_hold_only_community_partner_users(eastbrook):
    partners = Agency.objects.filter(kind=AgencyKind.COMMUNITY_PARTNER)
    assert partners.count() == 2
    for agency in partners:
        assert set(agency.users.values_list("role", flat=True)) == {Role.COMMUNITY_PARTNER}
    assert (
        not User.objects.filter(role=Role.COMMUNITY_PARTNER).exclude(agency__in=partners).exists()
    )


@pytest.mark.django_db
def test_health_has_a_sexual_health_nurse_and_a_school_nurse_and_schools_have_dsls(eastbrook):
    health = User.objects.filter(agency__kind=AgencyKind.HEALTH, role=Role.PRACTITIONER)
    assert {"sexual_health", "school_nursing"} <= set(
        health.values_list("service__kind", flat=True)
    )
    dsls = User.objects.filter(agency__kind=AgencyKind.EDUCATION, role=Role.PRACTITIONER)
    assert dsls.exists()
    assert set(dsls.values_list("service__kind", flat=True)) == {"school"}


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_shared_password_and_a_confirmed_authenticator(eastbrook):
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.username
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert re.fullmatch(r"[0-9a-f]{40}", device.key)
    keys = list(TOTPDevice.objects.values_list("key", flat=True))
    assert len(set(keys)) == len(keys)


def test_authenticator_keys_are_derived_from_the_seed_and_username():
    from demo.eastbrook import totp_key

    assert totp_key(2017, "police.practitioner") == totp_key(2017, "police.practitioner")
    assert totp_key(2017, "police.practitioner") != totp_key(2018, "police.practitioner")
    assert totp_key(2017, "police.practitioner") != totp_key(2017, "police.mash")


def test_boys_and_girls_both_appear_in_reasonable_proportion():
    plans = Generator(seed=2017, size="small").plan_young_people()
    genders = Counter(plan.gender for plan in plans)
    assert 0.4 < genders[Gender.BOY] / len(plans) < 0.6
    assert 0.4 < genders[Gender.GIRL] / len(plans) < 0.6


@pytest.mark.django_db
def test_boys_and_girls_are_both_registered(eastbrook):
    genders = Counter(YoungPerson.objects.values_list("gender", flat=True))
    assert genders[Gender.BOY] >= 10
    assert genders[Gender.GIRL] >= 10


@pytest.mark.django_db
def test_young_people_are_aged_10_to_17_on_the_reference_date(eastbrook):
    ages = {person.age_on(REFERENCE_DATE) for person in YoungPerson.objects.all()}
    assert ages <= set(range(10, 18))


def test_a_larger_town_has_every_age_from_10_to_17_and_varied_heritage():
    plans = Generator(seed=2017, size="small").plan_young_people()
    assert {plan.age for plan in plans} == set(range(10, 18))
    assert len({plan.heritage for plan in plans}) >= 5


@pytest.mark.django_db
def test_every_young_person_has_the_school_record_as_canonical_and_some_health_records(eastbrook):
    for person in YoungPerson.objects.prefetch_related("recorded_identities__agency"):
        identities = list(person.recorded_identities.all())
        education = [i for i in identities if i.agency.kind == AgencyKind.EDUCATION]
        assert len(education) == 1
        assert (education[0].given_name, education[0].family_name, education[0].upn) == (
            person.given_name,
            person.family_name,
            person.upn,
        )
    assert RecordedIdentity.objects.filter(agency__kind=AgencyKind.HEALTH).count() >= 15


def test_health_records_differ_from_school_records_in_realistic_ways():
    plans = Generator(seed=2017, size="medium").plan_young_people()
    pairs = [(plan.identities[0], plan.identities[1]) for plan in plans if len(plan.identities) > 1]
    assert len(pairs) > 0.6 * len(plans)
    differences: Counter[str] = Counter()
    for school, health in pairs:
        for name in ("given_name", "family_name", "date_of_birth", "postcode", "other_names"):
            if getattr(school, name) != getattr(health, name):
                differences[name] += 1
    assert all(count > 10 for count in differences.values()), differences
    assert len(differences) == 5
    assert all(school.nhs_number in ("", health.nhs_number) for school, health in pairs)


@pytest.mark.django_db
def test_load_demo_if_empty_does_not_load_twice():
    call_command("load_demo", "--size", "tiny", stdout=StringIO())
    counts = (Agency.objects.count(), User.objects.count(), YoungPerson.objects.count())
    out = StringIO()
    call_command("load_demo", "--size", "tiny", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Agency.objects.count(), User.objects.count(), YoungPerson.objects.count()) == counts


@pytest.mark.django_db
def test_load_demo_refuses_to_load_on_top_of_itself_without_if_empty():
    call_command("load_demo", "--size", "tiny", stdout=StringIO())
    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_demo", "--size", "tiny", stdout=StringIO())
    assert YoungPerson.objects.count() == 40


@pytest.mark.django_db
def test_load_demo_refuses_a_production_system(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", "--size", "tiny", stdout=StringIO())
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_demo_accounts_refuses_when_demo_mode_is_off(settings, eastbrook):
    settings.TESSERA_DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_accounts", stdout=StringIO())


@pytest.mark.django_db
def test_demo_accounts_lists_every_account_the_password_and_how_to_sign_in(settings, eastbrook):
    settings.TESSERA_DEMO_MODE = True
    out = StringIO()
    call_command("demo_accounts", "--keys", stdout=out)
    text = out.getvalue()
    for username in User.objects.values_list("username", flat=True):
        assert re.search(rf"^{re.escape(username)}\s", text, re.MULTILINE), username
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    assert re.search(r"\b[A-Z2-7]{32}\b", text)  # a base32 authenticator key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("9000", "http://127.0.0.1:9000/"),
        ("localhost:8001", "http://localhost:8001/"),
        ("0.0.0.0:8002", "http://127.0.0.1:8002/"),
        ("[::1]:8003", "http://[::1]:8003/"),
    ],
)
def test_demo_accounts_prints_the_address_the_demo_serves(settings, eastbrook, host, url):
    settings.TESSERA_DEMO_MODE = True
    out = StringIO()
    call_command("demo_accounts", "--addrport", host, stdout=out)
    assert f"Open {url}" in out.getvalue()
    assert "8000" not in out.getvalue()


@pytest.mark.django_db
def test_demo_accounts_names_a_host_it_cannot_read(settings, eastbrook):
    settings.TESSERA_DEMO_MODE = True
    with pytest.raises(CommandError, match="HOST 'nowhere:port' is not a port or address:port"):
        call_command("demo_accounts", "--addrport", "nowhere:port", stdout=StringIO())


def test_make_demo_tells_demo_accounts_the_host_runserver_serves():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py demo_accounts --addrport $(HOST)" in recipe
    # The web server, the worker and the scheduler start together from the demo's Procfile,
    # the web server on the HOST make passes down.
    assert "HOST=$(HOST)" in recipe
    assert "honcho -f Procfile.demo start" in recipe
    procfile = (Path(__file__).resolve().parents[2] / "Procfile.demo").read_text()
    processes = dict(
        line.split(":", 1) for line in procfile.splitlines() if line and not line.startswith("#")
    )
    assert "manage.py runserver ${HOST" in processes["web"]
    assert "manage.py db_worker" in processes["worker"]
    assert "manage.py run_schedule" in processes["scheduler"]


# -- the people actions the generator relies on ----------------------------------------------


def _registration(agency: Agency, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "agency": agency,
        "given_name": "Test",
        "family_name": "Person",
        "date_of_birth": REFERENCE_DATE.replace(year=2012),
        "gender": Gender.BOY,
        "nhs_number": "9990000018",
    }
    values.update(overrides)
    return values


@pytest.mark.django_db
def test_a_practitioner_registers_a_young_person_for_their_own_agency(eastbrook):
    nurse = eastbrook.user_by_username["health.schoolnurse"]
    person = do_register_young_person(
        actor=nurse, **_registration(nurse.agency), postcode="zy1 2ab", is_synthetic=True
    )
    identity = person.recorded_identities.get()
    assert (identity.agency, identity.postcode, person.postcode) == (
        nurse.agency,
        "ZY1 2AB",
        "ZY1 2AB",
    )
    event = AuditEvent.objects.filter(object_type="young_person").latest("seq")
    assert event.object_id == str(person.pk)
    assert event.actor_username == "health.schoolnurse"
    assert "Test" not in str(event.details)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["hotel.partner", "council.admin", "health.strategic"])
def test_roles_that_read_no_case_content_cannot_register_a_young_person(eastbrook, username):
    actor = eastbrook.user_by_username[username]
    with pytest.raises(PermissionDenied):
        do_register_young_person(actor=actor, **_registration(actor.agency))
    assert YoungPerson.objects.count() == 40


@pytest.mark.django_db
def test_a_practitioner_cannot_record_for_another_agency(eastbrook):
    actor = eastbrook.user_by_username["school.dsl"]
    police = eastbrook.agency_by_key["police"]
    with pytest.raises(PermissionDenied):
        do_register_young_person(actor=actor, **_registration(police))
    person = YoungPerson.objects.earliest("pk")
    with pytest.raises(PermissionDenied):
        do_record_identity(actor=actor, young_person=person, **_registration(police))


@pytest.mark.django_db
def test_an_nhs_number_that_fails_its_check_is_refused_and_nothing_is_written(eastbrook):
    health = eastbrook.agency_by_key["health"]
    with pytest.raises(ValidationError) as refused:
        do_register_young_person(actor=None, **_registration(health, nhs_number="9990000019"))
    assert "nhs_number" in refused.value.message_dict
    assert "modulus 11" in str(refused.value)
    assert YoungPerson.objects.count() == 40


@pytest.mark.django_db
def test_a_bulk_load_with_one_bad_row_names_the_row_and_writes_nothing(eastbrook):
    education = eastbrook.agency_by_key["education"]
    rows = [
        YoungPersonRow(**_registration(education)),
        YoungPersonRow(**_registration(education, upn="A999203100001")),
    ]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        do_register_young_people_bulk(actor=None, rows=rows)
    assert "Row 2" in str(refused.value.message_dict["upn"])
    assert YoungPerson.objects.count() == 40
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_bulk_load_writes_one_audit_event_with_counts_only(eastbrook):
    education = eastbrook.agency_by_key["education"]
    rows = [YoungPersonRow(**_registration(education, given_name=f"Name{i}")) for i in range(3)]
    events = AuditEvent.objects.count()
    people = do_register_young_people_bulk(actor=None, rows=rows, batch_size=2)
    assert [person.pk is not None for person in people] == [True, True, True]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("seq")
    assert event.details["young_people"] == 3
    assert "Name" not in str(event.details)


@pytest.mark.django_db
def test_the_case_past_its_review_date_is_waiting_in_its_leads_notifications(eastbrook):
    # The demo leaves one case 18 days past its review; the load's overdue check (the real
    # job) has told its lead professional, the children's social care coordinator.
    from cases.models import Case
    from notifications.models import Notification

    late = [case for case in Case.objects.all() if case.review_overdue]
    assert late
    for case in late:
        told = Notification.objects.filter(
            kind="case_review_overdue", object_type="case", object_id=str(case.pk)
        )
        assert case.lead in {notice.user for notice in told}


@pytest.mark.django_db
def test_demo_accounts_lead_with_where_to_start_before_the_whole_list(settings, eastbrook):
    settings.TESSERA_DEMO_MODE = True
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    whole_list = text.index("Every account:")
    roles = {user.username: user.role for user in User.objects.all()}
    # A coordinator, a MASH screener, a school DSL, a sexual health nurse, an analyst and a
    # hotel partner: the accounts that show the product, each named before the whole list.
    expected = {
        "csc.coordinator": Role.COORDINATOR,
        "police.mash": Role.MASH_SCREENER,
        "school.dsl": Role.PRACTITIONER,
        "health.sexualhealth": Role.PRACTITIONER,
        "police.analyst": Role.ANALYST,
        "hotel.partner": Role.COMMUNITY_PARTNER,
    }
    for username, role in expected.items():
        line = re.search(rf"^  {re.escape(username)}\s+(\S.*)$", text[:whole_list], re.MULTILINE)
        assert line, username
        assert len(line.group(1)) > 20, f"{username} has no sentence on what to try"
        assert roles[username] == role
