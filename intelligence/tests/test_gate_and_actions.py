"""Recording graded intelligence, who sees it at what level, the answers to what its text
names, aliases and resolution judgements: the allowed and the refused paths."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent, AuditObject, Level
from intelligence import gate, resolution
from intelligence.actions import (
    do_add_alias,
    do_add_person_of_interest,
    do_confirm_suggestion,
    do_judge_entities,
    do_reject_suggestion,
    do_reverse_judgement,
    do_share_report,
)
from intelligence.models import EntityKind, Occurrence, OccurrenceKind, Phone, Verdict
from intelligence.tests.helpers import SOURCE_SECRET, report, second_police_force
from partnership.models import Role


@pytest.fixture
def world(agencies, make_user):
    agencies["police2"] = second_police_force()
    return {
        "author": make_user(Role.PRACTITIONER, "police"),
        "analyst": make_user(Role.ANALYST, "police"),
        "coordinator": make_user(Role.COORDINATOR, "police"),
        "other_force": make_user(Role.ANALYST, "police2"),
        "csc": make_user(Role.COORDINATOR, "csc"),
        "csc_ig": make_user(Role.IG_OFFICER, "csc"),
        "school": make_user(Role.PRACTITIONER, "school"),
        "admin": make_user(Role.ADMINISTRATOR, "council"),
        "csc_analyst": make_user(Role.ANALYST, "csc"),
    }


def test_a_police_practitioner_records_graded_intelligence_with_an_audit_event(world):
    made = report(world["author"])
    assert made.grade == "2 B P"
    assert made.owning_agency == world["author"].agency
    event = AuditEvent.objects.get(
        object_type=AuditObject.INTELLIGENCE_REPORT, object_id=str(made.pk)
    )
    assert event.details["grade"] == "2 B P"
    assert SOURCE_SECRET not in str(event.details)
    assert SOURCE_SECRET not in event.purpose


@pytest.mark.parametrize("who", ["school", "csc_analyst", "coordinator", "admin"])
def test_only_a_grading_agencys_practitioners_and_analysts_record_intelligence(world, who):
    with pytest.raises(PermissionDenied):
        report(world[who])


def test_handling_code_c_needs_its_conditions_written(world):
    with pytest.raises(ValidationError) as refused:
        report(world["author"], handling_code="C", handling_conditions="  ")
    assert "handling_conditions" in refused.value.message_dict


def test_levels_follow_the_handling_code_and_the_owning_agency(world):
    permitted = report(world["author"])
    conditions = report(
        world["author"],
        handling_code="C",
        handling_conditions="Only to children's social care, for safeguarding planning",
        shared_with=[world["csc"].agency],
    )
    assert gate.report_level(world["analyst"], permitted) == Level.FULL
    assert gate.report_level(world["coordinator"], conditions) == Level.FULL
    # Another police force: the agreement's summary for P, nothing for C not shared with it.
    assert gate.report_level(world["other_force"], permitted) == Level.SUMMARY
    assert gate.report_level(world["other_force"], conditions) == Level.NONE
    # Children's social care: that it exists for P, in full for the C shared with it.
    assert gate.report_level(world["csc"], permitted) == Level.EXISTENCE
    assert gate.report_level(world["csc"], conditions) == Level.FULL
    assert gate.report_level(world["csc_ig"], conditions) == Level.SUMMARY
    # A school, and anyone who reads no case content: nothing.
    for who in ("school", "admin"):
        assert gate.report_level(world[who], permitted) == Level.NONE
        assert gate.report_level(world[who], conditions) == Level.NONE


def test_the_list_agrees_with_the_level_report_by_report(world):
    made = [
        report(world["author"]),
        report(world["author"], handling_code="C", handling_conditions="CSC only"),
        report(
            world["analyst"],
            handling_code="C",
            handling_conditions="CSC only",
            shared_with=[world["csc"].agency],
        ),
        report(world["other_force"]),
    ]
    for user in world.values():
        for at_least in (Level.SUMMARY, Level.FULL):
            listed = set(
                gate.reports_visible_to(user, at_least=at_least).values_list("pk", flat=True)
            )
            decided = {r.pk for r in made if gate.report_level(user, r) >= at_least}
            assert listed == decided, (user.username, at_least)


def test_sharing_later_lets_the_named_agency_in_and_no_other(world):
    conditions = report(world["author"], handling_code="C", handling_conditions="Police only")
    assert gate.report_level(world["other_force"], conditions) == Level.NONE
    with pytest.raises(PermissionDenied):
        do_share_report(
            actor=world["other_force"],
            report=conditions,
            agencies=[world["other_force"].agency],
            purpose="I would like it",
        )
    do_share_report(
        actor=world["analyst"],
        report=conditions,
        agencies=[world["other_force"].agency],
        purpose="Joint operation, within the conditions",
    )
    assert gate.report_level(world["other_force"], conditions) == Level.FULL
    assert gate.report_level(world["csc"], conditions) == Level.NONE


def test_source_details_stay_with_those_of_the_owning_agency_who_record_intelligence(world):
    made = report(
        world["author"],
        handling_code="C",
        handling_conditions="x",
        shared_with=[
            world["csc"].agency,
            world["other_force"].agency,
        ],
    )
    detail = gate.source_detail_for(world["analyst"], made)
    assert detail is not None
    assert detail.source_reference == SOURCE_SECRET
    for who in ("coordinator", "other_force", "csc", "csc_ig", "school", "admin"):
        assert gate.source_detail_for(world[who], made) is None, who


def test_a_confirmed_suggestion_makes_an_occurrence_and_a_phone_in_the_drama_range(world):
    made = report(world["author"])
    occurrence = do_confirm_suggestion(
        actor=world["analyst"],
        report=made,
        kind=OccurrenceKind.PHONE,
        value="07700 900123",
        shown_as="07700 900123",
    )
    assert occurrence.value == "+447700900123"
    phone = Phone.objects.get(number="+447700900123")
    assert gate.entity_visible(world["analyst"], phone)
    # Children's social care sees the report exists, not what it names.
    assert not gate.occurrences_visible_to(world["csc"]).exists()
    assert not gate.entity_visible(world["csc"], phone)
    assert not gate.entity_visible(world["school"], phone)
    # The other force sees a summary of the report: not what it names either.
    assert not gate.entity_visible(world["other_force"], phone)
    with pytest.raises(ValidationError):
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="07700900123"
        )


def test_a_rejected_suggestion_is_answered_once_and_links_nothing(world):
    made = report(world["author"])
    do_reject_suggestion(
        actor=world["analyst"], report=made, kind=OccurrenceKind.REGISTRATION, value="AB12 CDE"
    )
    assert not Occurrence.objects.filter(report=made).exists()
    with pytest.raises(ValidationError):
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.REGISTRATION, value="AB12CDE"
        )


def test_another_agency_may_not_answer_a_reports_suggestions(world):
    made = report(world["author"], shared_with=[world["other_force"].agency])
    with pytest.raises(PermissionDenied):
        do_confirm_suggestion(
            actor=world["other_force"], report=made, kind=OccurrenceKind.PHONE, value="07700900123"
        )


def test_an_unreadable_value_is_refused_naming_the_field(world):
    made = report(world["author"])
    with pytest.raises(ValidationError) as refused:
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="0770090"
        )
    assert "value" in refused.value.message_dict


def test_aliases_carry_their_source_and_need_an_analyst_who_reads_it(world):
    made = report(world["author"], handling_code="C", handling_conditions="Police only")
    person = do_add_person_of_interest(actor=world["analyst"], label="Subject 1")
    alias = do_add_alias(actor=world["analyst"], person=person, name="“Big D”", source_report=made)
    assert alias.key == "big d"
    assert alias.source_report == made
    with pytest.raises(PermissionDenied):
        do_add_person_of_interest(actor=world["author"], label="Not an analyst")
    # An analyst elsewhere may not cite a report they cannot read, nor see the person.
    with pytest.raises(PermissionDenied):
        do_add_alias(actor=world["other_force"], person=person, name="D", source_report=made)
    assert not gate.entity_visible(world["other_force"], person)


def _phones(world, *numbers):
    made = report(world["author"])
    phones = []
    for number in numbers:
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value=number
        )
        phones.append(Phone.objects.get(number="+44" + number[1:].replace(" ", "")))
    return phones


def test_the_same_is_transitive_and_reversible_with_every_step_audited(world):
    a, b, c = _phones(world, "07700 900001", "07700 900002", "07700 900003")
    analyst = world["analyst"]
    ab = do_judge_entities(
        actor=analyst, kind="phone", first_id=a.pk, second_id=b.pk, verdict="same", reason="x"
    )
    do_judge_entities(
        actor=analyst, kind="phone", first_id=c.pk, second_id=b.pk, verdict="same", reason="y"
    )
    assert resolution.same_as(EntityKind.PHONE, a.pk) == {a.pk, b.pk, c.pk}
    # Already joined through b: "not the same" is refused until the join is reversed.
    with pytest.raises(ValidationError):
        do_judge_entities(
            actor=analyst,
            kind="phone",
            first_id=a.pk,
            second_id=c.pk,
            verdict="not_same",
            reason="z",
        )
    do_reverse_judgement(actor=analyst, judgement=ab, reason="Different handsets after all")
    assert resolution.same_as(EntityKind.PHONE, a.pk) == {a.pk}
    assert resolution.same_as(EntityKind.PHONE, c.pk) == {b.pk, c.pk}
    with pytest.raises(ValidationError):
        do_reverse_judgement(actor=analyst, judgement=ab, reason="again")
    events = AuditEvent.objects.filter(object_type=AuditObject.RESOLUTION_JUDGEMENT)
    assert events.count() == 3


def test_not_the_same_blocks_a_later_merge_through_any_chain(world):
    a, b, c = _phones(world, "07700 900011", "07700 900012", "07700 900013")
    analyst = world["analyst"]
    do_judge_entities(
        actor=analyst, kind="phone", first_id=a.pk, second_id=b.pk, verdict="not_same", reason="x"
    )
    do_judge_entities(
        actor=analyst, kind="phone", first_id=b.pk, second_id=c.pk, verdict="same", reason="y"
    )
    with pytest.raises(ValidationError) as refused:
        do_judge_entities(
            actor=analyst, kind="phone", first_id=a.pk, second_id=c.pk, verdict="same", reason="z"
        )
    assert "verdict" in refused.value.message_dict
    # Unsure is always allowed, and joins nothing.
    do_judge_entities(
        actor=analyst,
        kind="phone",
        first_id=a.pk,
        second_id=c.pk,
        verdict=Verdict.UNSURE,
        reason="Cannot tell",
    )
    assert resolution.same_as(EntityKind.PHONE, a.pk) == {a.pk}


@pytest.mark.parametrize("who", ["author", "coordinator", "csc", "school"])
def test_only_analysts_resolve_entities(world, who):
    a, b = _phones(world, "07700 900021", "07700 900022")
    with pytest.raises(PermissionDenied):
        do_judge_entities(
            actor=world[who],
            kind="phone",
            first_id=a.pk,
            second_id=b.pk,
            verdict="same",
            reason="x",
        )


def test_an_analyst_may_not_judge_entities_they_cannot_see(world):
    a, b = _phones(world, "07700 900031", "07700 900032")
    with pytest.raises(ValidationError):
        do_judge_entities(
            actor=world["csc_analyst"],
            kind="phone",
            first_id=a.pk,
            second_id=b.pk,
            verdict="same",
            reason="x",
        )
