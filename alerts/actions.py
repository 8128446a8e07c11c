"""Every write about alerts.

Triage (the coordinator's decisions on an alert: accept into a referral or a case action,
dismiss with a reason, merge into another open alert), the rules' parameters and switches,
and the benign values come first; raising alerts and replays follow under "Raising alerts".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from alerts import rules as rules_library
from alerts.engine import ActiveRule, Outcome, active_rules
from alerts.models import (
    Alert,
    AlertEvidence,
    AlertStatus,
    BenignValue,
    DismissReason,
    ReplayRun,
    Rule,
    RuleVersion,
)
from alerts.rules import BY_CODE, Finding, validate_parameters
from cases.actions import do_assign_action
from cases.models import Case
from governance import audit
from governance.models import AuditAction, AuditObject, ConsentStatus
from governance.permissions import Capability, may
from partnership.models import Agency, User
from people.models import YoungPerson
from records.actions import normalise_link_value
from records.models import AgencyRecord, LinkKind
from referrals.actions import do_refer
from referrals.models import Referral, ReferralKind, ReferralStatus

# --- Triage --------------------------------------------------------------------------------------


def can_triage(user: User) -> bool:
    return may(user, Capability.TRIAGE_ALERTS)


def _require_triage(actor: User) -> None:
    if not can_triage(actor):
        raise PermissionDenied("Only the partnership's coordinator decides alerts.")


def _lock_open(alert: Alert) -> Alert:
    """The alert, locked for the decision; refused unless it is live and still open."""
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    if current.replay_run_id is not None:
        raise ValidationError(
            "An alert from a replay cannot be triaged: it never reached the queue."
        )
    if current.status != AlertStatus.OPEN:
        raise ValidationError(
            f"This alert has already been decided ({current.get_status_display().lower()})."
        )
    return current


def _decided(alert: Alert, actor: User, status: AlertStatus, note: str = "") -> None:
    alert.status = status
    alert.decided_by = actor
    alert.decided_at = timezone.now()
    alert.decision_note = note.strip()


def _audit_decision(actor: User, alert: Alert, decision: str, **details: Any) -> None:
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type=AuditObject.ALERT,
        object_id=alert.pk,
        details={
            "decision": decision,
            "rule": alert.rule.code,
            "young_people": sorted(alert.young_people.values_list("pk", flat=True)),
            **details,
        },
    )


def _one_of_its_young_people(alert: Alert, young_person: YoungPerson, field: str) -> None:
    if not alert.young_people.filter(pk=young_person.pk).exists():
        raise ValidationError({field: "Choose a young person this alert is about."})


def do_accept_into_referral(
    *,
    actor: User,
    alert: Alert,
    young_person: YoungPerson,
    concern: str,
    consent_status: ConsentStatus | str,
    next_steps_discussed: bool,
    lawful_basis: str = "",
    reason_without_consent: str = "",
    kind: ReferralKind | str = "",
    note: str = "",
) -> Alert:
    """Accept an alert by referring its young person to the MASH: the referral is opened by
    ``referrals.actions.do_refer`` (a share, recorded as a sharing decision) and named on the
    alert. From there the MASH screens it, and "action follows sharing" follows it through."""
    _require_triage(actor)
    _one_of_its_young_people(alert, young_person, "young_person")
    with transaction.atomic():
        current = _lock_open(alert)
        referral = do_refer(
            actor=actor,
            young_person=young_person,
            concern=concern,
            consent_status=consent_status,
            next_steps_discussed=next_steps_discussed,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent,
            kind=kind,
        )
        _decided(current, actor, AlertStatus.ACCEPTED, note)
        current.referral = referral
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "referral"]
        )
        _audit_decision(
            actor, current, "accepted", referral=referral.pk, young_person=young_person.pk
        )
    return current


def do_accept_into_waiting_referral(
    *, actor: User, alert: Alert, referral: Referral, note: str = ""
) -> Alert:
    """Accept an alert by adding it to a referral about its young person that is still
    awaiting screening, rather than opening a second one: the alert names the referral, and
    the referral's own words are left as its referrer wrote them."""
    _require_triage(actor)
    if referral.status != ReferralStatus.AWAITING_SCREENING or referral.young_person is None:
        raise ValidationError({"referral": "Choose a referral still awaiting screening."})
    _one_of_its_young_people(alert, referral.young_person, "referral")
    with transaction.atomic():
        current = _lock_open(alert)
        _decided(current, actor, AlertStatus.ACCEPTED, note)
        current.referral = referral
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "referral"]
        )
        _audit_decision(
            actor,
            current,
            "accepted",
            referral=referral.pk,
            young_person=referral.young_person_id,
            added_to_waiting_referral=True,
        )
    return current


