"""The operations guide names the environment variables the code reads, and tells how dumps are
protected: an operator following it sets the real secret key and never keeps a plain dump."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
GUIDE = (BASE / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
SETTINGS = (BASE / "tessera" / "settings.py").read_text(encoding="utf-8")


def _read_by_settings() -> set[str]:
    return set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS))


def _python_sources() -> str:
    """The project's own Python, tests left out (they may name a variable to refuse it)."""
    skipped = {".venv", "node_modules", "var", "staticfiles", "tests", ".git"}
    texts = []
    for folder, subfolders, files in os.walk(BASE):
        subfolders[:] = [name for name in subfolders if name not in skipped]
        texts += [
            (Path(folder) / name).read_text(encoding="utf-8")
            for name in files
            if name.endswith(".py")
        ]
    return "\n".join(texts)


def test_every_tessera_or_django_variable_in_the_guide_is_read_by_the_code():
    named = set(re.findall(r"`((?:TESSERA|DJANGO)_[A-Z0-9_]+)`", GUIDE))
    sources = _python_sources()
    unread = sorted(name for name in named if f'"{name}"' not in sources)
    assert not unread, f"docs/OPERATIONS.md names variables the code never reads: {unread}"


def test_every_variable_the_settings_read_is_in_the_guide():
    missing = sorted(name for name in _read_by_settings() if f"`{name}`" not in GUIDE)
    assert not missing, f"docs/OPERATIONS.md does not document: {missing}"


def test_the_secret_key_the_guide_names_is_the_one_production_demands():
    assert "DJANGO_SECRET_KEY" in _read_by_settings()
    assert "TESSERA_SECRET_KEY" not in GUIDE


def test_the_guide_says_how_dumps_are_encrypted_and_restored():
    backups = GUIDE[GUIDE.index("## Backups") :].split("\n## ", 1)[0]
    assert "pg_dump --format=custom" in backups
    assert "gpg --batch --encrypt --recipient" in backups  # encrypted in the dump's pipeline
    assert "gpg --batch --decrypt" in backups
    assert "| pg_restore" in backups  # decrypted straight into the restore
    assert "off the server" in backups  # the private key is not where the dumps are
    assert "umask 077" in backups
