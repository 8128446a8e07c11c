"""The generator's own tests check the data the generator writes itself.

The demo's imports step (``demo.imports``) adds, through the real import job, records dated in
the last weeks, identities recorded now and a few young people met for the first time: true to
a live partnership, but outside what these tests pin down (every record before the reference
date, exactly ``SIZES[size]`` young people, byte-identical runs). So here the step is left out,
except in ``test_demo_imports.py``, which tests it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _generator_without_imports(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    if request.node.path.name != "test_demo_imports.py":
        monkeypatch.setattr("demo.imports.generate", lambda gen: None)
