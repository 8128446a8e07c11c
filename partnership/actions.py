"""Every change to the partnership's configuration: agencies, services and user accounts.

Each action checks the actor's permission, runs in one transaction and writes an audit event.
``actor=None`` is reserved for the system itself (migrations, the demo loader, management
commands run by an operator on the server).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import audit
from governance.models import AuditAction, AuditObject
from notifications.api import notify
from partnership.models import (
    Agency,
    AgencyKind,
    EnrolmentCode,
    Role,
    Service,
    ServiceKind,
    User,
)

ENROLMENT_CODE_LIFETIME = timedelta(days=3)
# No 0/O, 1/I/L: the code is read out or typed from a message.
_ENROLMENT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _require_administrator(actor: User | None) -> None:
    if actor is None:
        return
    if actor.role != Role.ADMINISTRATOR or not actor.is_active:
        raise PermissionDenied("Only a system administrator can change the partnership set-up.")


def do_create_agency(
    *,
    actor: User | None,
    name: str,
    short_name: str,
    kind: AgencyKind | str,
    cse_contact: str = "",
    is_synthetic: bool = False,
) -> Agency:
    _require_administrator(actor)
    kind = AgencyKind(kind)
    with transaction.atomic():
        agency = Agency.objects.create(
            name=name,
            short_name=short_name,
            kind=kind,
            is_statutory=kind not in (AgencyKind.VOLUNTARY_SECTOR, AgencyKind.COMMUNITY_PARTNER),
            cse_contact=cse_contact,
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.AGENCY,
            object_id=agency.pk,
            details={"change": "created", "kind": kind.value},
        )
    return agency


def do_add_service(
    *, actor: User | None, agency: Agency, name: str, kind: ServiceKind | str
) -> Service:
    _require_administrator(actor)
    with transaction.atomic():
        service = Service.objects.create(agency=agency, name=name, kind=ServiceKind(kind))
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.SERVICE,
            object_id=service.pk,
            details={"change": "created", "agency": agency.short_name, "kind": service.kind},
        )
    return service


def do_create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    agency: Agency,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    service: Service | None = None,
    job_title: str = "",
    is_synthetic: bool = False,
    validate: bool = True,
) -> User:
    _require_administrator(actor)
    role = Role(role)
    if role == Role.COMMUNITY_PARTNER and agency.kind != AgencyKind.COMMUNITY_PARTNER:
        raise ValueError("Only a community partner organisation can hold community partner users.")
    if agency.kind == AgencyKind.COMMUNITY_PARTNER and role != Role.COMMUNITY_PARTNER:
        raise ValueError("A community partner organisation's users can only submit concerns.")
    if service is not None and service.agency_id != agency.pk:
        raise ValueError("The service must belong to the user's agency.")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        service=service,
        role=role,
        job_title=job_title,
        is_synthetic=is_synthetic,
    )
    if validate:
        validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"change": "created", "agency": agency.short_name, "role": role.value},
        )
    return user


def do_deactivate_user(*, actor: User | None, user: User, reason: str) -> User:
    """Disabling an account ends its sessions at once: the next request is signed out."""
    _require_administrator(actor)
    if not reason.strip():
        raise ValueError("Give a reason for disabling the account.")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        _end_sessions_of(user)
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.USER,
            object_id=user.pk,
            purpose=reason,
            details={"change": "deactivated"},
        )
    return user


def _end_sessions_of(user: User, except_key: str | None = None) -> int:
    """Delete stored sessions belonging to ``user`` (database session engine), all but
    ``except_key`` when given."""
    ended = 0
    for session in Session.objects.exclude(session_key=except_key or "").iterator():
        data: dict[str, Any] = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def do_change_password(
    *, user: User, new_password: str, keep_session_key: str | None = None
) -> User:
    """A user changes their own password: every other session of theirs ends, and they are told.

    The caller must have checked the current password and a fresh second-factor code."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ended = _end_sessions_of(user, except_key=keep_session_key)
        audit.record(
            AuditAction.UPDATE,
            actor=user,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"change": "password changed", "sessions_ended": ended},
        )
        notify(
            kind="password_changed",  # notifications.kinds.PASSWORD_CHANGED
            message="The password for your Tessera account was changed. If this was not you, "
            "tell your administrator at once.",
            users=[user],
            object_type="user",
            object_id=user.pk,
        )
    return user


