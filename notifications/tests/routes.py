"""Notification routes: a person's own notifications, no agency record content."""

ROUTES_OUTSIDE_MATRIX: dict[str, str] = {
    f"notifications:{name}": "notifications/tests/test_pages.py"
    for name in ("list", "read", "read-all")
}
