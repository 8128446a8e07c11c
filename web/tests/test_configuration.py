"""Production settings are safe and refuse the demo's conveniences."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "TESSERA_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "production-test-key-with-plenty-of-entropy-7f3a9",
    "TESSERA_AUDIT_KEY": "audit-key-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "tessera.example.org",
    "DATABASE_URL": "postgres://tessera@127.0.0.1:5432/tessera",
}


def _manage(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TESSERA_", "DJANGO_"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="tessera.settings", **extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_demo_mode():
    result = _manage("check", TESSERA_DEMO_MODE="true")
    assert result.returncode != 0
    assert "TESSERA_DEMO_MODE cannot be switched on in production" in result.stderr


def test_production_refuses_to_start_without_its_secret_key():
    env_without_key = {"DJANGO_SECRET_KEY": ""}
    result = _manage("check", **env_without_key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_bad_boolean_is_refused_with_its_name():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from tessera.env import Env

    with pytest.raises(ImproperlyConfigured, match="TESSERA_DEMO_MODE"):
        Env({"TESSERA_DEMO_MODE": "perhaps"}).boolean("TESSERA_DEMO_MODE", False)


def test_production_refuses_sqlite():
    result = _manage("check", DATABASE_URL="sqlite:////tmp/tessera-prod.sqlite3")
    assert result.returncode != 0
    assert "Production runs on PostgreSQL" in result.stderr


def test_production_refuses_a_short_audit_key():
    result = _manage("check", TESSERA_AUDIT_KEY="short")
    assert result.returncode != 0
    assert "TESSERA_AUDIT_KEY" in result.stderr


def test_without_tessera_env_it_refuses_to_start_and_says_what_to_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TESSERA_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the environment variable TESSERA_ENV: production for a real deployment" in (
        result.stderr
    )


def test_every_manage_py_command_in_the_makefile_names_its_environment():
    lines = [line for line in (ROOT / "Makefile").read_text().splitlines() if "manage.py" in line]
    assert lines
    assert all("TESSERA_ENV=" in line for line in lines), lines
