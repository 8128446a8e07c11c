"""The partnership secret: refused in production when short, and the mode off without one."""

from __future__ import annotations

import pytest
from django.test import override_settings

from pprl import linkage
from web.tests.test_configuration import _manage


def test_production_refuses_a_short_partnership_secret():
    result = _manage("check", TESSERA_PPRL_SECRET="too-short")
    assert result.returncode != 0
    assert "TESSERA_PPRL_SECRET must be at least 32 characters" in result.stderr


@override_settings(PPRL_SECRET="")
@pytest.mark.django_db
def test_without_a_secret_the_mode_is_off_and_says_so(make_user, signed_in):
    assert linkage.partnership_settings() is None
    page = signed_in(make_user()).get("/privacy-preserving/")
    assert page.status_code == 200
    assert "not set up in this partnership" in page.content.decode()
