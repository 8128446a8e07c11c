"""The capped paginator counts no further than it needs to."""

from __future__ import annotations

from datetime import date

from people.models import YoungPerson
from web.paginator import CappedPaginator


def _people(n: int) -> None:
    YoungPerson.objects.bulk_create(
        YoungPerson(given_name=f"P{i}", family_name="Count", date_of_birth=date(2010, 1, 1))
        for i in range(n)
    )


def test_it_says_when_there_are_more_than_the_cap(db):
    _people(12)
    paginator = CappedPaginator(YoungPerson.objects.order_by("pk"), 5, cap=10)
    assert paginator.capped
    assert paginator.count == 11
    assert len(paginator.get_page(1).object_list) == 5


def test_it_counts_exactly_under_the_cap(db):
    _people(7)
    paginator = CappedPaginator(YoungPerson.objects.order_by("pk"), 5, cap=10)
    assert not paginator.capped
    assert paginator.count == 7
    assert paginator.num_pages == 2
