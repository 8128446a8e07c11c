"""Referral routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    f"referrals:{name}": "referrals/tests/test_referrals.py"
    for name in ("refer", "partner-concern", "receipt", "mash-queue", "screen")
}
