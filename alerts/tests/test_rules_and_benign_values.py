"""The rules' record and parameters, switching a rule, benign values, and the replay pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from alerts import actions
from alerts.models import AlertStatus, BenignValue, DismissReason, ReplayRun, RuleVersion
from conftest import sign_in_fully
from governance.models import AuditEvent
from partnership.models import Role
from people.models import YoungPerson


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def screener(make_user):
    return make_user(Role.MASH_SCREENER, "csc")


@pytest.fixture
def analyst(make_user):
    return make_user(Role.ANALYST, "police")


def _numbers(row: str) -> list[str]:
    """The numeric cells of a table row, as shown."""
    return [
        cell.split(">")[1].split("<")[0] for cell in row.split('govuk-table__cell--numeric"')[1:]
    ]


def _client(user) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Alex", family_name="Rulesample", date_of_birth=date(2010, 5, 6)
    )


# --- The rules' record ---------------------------------------------------------------------------


def test_each_rule_shows_what_it_raised_and_what_became_of_it(
    coordinator, make_rule, make_alert, person
):
    earns = make_rule(name="Health near missing")
    noisy = make_rule(name="Repeat missing")
    for status in ("accepted", "accepted", "accepted", "dismissed", "open"):
        make_alert(
            earns,
            [person],
            status=status,
            dismiss_reason=DismissReason.EXPLAINED if status == "dismissed" else "",
        )
    for _ in range(3):
        make_alert(noisy, [person], status=AlertStatus.DISMISSED, dismiss_reason="benign")
    run = ReplayRun.objects.create(
        name="Trial", starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1)
    )
    make_alert(noisy, [person], replay_run=run)  # a replay does not count in the live record
    page = _client(coordinator).get("/alerts/rules/").content.decode()
    rows = page.split('<tr class="govuk-table__row">')
    earns_row = next(r for r in rows if "Health near missing" in r)
    noisy_row = next(r for r in rows if "Repeat missing" in r)
    # raised, accepted, dismissed, merged, still open, acceptance (3 of 4 decided)
    assert _numbers(earns_row) == ["5", "3", "1", "0", "1", "75%"]
    assert _numbers(noisy_row) == ["3", "0", "3", "0", "0", "0%"]
    assert "the shared phone, vehicle or place is benign 3" in noisy_row


def test_a_rules_page_shows_its_versions_and_only_the_coordinator_may_change_it(
    coordinator, screener, make_rule
):
    rule = make_rule(name="Repeat missing", parameters={"episodes": 3, "days": 90})
    page = _client(coordinator).get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert "Version 1 (in force)" in page
    assert "Change the parameters" in page
    screener_client = _client(screener)
    screener_page = screener_client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert "Version 1 (in force)" in screener_page
    assert "Change the parameters" not in screener_page
    assert screener_client.get(f"/alerts/rules/{rule.pk}/parameters/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.do_change_rule_parameters(
            actor=screener, rule=rule, parameters={"episodes": 4, "days": 90}, reason="Fewer"
        )


def test_new_parameters_make_a_new_version_with_its_reason_audited(coordinator, make_rule):
    rule = make_rule(name="Repeat missing", parameters={"episodes": 3, "days": 90})
    client = _client(coordinator)
    response = client.post(
        f"/alerts/rules/{rule.pk}/parameters/",
        {"episodes": "4", "days": "90", "reason": "Replay of last year: half the load."},
    )
    assert response.status_code == 302
    versions = list(RuleVersion.objects.filter(rule=rule).order_by("number"))
    assert [v.parameters for v in versions] == [
        {"episodes": 3, "days": 90},
        {"episodes": 4, "days": 90},
    ]
    assert versions[1].created_by == coordinator
    event = AuditEvent.objects.filter(object_type="alert_rule", object_id=str(rule.pk)).last()
    assert event is not None
    assert event.purpose == "Replay of last year: half the load."
    page = client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert "Version 2 (in force)" in page
    assert "Replay of last year: half the load." in page


def test_parameters_of_the_wrong_type_or_without_a_reason_are_refused_naming_the_field(
    coordinator, make_rule
):
    rule = make_rule(parameters={"episodes": 3, "share": 0.5, "residential": True})
    client = _client(coordinator)
    response = client.post(
        f"/alerts/rules/{rule.pk}/parameters/",
        {"episodes": "three", "share": "0.5", "residential": "true", "reason": ""},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_episodes-error"' in text
    assert 'id="id_reason-error"' in text
    assert RuleVersion.objects.filter(rule=rule).count() == 1
    with pytest.raises(ValidationError) as refused:
        actions.do_change_rule_parameters(
            actor=coordinator,
            rule=rule,
            parameters={"episodes": 2.5, "share": 1, "residential": 1, "extra": 4},
            reason="Trying",
        )
    errors = refused.value.message_dict
    assert errors["episodes"] == ["episodes must be a whole number."]
    assert errors["residential"] == ["residential must be yes or no."]
    assert errors["extra"] == ["extra is not a parameter of this rule."]
    assert "share" not in errors  # a whole number is a number


def test_switching_a_rule_off_is_audited_with_its_reason(coordinator, make_rule):
    rule = make_rule()
    response = _client(coordinator).post(
        f"/alerts/rules/{rule.pk}/switch/", {"reason": "Too many innocent look-alikes."}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.is_enabled is False
    event = AuditEvent.objects.filter(object_type="alert_rule").last()
    assert event is not None
    assert event.details["enabled"] is False


# --- Benign values -------------------------------------------------------------------------------


def test_a_benign_phone_is_kept_normalised_as_record_links_are(coordinator):
    client = _client(coordinator)
    response = client.post(
        "/alerts/benign-values/add/",
        {"kind": "phone", "value": "0113 496 0000", "label": "Eastbrook Academy office"},
    )
    assert response.status_code == 302
    benign = BenignValue.objects.get()
    assert benign.value == "+441134960000"
    assert AuditEvent.objects.filter(object_type="benign_value", object_id=str(benign.pk)).exists()
    again = client.post(
        "/alerts/benign-values/add/",
        {"kind": "phone", "value": "+44 113 496 0000", "label": "Same number"},
    )
    assert again.status_code == 400
    assert "already a benign value" in again.content.decode()
    listing = client.get("/alerts/benign-values/").content.decode()
    assert "Eastbrook Academy office" in listing
    removed = client.post(f"/alerts/benign-values/{benign.pk}/remove/")
    assert removed.status_code == 302
    assert not BenignValue.objects.exists()


def test_a_value_that_is_not_a_phone_is_refused_naming_the_field(coordinator):
    response = _client(coordinator).post(
        "/alerts/benign-values/add/", {"kind": "phone", "value": "call me", "label": "Nothing"}
    )
    assert response.status_code == 400
    assert 'id="id_value-error"' in response.content.decode()
    assert not BenignValue.objects.exists()


def test_only_the_coordinator_keeps_the_benign_values(screener, coordinator):
    benign = actions.do_add_benign_value(
        actor=coordinator, kind="vehicle", value="ab12 cde", label="School minibus"
    )
    assert benign.value == "AB12CDE"
    client = _client(screener)
    page = client.get("/alerts/benign-values/").content.decode()
    assert "School minibus" in page
    assert "Remove" not in page
    assert client.post(f"/alerts/benign-values/{benign.pk}/remove/").status_code == 404
    assert BenignValue.objects.exists()


# --- Replays -------------------------------------------------------------------------------------


def test_the_replay_page_lists_runs_with_counts_per_rule(analyst, make_rule, make_alert, person):
    rule = make_rule(name="Older associate")
    run = ReplayRun.objects.create(
        name="Older associate at 4 years", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
        status="finished", days_done=365, days_total=365,
    )  # fmt: skip
    make_alert(rule, [person], replay_run=run)
    make_alert(rule, [person], replay_run=run)
    client = _client(analyst)
    listing = client.get("/alerts/replays/").content.decode()
    assert "Older associate at 4 years" in listing
    page = client.get(f"/alerts/replays/{run.pk}/").content.decode()
    assert "365 of 365 days" in page
    assert "2 alerts in all" in page


def test_a_practitioner_may_not_replay(make_user):
    client = _client(make_user(Role.PRACTITIONER, "school"))
    assert client.get("/alerts/replays/").status_code == 404
    run = ReplayRun.objects.create(name="x", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 2))
    assert client.get(f"/alerts/replays/{run.pk}/").status_code == 404
    assert client.get(f"/alerts/replays/{run.pk}/csv/").status_code == 404


def test_starting_a_replay_queues_the_run(coordinator):
    response = _client(coordinator).post(
        "/alerts/replays/",
        {"name": "Last spring", "starts_on": "2025-03-01", "ends_on": "2025-03-07"},
    )
    assert response.status_code == 302
    run = ReplayRun.objects.get(name="Last spring")
    assert response["Location"] == f"/alerts/replays/{run.pk}/"


def test_a_replay_whose_last_day_is_before_its_first_is_refused(coordinator):
    response = _client(coordinator).post(
        "/alerts/replays/",
        {"name": "Backwards", "starts_on": "2025-03-07", "ends_on": "2025-03-01"},
    )
    assert response.status_code == 400
    assert 'id="id_ends_on-error"' in response.content.decode()
    assert not ReplayRun.objects.exists()


def test_a_replays_alerts_download_as_csv(coordinator, make_rule, make_alert, person):
    run = ReplayRun.objects.create(name="x", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 2))
    make_alert(make_rule(), [person], replay_run=run)
    response = _client(coordinator).get(f"/alerts/replays/{run.pk}/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert len(body.strip().splitlines()) >= 2
