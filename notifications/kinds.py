"""The neutral subject line each kind of notification is emailed under.

An email leaves the secure system, so its subject says what kind of thing happened and never to
whom: no names, no case details. The kinds themselves are
:class:`notifications.models.NotificationKind`.
"""

from __future__ import annotations

from notifications.models import NotificationKind

SUBJECTS: dict[NotificationKind, str] = {
    NotificationKind.ACTION_ASSIGNED: "Tessera: you have a new action",
    NotificationKind.ACTION_OVERDUE: "Tessera: an action is overdue",
    NotificationKind.CASE_CHANGED: "Tessera: a case you are on has changed",
    NotificationKind.CASE_LEAD: "Tessera: you are the lead professional on a case",
    NotificationKind.CASE_MEMBER: "Tessera: you have been added to a case team",
    NotificationKind.CASE_REVIEW_OVERDUE: "Tessera: a case review is overdue",
    NotificationKind.REFERRAL_OVERDUE: "Tessera: a referral has passed its 24-hour screening clock",
    NotificationKind.BREAK_GLASS: "Tessera: break-glass access touched your agency's records",
    NotificationKind.SECOND_FACTOR_CHANGED: (
        "Tessera: the authenticator app for your account was changed"
    ),
    NotificationKind.DISCLOSURE_REQUEST: "Tessera: an agency asks you to decide on a disclosure",
    NotificationKind.DISCLOSURE_DECISION: "Tessera: a disclosure you asked for has been decided",
    NotificationKind.CHRONOLOGY_EXPORTED: (
        "Tessera: a chronology with your agency's records was exported"
    ),
    NotificationKind.PASSWORD_CHANGED: "Tessera: the password for your account was changed",
}


def subject_for(kind: str) -> str:
    try:
        return SUBJECTS[NotificationKind(kind)]
    except ValueError:
        # A row written before its kind was retired: still emailed, under a neutral subject.
        return "Tessera: you have a new notification"
