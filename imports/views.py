"""Upload an agency file, watch its import, read and download its validation report."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from imports import actions, queries
from imports.forms import UploadForm
from imports.models import BatchStatus, ImportBatch
from imports.storage import keep_upload
from imports.tasks import match_waiting_rows, run_import
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.paginator import CappedPaginator
from kit.spreadsheet import safe_cell
from matching.actions import may_review

PROBLEMS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    feeds = actions.feeds_for(user)
    if not feeds or user.agency is None:
        raise _refused(request, AuditAction.CREATE, AuditObject.IMPORT_BATCH)
    form = UploadForm(request.POST or None, request.FILES or None, feeds=feeds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path, sha256, size = keep_upload(upload)
        try:
            started = actions.do_start_import(
                actor=user,
                agency=user.agency,
                feed=form.cleaned_data["feed"],
                path=path,
                file_name=upload.name or path.name,
                sha256=sha256,
                size=size,
            )
        except ValidationError as error:
            path.unlink(missing_ok=True)
            add_action_errors(form, error)
        except PermissionDenied:
            path.unlink(missing_ok=True)
            raise _refused(request, AuditAction.CREATE, AuditObject.IMPORT_BATCH) from None
        else:
            batch = started.batch
            if started.already_imported:
                path.unlink(missing_ok=True)
                messages.info(
                    request,
                    "This file is being imported now. Nothing was added again."
                    if batch.is_active
                    else "This file has already been imported. Nothing was added again.",
                )
            else:
                run_import.enqueue(batch.pk)
            return redirect("imports:batch", pk=batch.pk)
    recent = list(queries.batches_for(user)[:20])
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.IMPORT_BATCH,
        details={"shown": len(recent)},
    )
    return render(request, "imports/start.html", {"form": form, "recent": recent})


def _batch_or_404(request: HttpRequest, pk: int, action: AuditAction) -> ImportBatch:
    batch = queries.batch_for(_user(request), pk)
    if batch is None:
        raise _refused(request, action, AuditObject.IMPORT_BATCH, pk)
    return batch


@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = _batch_or_404(request, pk, AuditAction.VIEW)
    paginator = CappedPaginator(found.rejections.all(), PROBLEMS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    audit.record(
        AuditAction.VIEW, request=request, object_type=AuditObject.IMPORT_BATCH, object_id=pk
    )
    return render(
        request,
        "imports/batch.html",
        {
            "batch": found,
            "page": page,
            "problems": list(page.object_list),
            "matching": (
                queries.matching_outcome(found) if found.status == BatchStatus.DONE else None
            ),
            "may_review": may_review(request.user),
            "may_rematch": may_review(request.user) and actions.may_rematch(_user(request)),
        },
    )


@require_POST
def match_waiting(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer asks for the waiting rows of this import's feed to be matched again (after
    young people were registered, say): queued as a background job, like an import."""
    found = _batch_or_404(request, pk, AuditAction.UPDATE)
    user = _user(request)
    if not may_review(user) or not actions.may_rematch(user):
        raise _refused(request, AuditAction.UPDATE, AuditObject.IMPORT_BATCH, pk)
    match_waiting_rows.enqueue(found.feed, user.pk)
    audit.record(
        AuditAction.UPDATE,
        request=request,
        object_type=AuditObject.IMPORT_BATCH,
        object_id=pk,
        details={"rematch_waiting_requested": True, "feed": found.feed},
    )
    messages.success(
        request,
        "The rows waiting for lack of a date of birth will be matched again in a moment. "
        "Refresh this page to see what became of them.",
    )
    return redirect("imports:batch", pk=pk)


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, for htmx to swap in every two seconds while the job runs."""
    found = _batch_or_404(request, pk, AuditAction.VIEW)
    return render(request, "imports/_progress.html", {"batch": found})


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    found = _batch_or_404(request, pk, AuditAction.EXPORT)
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=AuditObject.IMPORT_BATCH,
        object_id=pk,
        details={"validation_report": True, "problems": found.rejections.count()},
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in queries.report_rows(found):
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{pk}-validation-report.csv"'
    return response
