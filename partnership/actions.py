"""Every change to the partnership's configuration: agencies, services and user accounts.

Each action checks the actor's permission, runs in one transaction and writes an audit event.
``actor=None`` is reserved for the system itself (migrations, the demo loader, management
commands run by an operator on the server).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import audit
from governance.models import AuditAction, AuditObject
from notifications.api import notify
from notifications.models import NotificationKind
from partnership.models import Agency, AgencyKind, Role, Service, ServiceKind, User


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


def pending_device(user: User) -> TOTPDevice:
    """The user's authenticator device awaiting its first code, made if there is none yet."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def do_confirm_device(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm a new authenticator with the first code it shows. False if the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("This device cannot be confirmed.")
    with transaction.atomic():
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(AuditAction.SECOND_FACTOR_ENROLLED, actor=user)
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
            kind=NotificationKind.SECOND_FACTOR_CHANGED,
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
