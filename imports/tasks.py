"""The background job that runs an import (django-tasks; ADR 0003)."""

from __future__ import annotations

from django_tasks import task

from imports.engine import ImportFailed, run_batch


@task()
def run_import(batch_id: int) -> None:
    """Run or resume one import batch; its status and counts are kept on the batch."""
    try:
        run_batch(batch_id)
    except ImportFailed:
        # The batch already says what went wrong, for the person who imported it.
        return
