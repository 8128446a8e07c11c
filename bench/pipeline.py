"""Two pages that exist only in the benchmark, to show what the request pipeline itself costs.

Served through the same middleware as the real pages (session, sign-in with both factors,
request id, CSP, no-store), each writes the same audit event as the chronology page (the chain
head locked, the row inserted, the head moved on). Neither asks the access gate anything: they
are floors, not alternatives.

* ``/bench/floor/<pk>/``: the audit write and an empty page. What any page about a young
  person must pay before it reads a single record.
* ``/bench/handwritten/<pk>/``: the audit write, the baseline SQL (``CHRONOLOGY_SQL``) and its
  newest hundred rows written out as bare HTML by string formatting: a hand-written page for
  the same rows.

``bench.__main__`` makes this module the URL root for the run: these two pages in front of
the application's URLs.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.html import escape

from governance import audit
from governance.models import AuditAction, AuditObject
from tessera.urls import handler403, handler404, handler500

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

SHOWN = 100  # records.views.CHRONOLOGY_PAGE


def _audit(request: HttpRequest, pk: int, entries: int) -> None:
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.YOUNG_PERSON,
        object_id=pk,
        details={"entries": entries, "full": entries, "filters": {}},
    )


def floor(request: HttpRequest, pk: int) -> HttpResponse:
    _audit(request, pk, 0)
    return HttpResponse("<!DOCTYPE html><title>Floor</title><p>Recorded.</p>")


def handwritten(request: HttpRequest, pk: int) -> HttpResponse:
    from bench.measure import CHRONOLOGY_SQL

    with connection.cursor() as cursor:
        cursor.execute(CHRONOLOGY_SQL, [pk])
        rows = cursor.fetchall()
    _audit(request, pk, len(rows))
    items = [
        f'<li><a href="/records/{row[0]}/">{escape(row[12])}</a> by {escape(row[13])}'
        f"{f' ({escape(row[16])})' if row[16] else ''}, "
        f"<time>{row[1]:%d %B %Y, %H:%M}</time>: {escape(row[3])}</li>"
        for row in rows[:SHOWN]
    ]
    return HttpResponse(
        f"<!DOCTYPE html><title>Chronology</title><ol>{''.join(items)}</ol>",
    )


urlpatterns = [
    path("bench/floor/<int:pk>/", floor),
    path("bench/handwritten/<int:pk>/", handwritten),
    path("", include("tessera.urls")),
]
