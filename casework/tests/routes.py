"""Casework routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"casework:{name}": "casework/tests/test_referrals.py"
        for name in ("refer", "partner-concern", "receipt", "mash-queue", "screen")
    },
    **{
        f"cases:{name}": "casework/tests/test_case_pages.py"
        for name in (
            "list",
            "detail",
            "my-actions",
            "action",
            "complete-action",
            "cancel-action",
        )
    },
}
