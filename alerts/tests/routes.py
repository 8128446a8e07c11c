"""This app's routes that show no agency record content, each with the test that covers it.

An alert's page lists its evidence, but every record goes back through the gate for the viewer
(``alerts.queries.views_of`` decides each with ``policy.level_of``); the tests named here drive
the levels and the allowed and refused paths.
"""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"alerts:{name}": "alerts/tests/test_triage.py"
        for name in (
            "queue",
            "alert",
            "accept-referral",
            "accept-waiting-referral",
            "accept-action",
            "dismiss",
            "merge",
        )
    },
    **{
        f"alerts:{name}": "alerts/tests/test_rules_and_benign_values.py"
        for name in (
            "rules",
            "rule",
            "rule-parameters",
            "rule-switch",
            "benign-values",
            "add-benign-value",
            "remove-benign-value",
            "replays",
            "replay",
            "replay-csv",
        )
    },
}
