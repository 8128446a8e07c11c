"""The service navigation: a section shows when the permission policy lets the user open it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from governance.permissions import Capability, may
from imports.actions import feeds_for
from intelligence import gate as intelligence_gate
from partnership.models import User


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
    if may(user, Capability.READ_CASE_CONTENT):
        sections += [
            ("Young people", reverse("people:list"), "/young-people/"),
            ("Records", reverse("records:list"), "/records/"),
            ("Cases", reverse("cases:list"), "/cases/"),
        ]
    if may(user, Capability.SEE_ALERTS):
        sections.append(("Alerts", reverse("alerts:queue"), "/alerts/"))
    if may(user, Capability.SEE_SCREENING_QUEUE):
        sections.append(("Referrals", reverse("referrals:mash-queue"), "/referrals/"))
    if may(user, Capability.SEE_PARTNERSHIP_PICTURE):
        sections.append(("MASE", reverse("mase:index"), "/mase/"))
    if feeds_for(user):
        sections.append(("Imports", reverse("imports:start"), "/imports/"))
    if intelligence_gate.may_record(user) or may(user, Capability.ANALYSE_INTELLIGENCE):
        sections.append(("Intelligence", reverse("intelligence:index"), "/intelligence/"))
    if may(user, Capability.REVIEW_MATCHES):
        sections.append(("Data matching", reverse("matching:queue"), "/matching/"))
    if may(user, Capability.SUBMIT_PARTNER_CONCERN):
        sections.append(
            ("Tell us about a concern", reverse("referrals:partner-concern"), "/referrals/")
        )
    if may(user, Capability.USE_GOVERNANCE_INDEX):
        sections.append(("Information governance", reverse("governance:index"), "/governance/"))
    elif may(user, Capability.READ_SHARING_AGREEMENT):
        sections.append(("Sharing agreement", reverse("governance:agreement"), "/governance/"))
    path = request.path
    return [
        NavItem(label, url, path == url, path == url or bool(prefix and path.startswith(prefix)))
        for label, url, prefix in sections
    ]
