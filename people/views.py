"""Young people: the list and one young person's page, read through the access gate."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from governance import audit, policy
from governance.models import AuditAction, AuditOutcome


def young_person_list(request: HttpRequest) -> HttpResponse:
    if not policy.reads_case_content(request.user):
        audit.record(
            AuditAction.LIST,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type="young_person",
        )
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    people = policy.young_people_for(request.user)
    if query:
        people = people.filter(family_name__icontains=query) | people.filter(
            given_name__icontains=query
        )
    page = Paginator(people.order_by("family_name", "given_name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    audit.record(
        AuditAction.SEARCH if query else AuditAction.LIST,
        request=request,
        object_type="young_person",
        details={"page": page.number, "results": len(page.object_list), "searched": bool(query)},
    )
    return render(request, "people/young_person_list.html", {"page": page, "query": query})


def young_person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        young_person = policy.young_person_or_404(request.user, pk)
    except Http404:
        audit.record(
            AuditAction.VIEW,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type="young_person",
            object_id=pk,
        )
        raise
    audit.record(AuditAction.VIEW, request=request, object_type="young_person", object_id=pk)
    return render(request, "people/young_person_detail.html", {"young_person": young_person})
