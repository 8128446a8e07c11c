"""The alerts layer listens to the records layer (which never imports it): connected in
``AlertsConfig.ready``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from alerts import engine

log = logging.getLogger(__name__)


def on_records_changed(sender: Any, record_ids: list[int], **kwargs: Any) -> None:
    """Evaluate the rules these records can affect, in the request or job that saved them.

    A failure here never loses the records: the evaluation runs in its own savepoint, is
    logged, and the next full evaluation (``manage.py evaluate_rules``) catches up. Tests set
    ``ALERTS_RAISE_ERRORS`` so that a failure fails the test instead."""
    if engine.is_paused() or not record_ids:
        return
    try:
        with transaction.atomic():
            engine.evaluate_records(record_ids)
    except Exception:
        if getattr(settings, "ALERTS_RAISE_ERRORS", False):
            raise
        log.exception("Evaluating the alert rules for %d changed records failed", len(record_ids))


def on_record_withdrawing(sender: Any, record_id: int, **kwargs: Any) -> None:
    from alerts.actions import do_withdraw_evidence

    do_withdraw_evidence(actor=None, record_id=record_id)
