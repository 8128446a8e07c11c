"""The kinds of notification, and the neutral subject line each is emailed under.

An email leaves the secure system, so its subject says what kind of thing happened and never to
whom: no names, no case details. Kinds not listed here are emailed under ``DEFAULT_SUBJECT``.
"""

from __future__ import annotations

ACTION_ASSIGNED = "action_assigned"
ACTION_OVERDUE = "action_overdue"
CASE_CHANGED = "case_changed"
CASE_LEAD = "case_lead"
CASE_MEMBER = "case_member"
CASE_REVIEW_OVERDUE = "case_review_overdue"
REFERRAL_OVERDUE = "referral_overdue"
BREAK_GLASS = "break_glass"
SECOND_FACTOR_CHANGED = "second_factor_changed"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a notification kind, not a password

SUBJECTS: dict[str, str] = {
    ACTION_ASSIGNED: "Tessera: you have a new action",
    ACTION_OVERDUE: "Tessera: an action is overdue",
    CASE_CHANGED: "Tessera: a case you are on has changed",
    CASE_LEAD: "Tessera: you are the lead professional on a case",
    CASE_MEMBER: "Tessera: you have been added to a case team",
    CASE_REVIEW_OVERDUE: "Tessera: a case review is overdue",
    REFERRAL_OVERDUE: "Tessera: a referral has passed its 24-hour screening clock",
    BREAK_GLASS: "Tessera: break-glass access touched your agency's records",
    SECOND_FACTOR_CHANGED: "Tessera: the authenticator app for your account was changed",
    PASSWORD_CHANGED: "Tessera: the password for your account was changed",
}
DEFAULT_SUBJECT = "Tessera: you have a new notification"


def subject_for(kind: str) -> str:
    return SUBJECTS.get(kind, DEFAULT_SUBJECT)
