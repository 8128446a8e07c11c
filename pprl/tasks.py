"""The background job that compares an uploaded encodings file (django-tasks; ADR 0003)."""

from __future__ import annotations

from django_tasks import task

from pprl.actions import run_comparison


@task()
def compare_encodings(submission_id: int) -> str:
    """Compare one queued file; its status, counts and notices are kept on the submission."""
    return str(run_comparison(submission_id).status)
