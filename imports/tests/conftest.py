"""Import tests check the import; the matching app's own tests check its linkage.

``imports.actions.do_link_pending_rows`` is replaced by a recorder here, so rows that the import
leaves pending stay pending and each test sees only what the import did.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def matching_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("imports.actions.do_link_pending_rows", calls.append)
    return calls
