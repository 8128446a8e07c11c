"""The service navigation: which sections each role has."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from imports.actions import feeds_for
from partnership.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool  # exactly this page
    active: bool  # this section


def items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    sections: list[tuple[str, str, str]] = [("Home", reverse("web:home"), "")]
    if user.reads_case_content:
        sections += [
            ("Young people", reverse("people:list"), "/young-people/"),
            ("Records", reverse("records:list"), "/records/"),
            ("Cases", reverse("cases:list"), "/cases/"),
        ]
    if user.role in (Role.MASH_SCREENER, Role.COORDINATOR):
        sections.append(("Referrals", reverse("casework:mash-queue"), "/referrals/"))
    if user.reads_case_content or user.role == Role.STRATEGIC_LEAD:
        sections.append(("MASE", reverse("mase:index"), "/mase/"))
    if feeds_for(user):
        sections.append(("Imports", reverse("imports:start"), "/imports/"))
    if user.role in (Role.MASH_SCREENER, Role.ANALYST, Role.COORDINATOR):
        sections.append(("Data matching", reverse("matching:queue"), "/matching/"))
    if user.role == Role.COMMUNITY_PARTNER:
        sections.append(
            ("Tell us about a concern", reverse("casework:partner-concern"), "/referrals/")
        )
    if user.role in (Role.IG_OFFICER, Role.ADMINISTRATOR):
        sections.append(("Information governance", reverse("governance:index"), "/governance/"))
    elif user.role != Role.COMMUNITY_PARTNER:
        sections.append(("Sharing agreement", reverse("governance:agreement"), "/governance/"))
    path = request.path
    return [
        NavItem(label, url, path == url, path == url or bool(prefix and path.startswith(prefix)))
        for label, url, prefix in sections
    ]
