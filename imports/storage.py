"""Where uploaded import files wait for their job: a private folder under ``VAR_DIR``.

The upload is copied there in 1 MB pieces while its SHA-256 is computed, so neither the page
nor the job ever holds a whole file in memory. The copy is deleted when the import finishes or
fails for good; a stopped job finds it again to resume.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def upload_dir() -> Path:
    folder = Path(getattr(settings, "TESSERA_IMPORTS_DIR", Path(settings.VAR_DIR) / "imports"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def is_upload(path: Path) -> bool:
    try:
        return path.resolve().parent == upload_dir().resolve()
    except OSError:
        return False


def keep_upload(upload: UploadedFile) -> tuple[Path, str, int]:
    """Copy an upload to the imports folder. Returns (path, sha256, size)."""
    suffix = Path(upload.name or "").suffix.lower()
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for piece in upload.chunks(1024 * 1024):
            digest.update(piece)
            size += len(piece)
            handle.write(piece)
    return path, digest.hexdigest(), size
