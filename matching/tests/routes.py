"""This app's routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"matching:{name}": "matching/tests/test_queue.py"
        for name in ("queue", "review", "links", "undo")
    },
    **{
        f"matching:{name}": "matching/tests/test_thresholds.py"
        for name in ("thresholds", "thresholds-edit")
    },
}