def do_accept_into_case_action(
    *,
    actor: User,
    alert: Alert,
    case: Case,
    title: str,
    owner_agency: Agency,
    due_on: date,
    owner: User | None = None,
    detail: str = "",
    note: str = "",
) -> Alert:
    """Accept an alert by adding an action to the plan of its young person's open case
    (``cases.actions.do_assign_action``): owned by an agency, with a due date, chased when
    overdue like every other action."""
    _require_triage(actor)
    _one_of_its_young_people(alert, case.young_person, "case")
    with transaction.atomic():
        current = _lock_open(alert)
        action = do_assign_action(
            actor=actor,
            title=title,
            detail=detail,
            owner_agency=owner_agency,
            owner=owner,
            due_on=due_on,
            case=case,
        )
        _decided(current, actor, AlertStatus.ACCEPTED, note)
        current.case_action = action
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "case_action"]
        )
        _audit_decision(
            actor, current, "accepted", case=case.pk, case_action=action.pk,
            young_person=case.young_person_id,
        )  # fmt: skip
    return current


def do_dismiss_alert(
    *, actor: User, alert: Alert, reason: DismissReason | str, note: str = ""
) -> Alert:
    """Dismiss an alert with a reason from the list; "other" needs the reason in words."""
    _require_triage(actor)
    errors: dict[str, str] = {}
    if reason not in DismissReason.values:
        errors["reason"] = "Choose why the alert needs no action."
    elif reason == DismissReason.OTHER and not note.strip():
        errors["note"] = "Say why the alert needs no action."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_open(alert)
        _decided(current, actor, AlertStatus.DISMISSED, note)
        current.dismiss_reason = str(reason)
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "dismiss_reason"]
        )
        _audit_decision(actor, current, "dismissed", reason=str(reason))
    return current


def do_merge_alert(*, actor: User, alert: Alert, into: Alert, note: str = "") -> Alert:
    """Merge an alert into another open alert about the same young people: its evidence is
    linked to the other alert too (each record once), and it is kept, marked merged, so its
    history stays readable."""
    _require_triage(actor)
    if into.pk == alert.pk:
        raise ValidationError({"into": "Choose another alert to merge this one into."})
    if into.replay_run_id is not None or into.status != AlertStatus.OPEN:
        raise ValidationError({"into": "Choose an open alert in the queue."})
    ours = set(alert.young_people.values_list("pk", flat=True))
    theirs = set(into.young_people.values_list("pk", flat=True))
    if not ours or not ours <= theirs:
        raise ValidationError(
            {"into": "An alert can be merged only into one about the same young people."}
        )
    with transaction.atomic():
        current = _lock_open(alert)
        target = Alert.objects.select_for_update().get(pk=into.pk)
        if target.status != AlertStatus.OPEN:
            raise ValidationError({"into": "Choose an open alert in the queue."})
        already = set(target.evidence.values_list("record_id", flat=True))
        moved = [
            AlertEvidence(alert=target, record_id=row.record_id, added_at=row.added_at)
            for row in current.evidence.all()
            if row.record_id not in already
        ]
        AlertEvidence.objects.bulk_create(moved)
        latest = max([target.updated_at, current.updated_at])
        if latest != target.updated_at:
            target.updated_at = latest
            target.save(update_fields=["updated_at"])
        _decided(current, actor, AlertStatus.MERGED, note)
        current.merged_into = target
        current.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "merged_into"]
        )
        _audit_decision(actor, current, "merged", into=target.pk, evidence_linked=len(moved))
    return current


