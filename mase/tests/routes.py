"""This app's routes that show no agency record content, each with the test that covers it.

MASE pages show agenda items about young people, but every item goes back through the gate for
the viewer (``mase.volt.agenda_for``); the tests named here drive the allowed and refused paths.
"""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    **{
        f"mase:{name}": "mase/tests/test_meetings.py"
        for name in (
            "index",
            "schedule",
            "meeting",
            "meeting-status",
            "attendance",
            "prepare",
            "add-item",
            "item",
            "move-item",
            "remove-item",
        )
    },
    **{
        f"mase:{name}": "mase/tests/test_partnership_picture.py"
        for name in ("attendance-report", "activity", "record-activity")
    },
    **{
        f"mase:{name}": "mase/tests/test_disruption.py"
        for name in (
            "disruption-plans",
            "new-disruption-plan",
            "disruption-plan",
            "disruption-outcome",
        )
    },
}
