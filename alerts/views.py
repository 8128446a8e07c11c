"""Alerts: the triage queue, an alert and its decisions, the rules' record and parameters,
benign values, and replays over history."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts import actions, queries
from alerts import fairness as alert_fairness
from alerts.forms import (
    AcceptActionForm,
    AcceptReferralForm,
    BenignValueForm,
    DismissForm,
    FairnessForm,
    MergeForm,
    QueueFilterForm,
    ReplayForm,
    RuleParametersForm,
    SwitchRuleForm,
    WaitingReferralForm,
)
from alerts.models import Alert, AlertStatus, BenignValue, ReplayRun, Rule
from alerts.tasks import run_replay
from cases.queries import actions_visible_to
from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from kit.access import signed_in_user as _user
from kit.disclosure import THRESHOLD
from kit.forms import form_page
from kit.paginator import CappedPaginator
from kit.spreadsheet import safe_cell
from partnership.models import User

# --- Finding things through the gate -------------------------------------------------------------


def _alert(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Alert:
    try:
        return queries.alert_or_404(user, pk)
    except Http404:
        raise _refused(request, action, AuditObject.ALERT, pk) from None


def _to_triage(request: HttpRequest, pk: int) -> tuple[User, Alert]:
    """An open alert the user may see and decide; anything else is an audited 404."""
    user = _user(request)
    alert = _alert(request, user, pk, AuditAction.UPDATE)
    if not actions.can_triage(user) or alert.status != AlertStatus.OPEN:
        raise _refused(request, AuditAction.UPDATE, AuditObject.ALERT, pk)
    return user, alert


def _require(
    request: HttpRequest, capability: Capability, action: AuditAction, kind: AuditObject
) -> User:
    user = _user(request)
    if not may(user, capability):
        raise _refused(request, action, kind)
    return user


def _back(alert: Alert) -> str:
    return reverse("alerts:alert", args=[alert.pk])


# --- The queue and one alert ---------------------------------------------------------------------


@require_GET
def alert_queue(request: HttpRequest) -> HttpResponse:
    user = _require(request, Capability.SEE_ALERTS, AuditAction.LIST, AuditObject.ALERT)
    form = QueueFilterForm(request.GET or None)
    status, rule = AlertStatus.OPEN.value, None
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        rule = form.cleaned_data["rule"]
    elif not form.is_bound:
        form = QueueFilterForm(initial={"status": status})
    page = CappedPaginator(queries.queue(user, status=status, rule=rule), 25).get_page(
        request.GET.get("page")
    )
    shown = queries.views_of(user, list(page.object_list))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.ALERT,
        details={
            "status": status,
            "rule": rule.code if rule else "",
            "shown": len(shown),
            "young_people": sorted({p.pk for v in shown for p in v.people if p.pk}),
        },
    )
    return render(
        request,
        "alerts/queue.html",
        {"form": form, "page": page, "alerts": shown, "status": status},
    )


@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    alert = _alert(request, user, pk)
    shown = queries.view_of(user, alert)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.ALERT,
        object_id=alert.pk,
        details={
            "young_people": [p.pk for p in shown.people],
            "evidence": {str(e.record_pk): e.level.label for e in shown.evidence},
        },
    )
    triage = actions.can_triage(user) and alert.status == AlertStatus.OPEN
    return render(
        request,
        "alerts/detail.html",
        {
            "shown": shown,
            "alert": alert,
            "merged": queries.merged_into_this(user, alert),
            "case_action_visible": alert.case_action_id is not None
            and actions_visible_to(user).filter(pk=alert.case_action_id).exists(),
            "merged_into_visible": alert.merged_into_id is not None
            and queries.alerts_for(user).filter(pk=alert.merged_into_id).exists(),
            "triage": triage,
            "shared_value_shown": queries.shared_value_shown(user, alert),
            "can_merge": triage and queries.merge_targets(user, alert).exists(),
            "can_act": triage and queries.open_cases_for(user, alert).exists(),
            "waiting": list(queries.waiting_referrals_for(user, alert)) if triage else [],
        },
    )


def _form_context(request: HttpRequest, alert: Alert, page: str, **extra: Any) -> Any:
    """The context of a decision form, read (and audited as a look at the alert) only when the
    form is shown."""

    def context() -> dict[str, Any]:
        audit.shown(request, AuditObject.ALERT, alert.pk, page=page)
        return {"alert": alert, "back": _back(alert), **extra}

    return context


@require_http_methods(["GET", "POST"])
def accept_referral(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert = _to_triage(request, pk)
    people = alert.young_people.order_by("family_name", "given_name")
    only = list(people[:2])
    form = AcceptReferralForm(
        request.POST or None,
        people=people,
        initial={
            "young_person": only[0].pk if len(only) == 1 else None,
            "concern": f"Prompt for professional curiosity from the rule '{alert.rule.name}': "
            f"{alert.rule.description}",
        },
    )

    def accept() -> Alert:
        data = form.cleaned_data
        return actions.do_accept_into_referral(
            actor=user,
            alert=alert,
            young_person=data["young_person"],
            concern=data["concern"],
            kind=data["kind"],
            consent_status=data["consent_status"],
            lawful_basis=data["lawful_basis"],
            reason_without_consent=data["reason_without_consent"],
            next_steps_discussed=data["next_steps_discussed"] == "yes",
            note=data["note"],
        )

    return form_page(
        request,
        form,
        accept,
        success=lambda accepted: (
            f"Alert accepted. Referral {accepted.referral.receipt} sent to "  # type: ignore[union-attr]
            f"{accepted.referral.receiving_agency.name} for screening."  # type: ignore[union-attr]
        ),
        redirect_to=_back(alert),
        template="alerts/form.html",
        context=_form_context(
            request,
            alert,
            "accept-referral",
            title="Accept: refer to the MASH",
            button="Accept and send the referral",
            intro="The MASH screens every referral within 24 hours. The referral is a share: "
            "say whether the young person consented, or the lawful basis without consent.",
        ),
        error_status=200,
    )


@require_http_methods(["GET", "POST"])
def accept_into_waiting_referral(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    user, alert = _to_triage(request, pk)
    referral = queries.waiting_referrals_for(user, alert).filter(pk=referral_pk).first()
    if referral is None:
        raise _refused(request, AuditAction.UPDATE, AuditObject.REFERRAL, referral_pk)
    form = WaitingReferralForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: actions.do_accept_into_waiting_referral(
            actor=user, alert=alert, referral=referral, note=form.cleaned_data["note"]
        ),
        success=f"Alert accepted and added to referral {referral.receipt}, awaiting screening.",
        redirect_to=_back(alert),
        template="alerts/form.html",
        context=_form_context(
            request,
            alert,
            "accept-waiting-referral",
            title=f"Accept: add to referral {referral.receipt}",
            button="Accept and add to the referral",
            intro=f"{referral.young_person} already has a referral awaiting screening by "
            f"{referral.receiving_agency.name}, received {referral.received_at:%-d %B %Y}. "
            "The alert will name it; the referral keeps its referrer's words. Screeners see "
            "every alert, so whoever screens it can read this one too.",
        ),
    )


@require_http_methods(["GET", "POST"])
def accept_action(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert = _to_triage(request, pk)
    form = AcceptActionForm(request.POST or None, cases=queries.open_cases_for(user, alert))

    def accept() -> Alert:
        data = form.cleaned_data
        return actions.do_accept_into_case_action(
            actor=user,
            alert=alert,
            case=data["case"],
            title=data["title"],
            detail=data["detail"],
            owner_agency=data["owner_agency"],
            owner=data["owner"],
            due_on=data["due_on"],
            note=data["note"],
        )

    return form_page(
        request,
        form,
        accept,
        success="Alert accepted. The action is in the case plan.",
        redirect_to=_back(alert),
        template="alerts/form.html",
        context=_form_context(
            request,
            alert,
            "accept-action",
            title="Accept: add an action to the case plan",
            button="Accept and add the action",
            intro="Each action is owned by one agency, with a due date, and is chased when "
            "overdue like every other action in the plan.",
        ),
    )


@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert = _to_triage(request, pk)
    form = DismissForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: actions.do_dismiss_alert(
            actor=user,
            alert=alert,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        success="Alert dismissed. Your reason counts in the rule's record.",
        redirect_to=reverse("alerts:queue"),
        template="alerts/form.html",
        context=_form_context(
            request, alert, "dismiss", title="Dismiss the alert", button="Dismiss the alert"
        ),
    )


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    user, alert = _to_triage(request, pk)
    # Every open alert the user may see is offered; the action refuses one about others.
    targets = (
        queries.alerts_for(user)
        .filter(status=AlertStatus.OPEN)
        .exclude(pk=alert.pk)
        .select_related("rule")
    )
    suitable = queries.merge_targets(user, alert)
    form = MergeForm(
        request.POST or None, targets=targets if request.method == "POST" else suitable
    )
    return form_page(
        request,
        form,
        lambda: actions.do_merge_alert(
            actor=user, alert=alert, into=form.cleaned_data["into"], note=form.cleaned_data["note"]
        ),
        success=lambda merged: f"Alert merged into alert {merged.merged_into_id}.",
        redirect_to=lambda merged: reverse("alerts:alert", args=[merged.merged_into_id]),
        template="alerts/form.html",
        context=_form_context(
            request,
            alert,
            "merge",
            title="Merge into another open alert",
            button="Merge",
            intro="Only open alerts about the same young people are offered. This alert's "
            "evidence is linked to the one you choose, and this alert is kept, marked merged.",
        ),
    )


# --- The rules -----------------------------------------------------------------------------------


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.SEE_EVERY_ALERT, AuditAction.VIEW, AuditObject.ALERT_RULE)
    return render(request, "alerts/rules.html", {"records": queries.rule_records()})


@require_GET
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Capability.SEE_EVERY_ALERT, AuditAction.VIEW, AuditObject.ALERT_RULE)
    rule = get_object_or_404(Rule, pk=pk)
    return render(
        request,
        "alerts/rule.html",
        {
            "record": queries.rule_record(rule),
            "rule": rule,
            "versions": list(rule.versions.select_related("created_by").order_by("-number")),
        },
    )


@require_http_methods(["GET", "POST"])
def rule_parameters(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(
        request, Capability.CHANGE_ALERT_RULES, AuditAction.CONFIGURE, AuditObject.ALERT_RULE
    )
    rule = get_object_or_404(Rule, pk=pk)
    current = rule.current_version
    form = RuleParametersForm(
        request.POST or None, current=dict(current.parameters) if current else {}
    )
    back = reverse("alerts:rule", args=[rule.pk])
    return form_page(
        request,
        form,
        lambda: actions.do_change_rule_parameters(
            actor=user, rule=rule, parameters=form.parameters(), reason=form.cleaned_data["reason"]
        ),
        success=lambda version: f"Version {version.number} of '{rule.name}' is in force.",
        redirect_to=back,
        template="alerts/form.html",
        context={
            "title": f"Change the parameters of '{rule.name}'",
            "button": "Save as a new version",
            "back": back,
            "intro": "Your change is saved as a new version; alerts already raised keep the "
            "version that raised them. Try a change in a replay first to see what it would raise.",
        },
    )


@require_http_methods(["GET", "POST"])
def rule_switch(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(
        request, Capability.CHANGE_ALERT_RULES, AuditAction.CONFIGURE, AuditObject.ALERT_RULE
    )
    rule = get_object_or_404(Rule, pk=pk)
    form = SwitchRuleForm(request.POST or None)
    back = reverse("alerts:rule", args=[rule.pk])
    turning_on = not rule.is_enabled
    return form_page(
        request,
        form,
        lambda: actions.do_switch_rule(
            actor=user, rule=rule, enabled=turning_on, reason=form.cleaned_data["reason"]
        ),
        success=f"'{rule.name}' is {'on' if turning_on else 'off'}.",
        redirect_to=back,
        template="alerts/form.html",
        context={
            "title": f"Switch '{rule.name}' {'on' if turning_on else 'off'}",
            "button": f"Switch {'on' if turning_on else 'off'}",
            "back": back,
            "intro": "A rule switched off raises nothing new; its open alerts stay in the queue."
            if not turning_on
            else "The rule will raise alerts from the next evaluation.",
        },
    )


# --- Benign values -------------------------------------------------------------------------------


@require_GET
def benign_value_list(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.SEE_EVERY_ALERT, AuditAction.VIEW, AuditObject.BENIGN_VALUE)
    return render(request, "alerts/benign_values.html", {"values": queries.benign_values()})


@require_http_methods(["GET", "POST"])
def add_benign_value(request: HttpRequest) -> HttpResponse:
    user = _require(
        request, Capability.CHANGE_ALERT_RULES, AuditAction.CONFIGURE, AuditObject.BENIGN_VALUE
    )
    form = BenignValueForm(request.POST or None)
    back = reverse("alerts:benign-values")
    return form_page(
        request,
        form,
        lambda: actions.do_add_benign_value(actor=user, **form.cleaned_data),
        success=lambda benign: f"{benign.label} ({benign.value}) will never link young people.",
        redirect_to=back,
        template="alerts/form.html",
        context={
            "title": "Add a benign value",
            "button": "Add",
            "back": back,
            "intro": "A benign value never links young people: a school's phone, a police "
            "station's address, a helpline, a children's home's own address.",
        },
    )


@require_POST
def remove_benign_value(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(
        request, Capability.CHANGE_ALERT_RULES, AuditAction.CONFIGURE, AuditObject.BENIGN_VALUE
    )
    benign = BenignValue.objects.filter(pk=pk).first()
    if benign is None:
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.BENIGN_VALUE, pk)
    label = benign.label
    actions.do_remove_benign_value(actor=user, benign=benign)
    messages.success(request, f"{label} is no longer a benign value.")
    return redirect("alerts:benign-values")


# --- Replays -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def replays(request: HttpRequest) -> HttpResponse:
    user = _require(request, Capability.RUN_ALERT_REPLAY, AuditAction.VIEW, AuditObject.REPLAY_RUN)
    form = ReplayForm(request.POST or None)

    def start() -> ReplayRun:
        data = form.cleaned_data
        run: ReplayRun = actions.do_start_replay(
            actor=user, name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"]
        )
        run_replay.enqueue(run.pk)
        return run

    return form_page(
        request,
        form,
        start,
        success=lambda run: f"Replay '{run.name}' started.",
        redirect_to=lambda run: reverse("alerts:replay", args=[run.pk]),
        template="alerts/replays.html",
        context=lambda: {"runs": list(queries.replay_runs(user)[:50])},
    )


def _run(request: HttpRequest, pk: int, action: AuditAction) -> ReplayRun:
    user = _user(request)
    run = queries.replay_runs(user).filter(pk=pk).first()
    if run is None:
        raise _refused(request, action, AuditObject.REPLAY_RUN, pk)
    return run


@require_GET
def replay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, AuditAction.VIEW)
    return render(
        request,
        "alerts/replay.html",
        {
            "run": run,
            "counts": queries.replay_counts(run),
            "total": queries.replay_total(run),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def replay_csv(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    run = _run(request, pk, AuditAction.EXPORT)
    rows = queries.replay_csv_rows
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=AuditObject.REPLAY_RUN,
        object_id=run.pk,
        details={"alerts": queries.replay_total(run)},
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in rows(run):
            yield writer.writerow([safe_cell(str(cell)) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="replay-{run.pk}.csv"'
    return response


# --- Who is identified (the fairness view) ------------------------------------------------------


def _fairness_period(request: HttpRequest) -> tuple[FairnessForm, date, date]:
    form = FairnessForm(request.GET or None)
    months = FairnessForm.DEFAULT_MONTHS
    if form.is_bound and form.is_valid():
        months = int(form.cleaned_data["months"])
    elif not form.is_bound:
        form = FairnessForm(initial={"months": str(months)})
    today = timezone.localdate()
    return form, today - timedelta(days=round(months * 30.44)), today


@require_GET
def fairness(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.SEE_ALERT_FAIRNESS, AuditAction.VIEW, AuditObject.ALERT)
    form, start, end = _fairness_period(request)
    tables = alert_fairness.fairness(start, end, on=end)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.ALERT,
        details={"fairness": True, "from": start.isoformat(), "to": end.isoformat()},
    )
    return render(
        request,
        "alerts/fairness.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "tables": tables,
            "measures": [(m, alert_fairness.MEASURE_LABELS[m]) for m in alert_fairness.MEASURES],
            "threshold": THRESHOLD,
        },
    )


@require_GET
def fairness_csv(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.SEE_ALERT_FAIRNESS, AuditAction.EXPORT, AuditObject.ALERT)
    _, start, end = _fairness_period(request)
    tables = alert_fairness.fairness(start, end, on=end)
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=AuditObject.ALERT,
        details={"fairness": True, "from": start.isoformat(), "to": end.isoformat()},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="who-is-identified-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["dimension", "group", *alert_fairness.MEASURES])
    for table in tables:
        for row in table.rows:
            writer.writerow(
                [
                    safe_cell(table.dimension.label),
                    safe_cell(row.group),
                    *(
                        "fewer than 5" if row.counts[m] is None else row.counts[m]
                        for m in alert_fairness.MEASURES
                    ),
                ]
            )
        writer.writerow(
            [
                safe_cell(table.dimension.label),
                "Total",
                *(table.totals[m] for m in alert_fairness.MEASURES),
            ]
        )
    return response
