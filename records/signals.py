"""What the records layer tells the layers above when records change.

The alerts app (above, so never imported here) listens to evaluate only the rules the changed
records can affect, in the same request or import job. Senders:

- ``records_changed``: records were added (``do_record``, ``do_record_many``, and so every
  import: an imported row adds its record when it is linked to a young person, by UPN or NHS
  number in the import job, by the matching or by a reviewer) or edited (``do_edit_record``,
  ``do_add_link``). Sent with ``record_ids`` after the records' own transaction block, inside
  any transaction of the caller, so what listeners write commits or rolls back with them.
- ``record_withdrawing``: a record is about to be withdrawn (deleted, because the link that
  added it was undone), with ``record_id``; listeners drop what refers to it.
"""

from __future__ import annotations

from django.dispatch import Signal

records_changed = Signal()  # record_ids: list[int]
record_withdrawing = Signal()  # record_id: int
