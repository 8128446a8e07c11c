"""The upload form: which feed, and the file, checked for type and size before anything runs."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from imports.models import Feed
from imports.workbook import BadWorkbook, WorkbookTooLarge, check_archive

MAX_UPLOAD_BYTES = int(getattr(settings, "TESSERA_IMPORT_MAX_BYTES", 500 * 1024 * 1024))


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


class UploadForm(forms.Form):
    feed = forms.ChoiceField(
        label="What is in the file",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is in the file"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=f"A CSV or Excel (.xlsx) file, smaller than {_megabytes(MAX_UPLOAD_BYTES)}.",
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded – try again",
        },
    )

    def __init__(self, *args: object, feeds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["feed"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(feed, Feed(feed).label) for feed in feeds]
        if len(feeds) == 1:
            field.initial = feeds[0]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise forms.ValidationError("The selected file must be a CSV or XLSX")
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {_megabytes(MAX_UPLOAD_BYTES)}"
            )
        upload.seek(0)
        start = upload.read(4096)
        upload.seek(0)
        if suffix == ".xlsx" and not start.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(
                "The selected file is not an Excel workbook – save it as .xlsx and try again"
            )
        if suffix == ".xlsx":
            # From the archive's directory alone, before anything is unpacked or parsed.
            try:
                check_archive(upload)
            except WorkbookTooLarge as error:
                raise forms.ValidationError(str(error), code="too_large_unpacked") from None
            except BadWorkbook:
                raise forms.ValidationError(
                    "The selected file is not an Excel workbook – save it as .xlsx and try again"
                ) from None
            finally:
                upload.seek(0)
        if suffix == ".csv":
            if b"\x00" in start or start.startswith(b"PK\x03\x04"):
                raise forms.ValidationError(
                    "The selected file is not a CSV text file – save it as CSV UTF-8 and try again"
                )
            try:
                start.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                # A multibyte character cut at the 4096th byte is still UTF-8.
                if len(start) < 4096 or error.start < len(start) - 4:
                    raise forms.ValidationError(
                        "The selected file must be saved as CSV UTF-8"
                    ) from None
        return upload
