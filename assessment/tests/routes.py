"""This app's routes that show no agency record content, each with the test that covers it.

Assessments are gated by ``assessment.queries.may_see`` (built on the gate's ``Viewer``), and
their own tests drive the allowed and refused paths for each role."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    f"assessment:{name}": "assessment/tests/test_pages.py"
    for name in ("history", "new", "detail", "due", "tool", "tool-edit")
}
