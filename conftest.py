"""Shared fixtures: a small partnership with one user per role, and signed-in clients."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.actions import do_create_agency, do_create_user
from partnership.models import Agency, AgencyKind, Role, Service, ServiceKind, User


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest
) -> None:
    """The browser pass (``-m browser``) tests on SQLite in a file, not in memory.

    A browser test's live server, and the demo's background worker beside it, reach the database
    from threads of their own. In-memory SQLite shares one cache between them, whose table locks
    do not wait; a file in WAL mode with a busy timeout (the settings' own) lets them take turns
    as the demo's processes do."""
    database = settings.DATABASES["default"]
    if request.config.option.markexpr.strip() != "browser":
        return
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    folder = Path(tempfile.mkdtemp(prefix="tessera-browser-tests-"))
    database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


PASSWORD = "correct-horse-battery-staple"


def current_code(device: TOTPDevice, steps_ago: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ago`` 30-second steps earlier)."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 + steps_ago * device.step,
        digits=device.digits,
    )
    return f"{value:0{device.digits}d}"


@pytest.fixture
def agencies(db) -> dict[str, Agency]:
    made = {
        "police": ("Testshire Police", "POL", AgencyKind.POLICE),
        "csc": ("Testshire Children's Social Care", "CSC", AgencyKind.CHILDRENS_SOCIAL_CARE),
        "health": ("Testshire Health", "HLT", AgencyKind.HEALTH),
        "school": ("Testshire Education", "EDU", AgencyKind.EDUCATION),
        "charity": ("Testshire Youth Charity", "VOL", AgencyKind.VOLUNTARY_SECTOR),
        "hotel": ("Testshire Hotel", "HTL", AgencyKind.COMMUNITY_PARTNER),
        "council": ("Testshire Council IT", "ICT", AgencyKind.ADULT_SERVICES),
        "yot": ("Testshire Youth Offending Service", "YOT", AgencyKind.YOUTH_OFFENDING),
        "housing": ("Testshire Housing", "HSG", AgencyKind.HOUSING),
        "probation": ("Testshire Probation", "PRB", AgencyKind.PROBATION),
    }
    return {
        key: do_create_agency(actor=None, name=name, short_name=short, kind=kind)
        for key, (name, short, kind) in made.items()
    }


@pytest.fixture
def make_user(agencies) -> Callable[..., User]:
    def make(
        role: Role = Role.PRACTITIONER,
        agency: str = "school",
        username: str | None = None,
        with_device: bool = True,
        service: ServiceKind | None = None,
    ) -> User:
        name = username or f"{agency}.{role.value}" + (f".{service.value}" if service else "")
        service_row = None
        if service is not None:
            service_row, _ = Service.objects.get_or_create(
                agency=agencies[agency], name=service.label, defaults={"kind": service}
            )
        user = do_create_user(
            actor=None,
            username=name,
            password=PASSWORD,
            agency=agencies[agency],
            role=role,
            first_name="Test",
            last_name=role.label,
            service=service_row,
            validate=False,
        )
        if with_device:
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        return user

    return make


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def sign_in_with_password(client: Client, user: User) -> None:
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def sign_in_fully(client: Client, user: User) -> None:
    sign_in_with_password(client, user)
    response = client.post("/sign-in/code/", {"code": current_code(device_of(user))})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/"


@pytest.fixture
def signed_in(client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        sign_in_fully(client, user)
        return client

    return sign_in
