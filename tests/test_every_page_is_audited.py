"""Every page that shows a young person's information writes one audit event naming them.

A property of every route, not of pages one by one: each URL pattern in the project is filled
in with the synthetic scenario's objects (young person, record, case, referral, assessment,
meeting, import, match…), fetched by a user who may see it, and whenever the page shows a
young person's name, that request must have written exactly one audit event, naming that young
person or the object the page is about (or, for a list or search, the kind of thing listed).
Otherwise "who has seen this" would miss it (DPA 2018 s.62). A route added without an entry in
``VISITS`` fails the test, so no page escapes the property.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import CaseMember
from conftest import PASSWORD, sign_in_fully
from governance.actions import do_break_glass, do_save_sharing_agreement
from governance.defaults import default_sharing_rules
from governance.models import AuditEvent
from intelligence.actions import (
    do_add_person_of_interest,
    do_confirm_suggestion,
    do_judge_entities,
    do_record_intelligence,
)
from intelligence.models import Phone
from partnership.actions import do_create_agency, do_create_user
from partnership.models import Agency, Role, User
from people.models import YoungPerson
from records.actions import do_record
from records.models import AgencyRecord, ConcernCategory, RecordType
from referrals.models import Referral, ReferralPathway
from tests.browser import scenario_data

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Visit:
    """Who fetches a route, and which of the scenario's objects fill in its path."""

    role: Role
    kwargs: dict[str, str]


def _v(role: Role, **kwargs: str) -> Visit:
    return Visit(role, kwargs)


C, P, S, G, A, N = (
    Role.COORDINATOR,
    Role.PRACTITIONER,
    Role.MASH_SCREENER,
    Role.IG_OFFICER,
    Role.ADMINISTRATOR,
    Role.ANALYST,
)