# --- The rules' parameters and switches ----------------------------------------------------------


def can_change_rules(user: User) -> bool:
    return may(user, Capability.CHANGE_ALERT_RULES)


def _require_rules(actor: User) -> None:
    if not can_change_rules(actor):
        raise PermissionDenied("Only the partnership's coordinator changes the alert rules.")


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "yes or no"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def check_parameters(current: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed parameters if they have the current ones' names and types; otherwise a
    ValidationError naming each field that is wrong (a whole number may be given where a
    number is expected; a number is never taken for yes or no)."""
    errors: dict[str, str] = {}
    for name in sorted(set(proposed) - set(current)):
        errors[name] = f"{name} is not a parameter of this rule."
    checked: dict[str, Any] = {}
    for name, old in current.items():
        if name not in proposed or proposed[name] is None or proposed[name] == "":
            errors[name] = f"Enter {name} ({_kind_of(old)})."
            continue
        new = proposed[name]
        if isinstance(old, bool):
            ok = isinstance(new, bool)
        elif isinstance(old, int):
            ok = isinstance(new, int) and not isinstance(new, bool)
        elif isinstance(old, float):
            ok = isinstance(new, int | float) and not isinstance(new, bool)
            new = float(new) if ok else new
        elif isinstance(old, list):
            ok = (
                isinstance(new, list) and all(isinstance(item, type(old[0])) for item in new)
                if old
                else isinstance(new, list)
            )
        else:
            ok = isinstance(new, type(old))
        if not ok:
            errors[name] = f"{name} must be {_kind_of(old)}."
            continue
        if isinstance(new, int | float) and not isinstance(new, bool) and new < 0:
            errors[name] = f"{name} cannot be negative."
            continue
        checked[name] = new
    if errors:
        raise ValidationError(errors)
    return checked


def _library_checks(rule: Rule, parameters: dict[str, Any]) -> dict[str, Any]:
    """The rules library's own checks for a rule it implements (allowed choices, numbers above
    zero: ``alerts.rules.validate_parameters``); a rule the library does not know keeps the
    checks above."""
    if rule.code not in rules_library.BY_CODE:
        return parameters
    checked: dict[str, Any] = rules_library.validate_parameters(rule.code, parameters)
    return checked


def do_change_rule_parameters(
    *, actor: User, rule: Rule, parameters: dict[str, Any], reason: str
) -> RuleVersion:
    """Set a rule's parameters as a new version (old versions are never edited)."""
    _require_rules(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the parameters are changing."})
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        current = locked.current_version
        checked = _library_checks(
            locked, check_parameters(dict(current.parameters) if current else {}, parameters)
        )
        if current is not None and checked == current.parameters:
            raise ValidationError("These are the parameters already in force: change one first.")
        version = RuleVersion.objects.create(
            rule=locked,
            number=(current.number if current else 0) + 1,
            parameters=checked,
            reason=reason.strip(),
            created_by=actor,
            created_at=timezone.now(),
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.ALERT_RULE,
            object_id=locked.pk,
            purpose=version.reason,
            details={
                "rule": locked.code,
                "version": version.number,
                "parameters": checked,
                "before": current.parameters if current else None,
            },
        )
    return version


def do_switch_rule(*, actor: User, rule: Rule, enabled: bool, reason: str) -> Rule:
    """Switch a rule on or off for the partnership. Open alerts stay in the queue."""
    _require_rules(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the rule is being switched on or off."})
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        if locked.is_enabled == enabled:
            raise ValidationError(f"The rule is already {'on' if enabled else 'off'}.")
        locked.is_enabled = enabled
        locked.save(update_fields=["is_enabled"])
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.ALERT_RULE,
            object_id=locked.pk,
            purpose=reason.strip(),
            details={"rule": locked.code, "enabled": enabled},
        )
    return locked


# --- Benign values -------------------------------------------------------------------------------


def do_add_benign_value(
    *, actor: User, kind: LinkKind | str, value: str, label: str, reason: str = ""
) -> BenignValue:
    """A phone, vehicle, place or identity that never links young people, stored normalised
    as record links are, so that it matches them."""
    _require_rules(actor)
    errors: dict[str, str] = {}
    if kind not in LinkKind.values:
        errors["kind"] = "Choose what kind of value it is."
    if not label.strip():
        errors["label"] = "Say what it is, for example the school's name."
    if errors:
        raise ValidationError(errors)
    normalised = normalise_link_value(kind, value, field="value")
    if BenignValue.objects.filter(kind=kind, value=normalised).exists():
        raise ValidationError({"value": f"{normalised} is already a benign value."})
    with transaction.atomic():
        benign = BenignValue.objects.create(
            kind=kind,
            value=normalised,
            label=label.strip(),
            reason=reason.strip(),
            added_by=actor,
            added_at=timezone.now(),
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.BENIGN_VALUE,
            object_id=benign.pk,
            purpose=benign.reason,
            details={"kind": benign.kind, "label": benign.label, "change": "added"},
        )
    return benign


def do_remove_benign_value(*, actor: User, benign: BenignValue) -> None:
    """Stop treating a value as benign: from now on it may link young people again."""
    _require_rules(actor)
    with transaction.atomic():
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.BENIGN_VALUE,
            object_id=benign.pk,
            details={"kind": benign.kind, "label": benign.label, "change": "removed"},
        )
        benign.delete()