def _enrolment_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("tessera.enrolment-code", normalised, algorithm="sha256").hexdigest()


def do_issue_enrolment_code(*, actor: User | None, user: User) -> str:
    """A new one-time code with which ``user`` can set up their first authenticator app.

    Returns the code itself, to be given to the user (only its hash is kept). Any earlier unused
    code of theirs stops working. ``actor=None`` is an operator's command on the server."""
    _require_administrator(actor)
    code = "-".join(
        "".join(secrets.choice(_ENROLMENT_ALPHABET) for _ in range(4)) for _ in range(3)
    )
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        issued = EnrolmentCode.objects.create(
            user=user,
            code_hash=_enrolment_hash(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + ENROLMENT_CODE_LIFETIME,
        )
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"change": "enrolment code issued", "expires": issued.expires_at.isoformat()},
        )
    return code


def usable_enrolment_code(user: User, code: str) -> EnrolmentCode | None:
    """The user's enrolment code matching ``code`` if it is unused and unexpired, else None."""
    return EnrolmentCode.objects.filter(
        user=user,
        code_hash=_enrolment_hash(code),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def new_pending_device(user: User) -> TOTPDevice:
    """A fresh authenticator device awaiting its first code, replacing any earlier unconfirmed
    one (whose secret may have been shown to someone else)."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_device(user: User) -> TOTPDevice:
    """The user's authenticator device awaiting its first code, made if there is none yet."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = new_pending_device(user)
    return device


def do_confirm_device(*, user: User, device: TOTPDevice, code: str, enrolment_code_id: int) -> bool:
    """Confirm a user's first authenticator with the first code it shows, spending the
    enrolment code an administrator issued. False if the code is wrong; PermissionDenied if the
    enrolment code is no longer usable (spent, replaced or expired)."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("This device cannot be confirmed.")
    with transaction.atomic():
        enrolment = (
            EnrolmentCode.objects.select_for_update()
            .filter(
                pk=enrolment_code_id,
                user=user,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if enrolment is None:
            raise PermissionDenied("The enrolment code has been used, replaced or has expired.")
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        enrolment.used_at = timezone.now()
        enrolment.save(update_fields=["used_at"])
        audit.record(
            AuditAction.SECOND_FACTOR_ENROLLED,
            actor=user,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"enrolment_code_issued": enrolment.issued_at.isoformat()},
        )
    return True


def do_replace_device(
    *, user: User, device: TOTPDevice, code: str, keep_session_key: str | None = None
) -> bool:
    """Change to a new authenticator app: confirm it with its first code, then remove every
    other device and end the user's other sessions. False if the code is wrong.

    The caller must have asked for a fresh code from the old device first (kit.fresh)."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("This device cannot be confirmed.")
    with transaction.atomic():
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced, _ = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        ended = _end_sessions_of(user, except_key=keep_session_key)
        audit.record(
            AuditAction.SECOND_FACTOR_ENROLLED,
            actor=user,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"change": "replaced", "devices_removed": replaced, "sessions_ended": ended},
        )
        notify(
            kind="second_factor_changed",
            message="The authenticator app for your Tessera account was changed. If this was "
            "not you, tell your administrator at once.",
            users=[user],
            object_type="user",
            object_id=user.pk,
        )
    return True


def do_enrol_demo_device(*, user: User, key: str) -> TOTPDevice:
    """The synthetic demo's shortcut: a confirmed authenticator with a known key.

    Refused outside demo mode, so it can never give a real account a second factor that
    someone else holds.
    """
    if not settings.TESSERA_DEMO_MODE and not user.is_synthetic:
        raise PermissionDenied("Only synthetic demo accounts are enrolled this way.")
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=key, confirmed=True
        )
        audit.record(
            AuditAction.SECOND_FACTOR_ENROLLED,
            actor=None,
            object_type=AuditObject.USER,
            object_id=user.pk,
            details={"source": "demo generator"},
        )
    return device