VISITS: dict[str, Visit] = {
    "web:home": _v(C),
    "web:confirm-code": _v(C),
    "web:change-second-factor": _v(C),
    "web:change-password": _v(C),
    "people:list": _v(C),
    "people:detail": _v(C, pk="young_person"),
    "people:export": _v(C, pk="young_person"),
    "people:new": _v(C),
    "people:about": _v(C, pk="young_person"),
    "people:break-glass": _v(P, pk="riley"),
    "people:consent": _v(C, pk="young_person"),
    "people:sharing-decision": _v(C, pk="young_person"),
    "records:list": _v(C),
    "records:detail": _v(C, pk="record"),
    "records:edit": _v(C, pk="record"),
    "records:seen-by": _v(C, pk="record"),
    "records:add-link": _v(C, pk="record"),
    "records:new": _v(C, young_person_pk="young_person"),
    "records:concern-categories": _v(C),
    "records:concern-category-new": _v(C),
    "records:concern-category-edit": _v(C, pk="concern_category"),
    "records:concern-category-retire": _v(C, pk="concern_category"),
    "governance:index": _v(G),
    "governance:agreement": _v(G),
    "governance:agreement-edit": _v(A),
    "governance:agreement-version": _v(G, pk="agreement"),
    "governance:break-glass": _v(G),
    "governance:break-glass-review": _v(G, pk="break_glass"),
    "governance:retention": _v(G),
    "governance:retention-dispose": _v(G, pk="health_record"),
    "governance:subject-access-start": _v(G),
    "governance:subject-access": _v(G, pk="young_person"),
    "referrals:refer": _v(P, young_person_pk="riley"),
    "referrals:partner-concern": _v(Role.COMMUNITY_PARTNER),
    "referrals:receipt": _v(P, receipt="receipt"),
    "referrals:mash-queue": _v(S),
    "referrals:screen": _v(S, pk="unscreened"),
    "cases:list": _v(C),
    "cases:detail": _v(C, pk="case"),
    "cases:add-member": _v(C, pk="case"),
    "cases:remove-member": _v(C, pk="case", member_pk="member"),
    "cases:change-lead": _v(C, pk="case"),
    "cases:add-action": _v(C, pk="case"),
    "cases:review": _v(C, pk="case"),
    "cases:views": _v(C, pk="case"),
    "cases:close": _v(C, pk="case"),
    "cases:reopen": _v(C, pk="closed_case"),
    "cases:transition": _v(C, pk="case"),
    "cases:strategy-for-case": _v(C, pk="awaiting_case"),
    "cases:my-actions": _v(P),
    "cases:action": _v(P, pk="action"),
    "cases:complete-action": _v(P, pk="action"),
    "cases:cancel-action": _v(C, pk="action"),
    "cases:without-outcome": _v(C),
    "cases:referral": _v(C, pk="referral"),
    "cases:referral-action": _v(C, pk="referral"),
    "cases:referral-no-action": _v(C, pk="referral"),
    "cases:strategy-from-referral": _v(C, pk="referral"),
    "cases:open-from-referral": _v(C, pk="referral"),
    "cases:strategy": _v(C, pk="discussion"),
    "cases:pathways": _v(A),
    "cases:remove-pathway": _v(A, pk="pathway"),
    "assessment:history": _v(C, young_person_pk="young_person"),
    "assessment:new": _v(C, young_person_pk="young_person"),
    "assessment:detail": _v(C, pk="assessment"),
    "assessment:due": _v(C),
    "assessment:tool": _v(C),
    "assessment:tool-edit": _v(C),
    "mase:index": _v(C),
    "mase:schedule": _v(C),
    "mase:meeting": _v(C, pk="meeting"),
    "mase:meeting-status": _v(C, pk="meeting"),
    "mase:attendance": _v(C, pk="meeting"),
    "mase:prepare": _v(C, pk="meeting"),
    "mase:add-item": _v(C, pk="meeting"),
    "mase:item": _v(C, pk="item"),
    "mase:move-item": _v(C, pk="item"),
    "mase:remove-item": _v(C, pk="item"),
    "mase:attendance-report": _v(C),
    "mase:activity": _v(C),
    "mase:record-activity": _v(C),
    "mase:disruption-plans": _v(C),
    "mase:new-disruption-plan": _v(C),
    "mase:disruption-plan": _v(C, pk="plan"),
    "mase:disruption-outcome": _v(C, pk="disruption_action"),
    "notifications:list": _v(C),
    "notifications:read": _v(C, pk="notification"),
    "notifications:read-all": _v(C),
    "imports:start": _v(P),
    "imports:batch": _v(P, pk="batch"),
    "imports:progress": _v(P, pk="queued_batch"),
    "imports:report": _v(P, pk="batch"),
    "imports:match-waiting": _v(P, pk="batch"),
    "matching:queue": _v(C),
    "matching:review": _v(C, pk="review_item"),
    "matching:links": _v(C),
    "matching:undo": _v(C, row_pk="linked_row"),
    "matching:thresholds": _v(C),
    "matching:thresholds-edit": _v(C, feed="school_attendance"),
    "pprl:submissions": _v(P),
    "pprl:submission": _v(P, pk="submission"),
    "pprl:request": _v(P, pk="notice"),
    "pprl:requests": _v(C),
    "pprl:decide": _v(C, pk="disclosure"),
    "intelligence:index": _v(N),
    "intelligence:new": _v(N),
    "intelligence:report": _v(N, pk="intelligence_report"),
    "intelligence:suggestion": _v(N, pk="intelligence_report"),
    "intelligence:export": _v(N, pk="intelligence_report"),
    "intelligence:find": _v(N),
    "intelligence:entity": _v(N, kind="phone", pk="intelligence_phone"),
    "intelligence:add-link": _v(N, kind="phone", pk="intelligence_phone"),
    "intelligence:new-person": _v(N),
    "intelligence:add-alias": _v(N, pk="person_of_interest"),
    "intelligence:resolve": _v(N),
    "intelligence:reverse-judgement": _v(N, pk="judgement"),
    "alerts:queue": _v(C),
    "alerts:alert": _v(C, pk="alert"),
    "alerts:accept-referral": _v(C, pk="alert"),
    "alerts:accept-waiting-referral": _v(C, pk="unrelated_alert", referral_pk="waiting_referral"),
    "alerts:accept-action": _v(C, pk="alert"),
    "alerts:dismiss": _v(C, pk="alert"),
    "alerts:merge": _v(C, pk="alert"),
    "alerts:rules": _v(C),
    "alerts:rule": _v(C, pk="alert_rule"),
    "alerts:rule-parameters": _v(C, pk="alert_rule"),
    "alerts:rule-switch": _v(C, pk="alert_rule"),
    "alerts:benign-values": _v(C),
    "alerts:add-benign-value": _v(C),
    "alerts:remove-benign-value": _v(C, pk="benign"),
    "alerts:replays": _v(C),
    "alerts:replay": _v(C, pk="replay_run"),
    "alerts:replay-csv": _v(C, pk="replay_run"),
}
# Reached before or without signing in; they show no young person.
NOT_VISITED = {"web:sign-in", "web:sign-out", "web:health", "web:second-factor",
               "web:second-factor-set-up"}  # fmt: skip


