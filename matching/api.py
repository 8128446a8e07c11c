"""What other apps call to match imported rows to young people.

``link_pending_rows(batch_id)`` runs inside an import's background job, after the batch's rows
are written. It links each pending row to a young person automatically, sends it to the
clerical review queue, or creates a new young person, by the feed's thresholds.
"""

from __future__ import annotations


def link_pending_rows(batch_id: int) -> None:
    """Match the pending rows of one import batch to young people.

    The implementation lives in ``matching.linking``; it is imported here lazily so that the
    imports app can import this module before the matching models exist.
    """
    from matching import linking

    linking.link_pending_rows(batch_id)
