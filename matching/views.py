"""The clerical review queue and the thresholds.

One review side by side, the list of links and undoing a link decide what becomes of imported
rows, so their views are the imports app's (``imports.review_views``), under the same URLs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.paginator import CappedPaginator
from matching import actions, feeds, queries
from matching.forms import ThresholdsForm
from matching.models import LinkageModel, MatchThresholds, ReviewStatus

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


def thresholds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.may_set_thresholds(user):
        raise _refused(request, AuditAction.VIEW, AuditObject.MATCH_THRESHOLDS)
    trained = {saved.feed: saved for saved in LinkageModel.objects.all()}
    rows = [
        (feed, actions.thresholds_for(feed.value), trained.get(feed.value))
        for feed in feeds.listed()
    ]
    labels = feeds.known()
    history = [
        (change, labels.get(change.feed, change.feed))
        for change in MatchThresholds.objects.select_related("set_by").order_by("-set_at", "-pk")[
            :20
        ]
    ]
    audit.record(AuditAction.VIEW, request=request, object_type=AuditObject.MATCH_THRESHOLDS)
    return render(request, "matching/thresholds.html", {"feeds": rows, "history": history})


@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest, feed: str) -> HttpResponse:
    user = _user(request)
    if not actions.may_set_thresholds(user):
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.MATCH_THRESHOLDS, feed[:30])
    if feed not in feeds.known():
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
            messages.success(request, f"Thresholds for {feeds.named(feed).label} saved.")
            return redirect("matching:thresholds")
    return render(
        request,
        "matching/thresholds_edit.html",
        {"form": form, "feed": feeds.named(feed), "current": current},
    )
