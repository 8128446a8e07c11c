"""Second-factor enrolment goes through actions; the demo shortcut cannot reach a real account."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.actions import do_enrol_demo_device


def test_the_demo_shortcut_is_refused_for_a_real_account_outside_the_demo(make_user, settings):
    settings.TESSERA_DEMO_MODE = False
    user = make_user(with_device=False)
    with pytest.raises(PermissionDenied):
        do_enrol_demo_device(user=user, key="00" * 20)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_demo_shortcut_enrols_a_synthetic_account(make_user, settings):
    settings.TESSERA_DEMO_MODE = False
    user = make_user(with_device=False)
    user.is_synthetic = True
    user.save()
    device = do_enrol_demo_device(user=user, key="00" * 20)
    assert device.confirmed
