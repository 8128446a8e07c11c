"""The capped paginator counts no further than it needs to."""

from __future__ import annotations

from kit.paginator import CappedPaginator
from partnership.models import Agency, AgencyKind


def _agencies(n: int) -> None:
    # Any table will do; agencies sit on the same ground as the paginator.
    Agency.objects.bulk_create(
        Agency(name=f"Agency {i}", short_name=f"A{i}", kind=AgencyKind.VOLUNTARY_SECTOR)
        for i in range(n)
    )


def test_it_says_when_there_are_more_than_the_cap(db):
    _agencies(12)
    paginator = CappedPaginator(Agency.objects.order_by("pk"), 5, cap=10)
    assert paginator.capped
    assert paginator.count == 11
    assert len(paginator.get_page(1).object_list) == 5


def test_it_counts_exactly_under_the_cap(db):
    _agencies(7)
    paginator = CappedPaginator(Agency.objects.order_by("pk"), 5, cap=10)
    assert not paginator.capped
    assert paginator.count == 7
    assert paginator.num_pages == 2
