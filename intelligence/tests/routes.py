"""This app's routes, each with the test that covers it. Intelligence reports are not agency
records: ``intelligence.gate`` decides their level, and the tests named here drive every page
as the owner, another force, an agency it was shared with, a school and an administrator."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"intelligence:{name}": "intelligence/tests/test_pages.py"
        for name in (
            "index",
            "new",
            "report",
            "suggestion",
            "export",
            "find",
            "entity",
            "add-link",
            "new-person",
            "add-alias",
            "resolve",
            "reverse-judgement",
        )
    },
}