# --- Raising alerts ------------------------------------------------------------------------------
#
# Raising is the system's work (``actor=None``): the rules raise, no person does. A finding is
# matched to the alerts already raised for the same rule and key (in the same replay run, or in
# the live queue):
#
# - an OPEN alert with that key gets the finding's new evidence and young people, and its
#   ``updated_at`` moves on: a repeat of the pattern never raises a second open alert;
# - an alert MERGED into another alert that is still open passes the new evidence to that one;
# - otherwise (no alert yet, or every earlier one was accepted or dismissed, or merged into one
#   since decided) a new alert is raised only if the finding holds evidence that no earlier
#   alert with that key held: a decided alert is not raised again on the same records, but a
#   new occurrence (a new record in the pattern) is, with the whole pattern as its evidence.


@dataclass
class _Pending:
    rule: ActiveRule
    finding: Finding
    evidence: set[int]
    people: set[int]


def do_raise_alerts(
    *,
    actor: User | None,
    findings: Sequence[tuple[ActiveRule, Finding]],
    as_of: datetime,
    replay_run: ReplayRun | None = None,
) -> Outcome:
    """Raise or update alerts for what the rules found, in one transaction.

    Audit: in the live queue, one ``create`` event per alert raised and one ``update`` event
    per alert given new evidence (object ``alert``; details: rule, version, young people,
    evidence counts; never content). A replay run's alerts are kept apart from the live queue
    and audited once for the run (:func:`do_start_replay`, and its finish), not one by one.
    """
    if actor is not None:
        raise PermissionDenied("Alerts are raised by the rules, not by a person.")
    pending: dict[tuple[int, str], _Pending] = {}
    for rule, finding in findings:
        slot = pending.setdefault(
            (rule.rule.pk, finding.key), _Pending(rule, finding, set(), set())
        )
        slot.evidence.update(finding.evidence)
        slot.people.update(finding.young_person_ids)
    if not pending:
        return Outcome()
    with transaction.atomic():
        # One raiser at a time per rule (PostgreSQL): two requests finding the same pattern at
        # once must not raise it twice.
        list(Rule.objects.select_for_update().filter(pk__in={rule for rule, _ in pending}))
        history = list(
            Alert.objects.filter(
                replay_run=replay_run,
                rule_id__in={rule for rule, _ in pending},
                key__in={key for _, key in pending},
            ).order_by("raised_at", "pk")
        )
        merged_into_ids = {
            alert.merged_into_id
            for alert in history
            if alert.status == AlertStatus.MERGED and alert.merged_into_id
        }
        targets = {
            alert.pk: alert
            for alert in Alert.objects.filter(pk__in=merged_into_ids, status=AlertStatus.OPEN)
        }
        known = [*history, *targets.values()]
        evidence_of: dict[int, set[int]] = defaultdict(set)
        for alert_id, record_id in AlertEvidence.objects.filter(alert__in=known).values_list(
            "alert_id", "record_id"
        ):
            evidence_of[alert_id].add(record_id)
        through = Alert.young_people.through
        people_of: dict[int, set[int]] = defaultdict(set)
        for alert_id, person_id in through.objects.filter(alert__in=known).values_list(
            "alert_id", "youngperson_id"
        ):
            people_of[alert_id].add(person_id)
        by_key: dict[tuple[int, str], list[Alert]] = defaultdict(list)
        for alert in history:
            by_key[(alert.rule_id, alert.key)].append(alert)

        new_alerts: list[tuple[Alert, _Pending]] = []
        updated: list[tuple[Alert, set[int], set[int]]] = []
        for slot_key, slot in pending.items():
            earlier = by_key.get(slot_key, [])
            target = next(
                (alert for alert in reversed(earlier) if alert.status == AlertStatus.OPEN), None
            )
            if target is None:
                target = next(
                    (
                        targets[alert.merged_into_id]
                        for alert in reversed(earlier)
                        if alert.status == AlertStatus.MERGED and alert.merged_into_id in targets
                    ),
                    None,
                )
            if target is not None:
                added = slot.evidence - evidence_of[target.pk]
                joined = slot.people - people_of[target.pk]
                if added or joined:
                    updated.append((target, added, joined))
                    evidence_of[target.pk] |= added
                    people_of[target.pk] |= joined
                continue
            seen = set().union(*(evidence_of[alert.pk] for alert in earlier))
            if earlier and not slot.evidence - seen:
                continue  # decided already, and nothing new since
            new_alerts.append(
                (
                    Alert(
                        rule=slot.rule.rule,
                        rule_version=slot.rule.version,
                        replay_run=replay_run,
                        key=slot.finding.key,
                        raised_at=as_of,
                        updated_at=as_of,
                        shared_kind=slot.finding.shared_kind,
                        shared_value=slot.finding.shared_value[:200],
                    ),
                    slot,
                )
            )

        if new_alerts:
            real = set(
                AgencyRecord.objects.filter(
                    pk__in={pk for _, slot in new_alerts for pk in slot.evidence},
                    is_synthetic=False,
                ).values_list("pk", flat=True)
            )
            for alert, slot in new_alerts:
                alert.is_synthetic = not (slot.evidence & real)
            Alert.objects.bulk_create([alert for alert, _ in new_alerts])
        evidence_rows = [
            AlertEvidence(alert=alert, record_id=pk, added_at=as_of)
            for alert, slot in new_alerts
            for pk in sorted(slot.evidence)
        ] + [
            AlertEvidence(alert=alert, record_id=pk, added_at=as_of)
            for alert, added, _ in updated
            for pk in sorted(added)
        ]
        AlertEvidence.objects.bulk_create(evidence_rows, batch_size=1000)
        through.objects.bulk_create(
            [
                through(alert_id=alert.pk, youngperson_id=person)
                for alert, slot in new_alerts
                for person in sorted(slot.people)
            ]
            + [
                through(alert_id=alert.pk, youngperson_id=person)
                for alert, _, joined in updated
                for person in sorted(joined)
            ],
            batch_size=1000,
        )
        for alert, _, _ in updated:
            alert.updated_at = max(alert.updated_at, as_of)
        Alert.objects.bulk_update([alert for alert, _, _ in updated], ["updated_at"])
        if replay_run is None:
            audit.append_many(
                [
                    {
                        "action": AuditAction.CREATE,
                        "object_type": AuditObject.ALERT,
                        "object_id": str(alert.pk),
                        "details": {
                            "rule": slot.rule.rule.code,
                            "version": slot.rule.version.number,
                            "young_people": sorted(slot.people),
                            "evidence": len(slot.evidence),
                        },
                    }
                    for alert, slot in new_alerts
                ]
                + [
                    {
                        "action": AuditAction.UPDATE,
                        "object_type": AuditObject.ALERT,
                        "object_id": str(alert.pk),
                        "details": {
                            "evidence_added": len(added),
                            "young_people_added": sorted(joined),
                        },
                    }
                    for alert, added, joined in updated
                ],
                actor=None,
            )
    return Outcome(raised=len(new_alerts), updated=len(updated))


