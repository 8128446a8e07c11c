"""A paginator that stops counting at a cap, so a broad filter over millions of rows stays fast."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` + 1 rows. ``capped`` says the true count is larger."""

    def __init__(self, object_list: Any, per_page: int, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        limited = self.object_list.order_by()[: self.cap + 1]  # type: ignore[attr-defined]
        return min(limited.count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap
