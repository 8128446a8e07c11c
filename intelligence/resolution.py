"""Which entities analysts have judged to be one: "the same" joins (transitively), "not the
same" keeps apart. Only current judgements count; a reversed one is history."""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.http import Http404

from intelligence.models import ResolutionJudgement, Verdict


def _current(kind: str, verdict: Verdict) -> list[tuple[int, int]]:
    return list(
        ResolutionJudgement.objects.filter(
            kind=kind, verdict=verdict, reversed_at__isnull=True
        ).values_list("first_id", "second_id")
    )


def same_as(kind: str, pk: int) -> set[int]:
    """Every entity of ``kind`` judged the same as ``pk``, through any chain of judgements
    (``pk`` itself included)."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for first, second in _current(kind, Verdict.SAME):
        neighbours[first].add(second)
        neighbours[second].add(first)
    found = {pk}
    frontier = [pk]
    while frontier:
        for other in neighbours[frontier.pop()]:
            if other not in found:
                found.add(other)
                frontier.append(other)
    return found


def kept_apart(kind: str, these: set[int], those: set[int]) -> bool:
    """Has an analyst judged any of ``these`` not the same as any of ``those``?"""
    return any(
        (first in these and second in those) or (first in those and second in these)
        for first, second in _current(kind, Verdict.NOT_SAME)
    )


def judgements_of(kind: str, pk: int) -> list[ResolutionJudgement]:
    """Every judgement about one entity, current and reversed, newest first."""
    return list(
        ResolutionJudgement.objects.filter(kind=kind)
        .filter(models.Q(first_id=pk) | models.Q(second_id=pk))
        .select_related("judged_by", "reversed_by")
        .order_by("-judged_at", "-pk")
    )


def judgement_or_404(pk: int) -> ResolutionJudgement:
    judgement = ResolutionJudgement.objects.filter(pk=pk).first()
    if judgement is None:
        raise Http404
    return judgement