def do_withdraw_evidence(*, actor: User | None, record_id: int) -> int:
    """A record is being withdrawn (the link that added it was undone: it was never about this
    young person): it stops being evidence of any alert. System work. Audit: an ``update``
    event per alert of the live queue that loses evidence. Returns how many alerts lost it."""
    if actor is not None:
        raise PermissionDenied("Evidence is withdrawn only with its record.")
    with transaction.atomic():
        rows = AlertEvidence.objects.filter(record_id=record_id)
        alerts = list(
            Alert.objects.filter(pk__in=rows.values("alert_id")).values_list("pk", "replay_run_id")
        )
        rows.delete()
        audit.append_many(
            [
                {
                    "action": AuditAction.UPDATE,
                    "object_type": AuditObject.ALERT,
                    "object_id": str(pk),
                    "details": {"evidence_withdrawn": record_id},
                }
                for pk, run in alerts
                if run is None
            ],
            actor=None,
        )
    return len(alerts)


# --- Replay runs ----------------------------------------------------------------------------

MAX_REPLAY_DAYS = 731


def _may_replay(actor: User | None) -> bool:
    """Whether ``actor`` may start a replay: the system may; a person needs the capability
    to run alert replays."""
    return actor is None or may(actor, Capability.RUN_ALERT_REPLAY)


