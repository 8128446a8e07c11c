"""Your notifications: the list, opening one, and marking them read.

Everyone with an agency except community partners has this page; a community partner, or
anyone else it does not fit, gets a 404 with a refused audit row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from kit.access import signed_in_user as _user
from kit.paginator import CappedPaginator
from notifications import actions
from notifications.queries import may_read_notifications, notifications_for

PAGE_SIZE = 25


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_read_notifications(user):
        raise _refused(request, AuditAction.LIST, AuditObject.NOTIFICATION)
    unread_only = request.GET.get("show") == "unread"
    rows = notifications_for(user).select_related("user")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.NOTIFICATION,
        details={"page": page.number, "shown": len(page.object_list), "unread_only": unread_only},
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "any_unread": notifications_for(user).filter(read_at__isnull=True).exists(),
        },
    )


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open``, then go to what it is about."""
    user = _user(request)
    notification = notifications_for(user).filter(pk=pk).first()
    if notification is None:
        raise _refused(request, AuditAction.UPDATE, AuditObject.NOTIFICATION, pk)
    try:
        actions.do_mark_read(actor=user, notification=notification)
    except PermissionDenied:
        raise _refused(request, AuditAction.UPDATE, AuditObject.NOTIFICATION, pk) from None
    target = notification.url
    if (
        "open" in request.POST
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return redirect(target)
    return redirect(_back_to_list(request))


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        count = actions.do_mark_all_read(actor=user)
    except PermissionDenied:
        raise _refused(request, AuditAction.UPDATE, AuditObject.NOTIFICATION) from None
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect(_back_to_list(request))


def _back_to_list(request: HttpRequest) -> str:
    url = reverse("notifications:list")
    return f"{url}?show=unread" if request.POST.get("show") == "unread" else url
