"""The clerical review queue, one review side by side, undoing a link, and the thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import audit, policy
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from imports.models import Feed, ImportedRow, MatchStatus
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.paginator import CappedPaginator
from matching import actions, queries
from matching.explain import explain
from matching.forms import DecisionForm, ThresholdsForm, UndoForm
from matching.models import LinkageModel, MatchThresholds, ReviewItem, ReviewStatus

QUEUE_PAGE = 50


def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.may_review(user):
        raise _refused(request, AuditAction.LIST, AuditObject.REVIEW_ITEM)
    status = ReviewStatus.UNSURE if request.GET.get("show") == "unsure" else ReviewStatus.OPEN
    items = queries.review_queue_for(user, status=status)
    page = CappedPaginator(items, QUEUE_PAGE).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.REVIEW_ITEM,
        details={"status": status, "page": page.number, "shown": len(page.object_list)},
    )
    return render(
        request,
        "matching/queue.html",
        {"page": page, "showing_unsure": status == ReviewStatus.UNSURE},
    )


def _item_or_404(request: HttpRequest, pk: int) -> ReviewItem:
    item = (
        ReviewItem.objects.select_related(
            "row", "row__batch", "row__agency", "candidate", "via_row", "reviewer"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None or not actions.may_review_for(request.user, item.candidate):
        raise _refused(request, AuditAction.VIEW, AuditObject.REVIEW_ITEM, pk)
    return item


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item_or_404(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide(actor=user, item=item, **form.cleaned_data)
        except PermissionDenied:
            raise _refused(request, AuditAction.UPDATE, AuditObject.REVIEW_ITEM, pk) from None
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            done = {
                actions.Decision.LINK: "Linked: the row's record is now part of the young "
                "person's chronology.",
                actions.Decision.REJECT: "Recorded as not the same young person. This pair "
                "will not be proposed again.",
                actions.Decision.UNSURE: "Marked unsure, for a second opinion.",
            }
            messages.success(request, done[form.cleaned_data["decision"]])
            return redirect("matching:queue")
    viewer = policy.viewer_for(user, item.candidate)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.REVIEW_ITEM,
        object_id=item.pk,
        details={"row": item.row_id, "young_person": item.candidate_id},
    )
    others = (
        item.row.review_items.exclude(pk=item.pk)
        .filter(status__in=[ReviewStatus.OPEN, ReviewStatus.UNSURE])
        .select_related("candidate")
    )
    return render(
        request,
        "matching/review.html",
        {
            "item": item,
            "row": item.row,
            "candidate": item.candidate,
            # Recorded identities are shown with need to know, as on the young person's page.
            "identities": item.candidate.recorded_identities.select_related("agency")
            if viewer.need_to_know
            else [],
            "explanation": explain(item.evidence, item.match_weight, item.probability),
            "form": form,
            "other_candidates": [o for o in others if actions.may_review_for(user, o.candidate)],
            "can_decide": item.is_waiting and item.row.match_status == MatchStatus.IN_REVIEW,
        },
    )


def links(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.may_review(user):
        raise _refused(request, AuditAction.LIST, AuditObject.IMPORTED_ROW)
    raw_batch = request.GET.get("batch", "")
    batch_id = int(raw_batch) if raw_batch.isdigit() and len(raw_batch) < 12 else None
    page = CappedPaginator(queries.linked_rows_for(user, batch_id=batch_id), QUEUE_PAGE).get_page(
        request.GET.get("page")
    )
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.IMPORTED_ROW,
        details={
            "linked": True,
            "batch": batch_id,
            "page": page.number,
            "shown": len(page.object_list),
        },
    )
    return render(request, "matching/links.html", {"page": page, "batch_id": batch_id})


@require_http_methods(["GET", "POST"])
def undo(request: HttpRequest, row_pk: int) -> HttpResponse:
    user = _user(request)
    row = (
        ImportedRow.objects.select_related("young_person", "agency", "batch")
        .filter(pk=row_pk, match_status=MatchStatus.LINKED, young_person__isnull=False)
        .first()
    )
    if (
        row is None
        or row.young_person is None
        or not actions.may_review_for(user, row.young_person)
    ):
        raise _refused(request, AuditAction.UPDATE, AuditObject.IMPORTED_ROW, row_pk)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_undo_link(actor=user, row=row, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise _refused(request, AuditAction.UPDATE, AuditObject.IMPORTED_ROW, row_pk) from None
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Link undone. The row is back in the clerical review queue.")
            return redirect("matching:links")
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.IMPORTED_ROW,
        object_id=row.pk,
        details={"young_person": row.young_person_id, "undo_form": True},
    )
    return render(request, "matching/undo.html", {"row": row, "form": form})


def thresholds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.may_set_thresholds(user):
        raise _refused(request, AuditAction.VIEW, AuditObject.MATCH_THRESHOLDS)
    trained = {saved.feed: saved for saved in LinkageModel.objects.all()}
    feeds = [(feed, actions.thresholds_for(feed.value), trained.get(feed.value)) for feed in Feed]
    labels = dict(Feed.choices)
    history = [
        (change, labels.get(change.feed, change.feed))
        for change in MatchThresholds.objects.select_related("set_by").order_by("-set_at", "-pk")[
            :20
        ]
    ]
    audit.record(AuditAction.VIEW, request=request, object_type=AuditObject.MATCH_THRESHOLDS)
    return render(request, "matching/thresholds.html", {"feeds": feeds, "history": history})


@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest, feed: str) -> HttpResponse:
    user = _user(request)
    if not actions.may_set_thresholds(user):
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.MATCH_THRESHOLDS, feed[:30])
    if feed not in Feed.values:
        raise Http404
    current = actions.thresholds_for(feed)
    form = ThresholdsForm(
        request.POST or None,
        initial={"auto_link_from": current.auto_link_from, "review_from": current.review_from},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_thresholds(actor=user, feed=feed, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Thresholds for {Feed(feed).label} saved.")
            return redirect("matching:thresholds")
    return render(
        request,
        "matching/thresholds_edit.html",
        {"form": form, "feed": Feed(feed), "current": current},
    )
