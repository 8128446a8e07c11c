"""The access gate: what may this user see of this, and at what level.

Every read of a young person's data goes through here. Lists ask for a queryset; single
objects ask for a decision. Nothing else in Tessera filters by agency or role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from partnership.models import User
from people.models import YoungPerson


def reads_case_content(user: Any) -> bool:
    """Administrators, strategic leads and community partners never read case content."""
    return isinstance(user, User) and user.is_authenticated and user.reads_case_content


def young_people_for(user: Any) -> QuerySet[YoungPerson]:
    if not reads_case_content(user):
        return YoungPerson.objects.none()
    return YoungPerson.objects.all()


def young_person_or_404(user: Any, pk: int) -> YoungPerson:
    """One young person, or 404 whether they do not exist or may not be seen."""
    try:
        return young_people_for(user).get(pk=pk)
    except YoungPerson.DoesNotExist:
        raise Http404 from None
