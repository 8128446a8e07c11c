"""Error pages render even when the static files were not collected.

In production the manifest storage refuses every ``{% static %}`` it has no entry for, so a
missing or stale ``collectstatic`` turned the 500 page into a second error. The handlers send a
plain page with the same words instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from web import errors

MISSING_MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@pytest.fixture
def uncollected(tmp_path: Path):
    """Production's kind of storage over an empty STATIC_ROOT: no manifest, no files."""
    with override_settings(STORAGES=MISSING_MANIFEST, STATIC_ROOT=tmp_path / "staticfiles"):
        yield


def test_the_500_page_renders_when_static_files_were_not_collected(uncollected, rf):
    response = errors.server_error(rf.get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with Tessera" in page
    assert "No information has been shown or changed" in page
    assert "call the police on 999" in page
    assert "/static/" not in page  # nothing that depends on the missing files


def test_the_404_page_renders_when_static_files_were_not_collected(uncollected, rf):
    response = errors.not_found(rf.get("/nowhere/"))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_the_edge_refusal_renders_when_static_files_were_not_collected(uncollected):
    response = Client().get("/young-people/", {"q": "\x00"})

    assert response.status_code == 400
    assert "Sorry, Tessera could not read that" in response.content.decode()


def test_with_static_files_the_500_page_keeps_its_styles(rf):
    page = errors.server_error(rf.get("/")).content.decode()

    assert "build/tessera.css" in page
    assert "call the police on 999" in page
