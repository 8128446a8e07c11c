"""This app's routes that show no agency record content, each with the test that covers it."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    f"pprl:{name}": "pprl/tests/test_disclosure.py"
    for name in ("submissions", "submission", "request", "requests", "decide")
}