def do_start_replay(
    *,
    actor: User | None,
    name: str,
    starts_on: date,
    ends_on: date,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> ReplayRun:
    """Create a named replay run over ``starts_on``..``ends_on`` with the rules' parameters
    (``{rule code: parameters}``; ``None`` is every enabled rule as it stands). The caller
    queues ``alerts.tasks.run_replay`` (a page) or runs ``alerts.engine.replay`` (the
    command). Audit: a ``create`` event for the run with its dates and rules."""
    if not _may_replay(actor):
        raise PermissionDenied("You cannot run a replay of the alert rules.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the replay a name."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end must be on or after the start."})
    if ends_on > timezone.localdate():
        raise ValidationError({"ends_on": "A replay runs over the past: end today or earlier."})
    if (ends_on - starts_on).days + 1 > MAX_REPLAY_DAYS:
        raise ValidationError({"starts_on": f"A replay covers at most {MAX_REPLAY_DAYS} days."})
    if parameters is None:
        used = {rule.rule.code: rule.params for rule in active_rules()}
    else:
        unknown = set(parameters) - set(BY_CODE)
        if unknown:
            raise ValidationError({"parameters": f"Unknown rules: {', '.join(sorted(unknown))}."})
        used = {code: validate_parameters(code, given) for code, given in parameters.items()}
    if not used:
        raise ValidationError({"parameters": "Choose at least one rule to replay."})
    with transaction.atomic():
        run = ReplayRun.objects.create(
            name=name[:120],
            starts_on=starts_on,
            ends_on=ends_on,
            parameters=used,
            days_total=(ends_on - starts_on).days + 1,
            created_by=actor,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.REPLAY_RUN,
            object_id=run.pk,
            details={
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "rules": sorted(used),
            },
        )
    return run


def do_finish_replay(*, actor: User | None, run: ReplayRun) -> None:
    """Audit the end of a replay run (system work): how many alerts it raised."""
    if actor is not None:
        raise PermissionDenied("A replay is finished by the system.")
    with transaction.atomic():
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            object_type=AuditObject.REPLAY_RUN,
            object_id=run.pk,
            details={
                "status": run.status,
                "days_done": run.days_done,
                "alerts": run.alerts.count(),
            },
        )
