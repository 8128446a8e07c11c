"""Links to a young person's cases, for pages outside cases (the young person's page)."""

from __future__ import annotations

from typing import Any

from django import template

from cases import queries

register = template.Library()


@register.inclusion_tag("cases/_case_links.html", takes_context=True)
def case_links(context: dict[str, Any], young_person: Any) -> dict[str, Any]:
    """The cases for this young person that the signed-in user may open (none for others)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "reads_case_content", False):
        return {"cases": []}
    cases = queries.cases_for(user).filter(young_person=young_person).order_by("-opened_at")
    return {"cases": list(cases[:5])}
