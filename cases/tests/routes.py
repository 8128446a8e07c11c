"""Case routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"cases:{name}": "cases/tests/test_case_pages.py"
        for name in (
            "list",
            "detail",
            "add-member",
            "remove-member",
            "change-lead",
            "add-action",
            "review",
            "views",
            "close",
            "reopen",
            "transition",
            "my-actions",
            "action",
            "complete-action",
            "cancel-action",
        )
    },
    **{
        f"cases:{name}": "cases/tests/test_outcomes.py"
        for name in (
            "without-outcome",
            "referral",
            "referral-action",
            "referral-no-action",
            "strategy-from-referral",
            "strategy-for-case",
            "open-from-referral",
            "strategy",
            "pathways",
            "remove-pathway",
        )
    },
}
