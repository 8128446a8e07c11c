"""Test profile: the real settings with fast password hashing and immediate tasks."""

import os

os.environ.setdefault("TESSERA_ENV", "test")

from tessera.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TESSERA_DEMO_MODE = False
# A failing evaluation of the alert rules fails the test (in use it is logged, never losing the
# record that was saved).
ALERTS_RAISE_ERRORS = True
