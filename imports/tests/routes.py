"""This app's routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    f"imports:{name}": "imports/tests/test_upload_page.py"
    for name in ("start", "batch", "progress", "report")
} | {"imports:match-waiting": "imports/tests/test_waiting_rows.py"}
