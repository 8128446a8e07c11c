"""The background job that runs an import (django-tasks; ADR 0003)."""

from __future__ import annotations

from django_tasks import task

from imports.engine import ImportFailed, run_batch
from partnership.models import User


@task()
def run_import(batch_id: int) -> None:
    """Run or resume one import batch; its status and counts are kept on the batch."""
    try:
        run_batch(batch_id)
    except ImportFailed:
        # The batch already says what went wrong, for the person who imported it.
        return


@task()
def match_waiting_rows(feed: str, user_id: int) -> None:
    """Match a feed's waiting rows again, as the reviewer who asked (checked again here)."""
    from imports.actions import do_rematch_waiting_rows

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    do_rematch_waiting_rows(actor=user, feed=feed)
