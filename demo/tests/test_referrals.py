"""The demo gives the MASH screener and the coordinator a live queue."""

from __future__ import annotations

import pytest

from demo.eastbrook import Generator
from referrals.models import Referral, ReferralSource, ReferralStatus


@pytest.fixture
def town(db):
    return Generator(seed=2017, size="tiny").run()


def test_the_demo_has_open_referrals_with_one_past_the_clock(town):
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_SCREENING)
    assert waiting.count() >= 3
    assert sum(referral.is_overdue for referral in waiting) == 1


def test_two_demo_referrals_are_already_screened(town):
    # (The cases step screens three more, as single-agency support: see demo/cases.py.)
    screened = Referral.objects.filter(status=ReferralStatus.SCREENED)
    assert screened.filter(screening__decision="strategy_discussion").count() == 2


def test_community_partners_concerns_await_identification(town):
    partner = Referral.objects.filter(source=ReferralSource.COMMUNITY_PARTNER)
    assert partner.count() == 2
    assert all(referral.young_person is None for referral in partner)


def test_every_demo_referral_is_marked_synthetic(town):
    assert not Referral.objects.filter(is_synthetic=False).exists()