def _routes() -> Iterator[tuple[str, str]]:
    """(name, route with its <converter:name> parts) for every URL pattern."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield name, prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "", "")


ROUTES = sorted(_routes())


def test_every_route_is_visited_by_the_audit_property():
    names = {name for name, _ in ROUTES}
    assert names - set(VISITS) - NOT_VISITED == set(), "add the new route to VISITS"
    assert set(VISITS) - names == set(), "VISITS names routes that no longer exist"


@pytest.fixture
def scenario_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, Any]:
    settings.PPRL_SECRET = "synthetic-audit-property-pprl-partnership-secret"
    agencies: dict[str, Agency] = {
        key: do_create_agency(actor=None, name=name, short_name=short, kind=kind)
        for key, (name, short, kind) in scenario_data.AGENCIES.items()
    }
    users: dict[Role, User] = {}

    def make_user(role: Role, *, with_device: bool = True) -> User:
        first_name, last_name, agency = scenario_data.PEOPLE[role]
        user = do_create_user(
            actor=None,
            username=f"{first_name}.{last_name}".lower(),
            password=PASSWORD,
            agency=agencies[agency],
            role=role,
            first_name=first_name,
            last_name=last_name,
            validate=False,
        )
        if with_device:
            TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        users[role] = user
        return user

    scenario = scenario_data.build(agencies, make_user, tmp_path, monkeypatch)
    for role in (Role.IG_OFFICER, Role.COMMUNITY_PARTNER):
        make_user(role)
    if Role.ANALYST not in users:
        make_user(Role.ANALYST)
    ids: dict[str, Any] = dict(scenario.urls())
    casey = scenario.young_person
    riley = scenario.referral_without_outcome.young_person
    assert riley is not None
    health_record = do_record(
        actor=None,
        agency=agencies["health"],
        young_person=casey,
        record_type=RecordType.objects.get(code="concern"),
        occurred_at=timezone.now() - timedelta(days=2),
        title="Attended the clinic alone",
        nature="fact",
    )
    ids.update(
        riley=riley.pk,
        record=AgencyRecord.objects.get(
            young_person=casey, owning_agency=scenario.coordinator.agency
        ).pk,
        health_record=health_record.pk,
        agreement=do_save_sharing_agreement(
            actor=None, rules=default_sharing_rules(), note="Signed by every partner."
        ).pk,
        break_glass=do_break_glass(
            actor=scenario.practitioner,
            young_person=casey,  # Health holds a record on her: its IG officer reviews
            reason="Told by the school nurse of a new concern out of hours.",
        ).pk,
        receipt=scenario.referral_without_outcome.receipt,
        unscreened=Referral.objects.filter(screening__isnull=True)
        .values_list("pk", flat=True)
        .first()
        or scenario.referral_without_outcome.pk,
        member=CaseMember.objects.filter(case=scenario.case).first().pk,  # type: ignore[union-attr]
        pathway=ReferralPathway.objects.values_list("pk", flat=True).first() or 0,
        notification=scenario.coordinator.notifications.values_list("pk", flat=True).first()
        if hasattr(scenario.coordinator, "notifications")
        else 0,
        school_attendance="school_attendance",
        concern_category=ConcernCategory.objects.values_list("pk", flat=True).first() or 0,
    )
    analyst = users[Role.ANALYST]
    intelligence = do_record_intelligence(
        actor=analyst,
        title="Adult waiting outside the academy",
        text="A man gives girls his number, 07700 900123 or 07700 900124.",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        occurred_at=timezone.now() - timedelta(days=1),
    )
    phones = [
        do_confirm_suggestion(actor=analyst, report=intelligence, kind="phone", value=number)
        for number in ("07700900123", "07700900124")
    ]
    first, second = (Phone.objects.get(number=p.value) for p in phones)
    ids["person_of_interest"] = do_add_person_of_interest(actor=analyst, label="Subject 1").pk
    ids.update(
        intelligence_report=intelligence.pk,
        intelligence_phone=first.pk,
        judgement=do_judge_entities(
            actor=analyst,
            kind="phone",
            first_id=first.pk,
            second_id=second.pk,
            verdict="unsure",
            reason="Two handsets or one?",
        ).pk,
    )
    ids["users"] = users
    return ids


def _path(route: str, visit: Visit, ids: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        key = visit.kwargs[match.group(1)]
        return str(ids.get(key, key))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def _names_shown(html: str) -> dict[int, str]:
    return {
        person.pk: person.full_name
        for person in YoungPerson.objects.all()
        if person.full_name in html
    }


def test_every_page_showing_a_young_person_writes_one_audit_event_naming_them(scenario_ids):
    users: dict[Role, User] = scenario_ids["users"]
    clients: dict[Role, Client] = {}
    problems: list[str] = []
    for name, route in ROUTES:
        if name in NOT_VISITED:
            continue
        visit = VISITS[name]
        if visit.role not in clients:
            clients[visit.role] = Client()
            sign_in_fully(clients[visit.role], users[visit.role])
        client = clients[visit.role]
        path = _path(route, visit, scenario_ids)
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = client.get(path)
        if response.status_code == 404:  # the visitor chosen must be one who may see it
            problems.append(f"{name} {path} is 404 to the {visit.role.label}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        shown = _names_shown(response.content.decode())
        if not shown:
            continue
        events = list(AuditEvent.objects.filter(seq__gt=before))
        object_ids = {str(scenario_ids.get(key, key)) for key in visit.kwargs.values()}
        naming = [
            e
            for e in events
            if (e.object_type == "young_person" and e.object_id in {str(pk) for pk in shown})
            or str((e.details or {}).get("young_person", "")) in {str(pk) for pk in shown}
            or (e.object_id and e.object_id in object_ids)
            or (not visit.kwargs and not e.object_id)
        ]
        if len(events) != 1 or len(naming) != 1:
            problems.append(
                f"{name} {path} shows {sorted(shown.values())} and wrote "
                f"{[(e.action, e.object_type, e.object_id) for e in events]}"
            )
    assert not problems, "\n".join(problems)
