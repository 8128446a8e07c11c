"""This app's routes, each with the test that covers it.

Assessments are read through the gate (``governance.policy.assessment_level``); the assessment
pages are driven for every role, own or other agency, relationship or not, by their own matrix
in ``assessment/tests/test_assessment_matrix.py``. The tool's own pages show no case content."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"assessment:{name}": "assessment/tests/test_assessment_matrix.py"
        for name in ("history", "new", "detail")
    },
    **{
        f"assessment:{name}": "assessment/tests/test_pages.py"
        for name in ("due", "tool", "tool-edit")
    },
}
