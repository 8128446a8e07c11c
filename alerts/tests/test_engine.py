"""How alerts are raised: one open alert per pattern, a new one only for new evidence after a
decision, the same alerts in full as incrementally, a resumable full run, and evidence that
goes with a withdrawn record."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from alerts import engine
from alerts.models import Alert, AlertStatus, FullEvaluation
from alerts.tests.helpers import alerts_for, evidence_of, person, record
from governance.models import AuditEvent

pytestmark = pytest.mark.django_db

PHONE = ("phone", "020 7946 0456", "Number of the older male")


def _several_agencies(agencies, kayla, days=(20, 15, 10)):
    return [
        record(agencies, kayla, "concern", agency=agency, days_ago=day)
        for agency, day in zip(("school", "health", "charity"), days, strict=True)
    ]


def test_a_repeat_of_the_pattern_adds_evidence_to_the_open_alert(agencies):
    kayla = person()
    first = _several_agencies(agencies, kayla)
    [alert] = alerts_for("several_agencies_concerned")
    raised_at = alert.updated_at
    later = record(agencies, kayla, "concern", agency="police", days_ago=2)
    [again] = alerts_for("several_agencies_concerned")
    assert again.pk == alert.pk
    assert evidence_of(again) == {r.pk for r in [*first, later]}
    assert again.updated_at > raised_at
    created = AuditEvent.objects.filter(object_type="alert", object_id=str(alert.pk))
    assert sorted(created.values_list("action", flat=True)) == ["create", "update"]
    assert created.get(action="create").actor_id is None  # the system raised it


def test_after_a_dismissal_only_new_evidence_raises_a_new_alert(agencies):
    kayla = person()
    _several_agencies(agencies, kayla)
    [alert] = alerts_for("several_agencies_concerned")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.DISMISSED)
    # Evaluating the same records again raises nothing: they were decided on.
    engine.evaluate_records(list(alert.evidence.values_list("record_id", flat=True)))
    assert len(alerts_for("several_agencies_concerned")) == 1
    # A new concern in the pattern is a new occurrence: a new alert, with the whole pattern.
    new = record(agencies, kayla, "concern", agency="police", days_ago=1)
    [old, fresh] = alerts_for("several_agencies_concerned")
    assert old.pk == alert.pk
    assert fresh.status == AlertStatus.OPEN
    assert new.pk in evidence_of(fresh)
    assert evidence_of(old) < evidence_of(fresh)


def test_a_record_outside_the_pattern_adds_nothing_to_a_dismissed_alert(agencies):
    kayla = person()
    _several_agencies(agencies, kayla, days=(200, 195, 190))
    [alert] = alerts_for("several_agencies_concerned")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.DISMISSED)
    record(agencies, kayla, "concern", agency="police", days_ago=1)  # months later, alone
    assert len(alerts_for("several_agencies_concerned")) == 1


def test_a_repeat_goes_to_the_alert_it_was_merged_into(agencies):
    kayla = person()
    _several_agencies(agencies, kayla)
    record(agencies, kayla, "concern", agency="school", days_ago=9)
    record(agencies, kayla, "concern", agency="school", days_ago=8)  # three recent: escalating
    [several] = alerts_for("several_agencies_concerned")
    [escalating] = alerts_for("escalating")
    Alert.objects.filter(pk=escalating.pk).update(status=AlertStatus.MERGED, merged_into=several)
    late = record(agencies, kayla, "concern", agency="school", days_ago=1)
    assert len(alerts_for("escalating")) == 1
    assert late.pk in evidence_of(Alert.objects.get(pk=several.pk))


def _mixed_town(agencies):
    """Several young people whose records make most of the rules' patterns, and some that
    do not, saved oldest first."""
    kayla, jay, sam, lee = person(), person("Jay"), person("Sam"), person("Lee")
    plan: list[tuple[Any, str, str, float, dict[str, Any], tuple[tuple[str, str, str], ...]]] = [
        (kayla, "in-care", "csc", 300, {}, ()),
        (kayla, "missing-episode", "police", 80, {}, (PHONE,)),
        (jay, "concern", "school", 70, {}, ()),
        (kayla, "missing-episode", "police", 60, {}, ()),
        (sam, "lesson-missed", "school", 40, {}, ()),
        (kayla, "school-absence", "school", 59.5, {}, ()),
        (jay, "concern", "health", 30, {}, (PHONE,)),
        (sam, "lesson-missed", "school", 35, {}, ()),
        (kayla, "missing-episode", "police", 30, {}, ()),
        (kayla, "sexual-health-attendance", "health", 28, {}, ()),
        (sam, "lesson-missed", "school", 30, {}, ()),
        (jay, "gifts", "charity", 20, {}, ()),
        (lee, "concern", "school", 15, {}, ()),
        (kayla, "gifts", "school", 10, {}, ()),
        (lee, "police-stop", "police", 5, {}, (("person", "Dee", "Dee, aged 30"),)),
    ]
    for young_person, code, agency, days, facts, links in plan:
        record(
            agencies,
            young_person,
            code,
            agency=agency,
            days_ago=days,
            hours=12 if code == "missing-episode" else None,
            facts=facts,
            links=links,
        )


def _alerts_as_seen() -> set[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    return {
        (
            alert.rule.code,
            tuple(sorted(alert.young_people.values_list("pk", flat=True))),
            tuple(sorted(evidence_of(alert))),
        )
        for alert in Alert.objects.filter(replay_run=None)
    }


def test_the_full_evaluation_gives_the_same_alerts_as_the_incremental_path(agencies):
    _mixed_town(agencies)
    incremental = _alerts_as_seen()
    # Every rule's pattern is in the town (so the comparison covers them all) ...
    assert {code for code, _, _ in incremental} >= {
        "repeat_missing",
        "health_near_missing",
        "absent_and_missing",
        "lessons_missed_after_registration",
        "shared_identifier",
        "several_agencies_concerned",
        "vulnerability_meets_warning_sign",
        "older_associate",
    }
    Alert.objects.all().delete()
    evaluation = engine.evaluate_all(chunk=2)
    assert evaluation.finished_at is not None
    assert _alerts_as_seen() == incremental
    # ... and a second full run changes nothing.
    engine.evaluate_all(evaluation=engine.start_full_evaluation())
    assert _alerts_as_seen() == incremental


def test_records_loaded_with_evaluation_paused_raise_nothing_until_the_full_run(agencies):
    with engine.paused():
        _mixed_town(agencies)
    assert not Alert.objects.exists()
    engine.evaluate_all()
    assert Alert.objects.filter(replay_run=None).count() >= 8


def test_a_stopped_full_evaluation_resumes_from_its_checkpoint(agencies):
    with engine.paused():
        _mixed_town(agencies)
    evaluation = engine.start_full_evaluation()
    engine.evaluate_all(evaluation=evaluation, chunk=1, stop_after_chunks=2)
    evaluation.refresh_from_db()
    assert evaluation.finished_at is None
    assert evaluation.young_people_done == 2
    resumed = engine.start_full_evaluation()
    assert resumed.pk == evaluation.pk  # the unfinished one, not a new one
    engine.evaluate_all(evaluation=resumed, chunk=1)
    resumed.refresh_from_db()
    assert resumed.young_people_done == resumed.young_people_total == 4
    assert resumed.finished_at is not None
    assert FullEvaluation.objects.count() == 1


def test_a_withdrawn_record_stops_being_evidence(agencies):
    from records.actions import do_withdraw_record

    kayla = person()
    made = _several_agencies(agencies, kayla)
    extra = record(agencies, kayla, "concern", agency="police", days_ago=5)
    [alert] = alerts_for("several_agencies_concerned")
    extra_pk = extra.pk
    do_withdraw_record(actor=None, record=extra, reason="The link was undone: another child")
    assert evidence_of(alert) == {r.pk for r in made}
    assert AuditEvent.objects.filter(
        object_type="alert", object_id=str(alert.pk), details__evidence_withdrawn=extra_pk
    ).exists()


def test_a_person_cannot_raise_alerts(agencies, make_user):
    from django.core.exceptions import PermissionDenied

    from alerts.actions import do_raise_alerts

    with pytest.raises(PermissionDenied):
        do_raise_alerts(actor=make_user(), findings=[], as_of=timezone.now())


def test_switched_off_rules_raise_nothing_in_full_either(agencies):
    from alerts.models import Rule

    with engine.paused():
        _mixed_town(agencies)
    Rule.objects.exclude(code="repeat_missing").update(is_enabled=False)
    engine.evaluate_all()
    assert set(Alert.objects.values_list("rule__code", flat=True)) == {"repeat_missing"}


def test_a_disposed_record_counts_for_nothing(agencies, make_user):
    from partnership.models import Role
    from records.actions import do_dispose_record

    kayla = person()
    with engine.paused():
        made = _several_agencies(agencies, kayla)
    officer = make_user(Role.IG_OFFICER, agency="school")
    do_dispose_record(actor=officer, record=made[0], reason="Retention period ended")
    engine.evaluate_all()
    assert alerts_for("several_agencies_concerned") == []


def test_a_failing_evaluation_never_loses_the_record(agencies, settings, monkeypatch):
    from records.models import AgencyRecord

    settings.ALERTS_RAISE_ERRORS = False

    def broken(*args, **kwargs):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(engine, "evaluate_records", broken)
    kayla = person()
    made = record(agencies, kayla, "concern", agency="school", days_ago=1)
    assert AgencyRecord.objects.filter(pk=made.pk).exists()
    assert not Alert.objects.exists()
