"""MASE's browser tests use the project's browser fixtures and teardown hook (one headless
Chromium, real sign-in, axe-core), imported so they apply in this folder too."""

from tests.browser.conftest import (  # noqa: F401
    _flushable_audit_log,
    agencies,
    assert_accessible,
    browser,
    make_user,
    page,
    pytest_runtest_teardown,
    sign_in,
)
