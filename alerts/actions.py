"""Every write of the alerts app.

Triage (accepting, dismissing, merging, rules and benign values) comes first; raising alerts,
which is the system's work, is at the end.
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

from alerts.engine import ActiveRule, Outcome, active_rules
from alerts.models import Alert, AlertEvidence, AlertStatus, ReplayRun, Rule
from alerts.rules import BY_CODE, Finding, validate_parameters
from governance import audit
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from partnership.models import User
from records.models import AgencyRecord

# --------------------------------------------------------------------------------------------
# Raising alerts
# --------------------------------------------------------------------------------------------
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
    ``RUN_ALERT_REPLAY`` (added with the replay page)."""
    if actor is None:
        return True
    capability = getattr(Capability, "RUN_ALERT_REPLAY", None)
    return capability is not None and may(actor, capability)


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
