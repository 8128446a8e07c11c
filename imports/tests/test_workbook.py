"""A workbook too large unpacked is refused before parsing; a big one is read in bounded memory."""

from __future__ import annotations

import io
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import sign_in_fully
from imports import workbook
from imports.models import BatchStatus, Feed, ImportBatch, ImportedRow
from imports.reader import RowSource
from imports.tests.helpers import attendance, run_import, write_xlsx
from partnership.models import Role

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
MESSAGE = "too large when unpacked"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real workbook with one extra part of 100 MB of blank space: under 1 MB on disk."""
    path = write_xlsx(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", [attendance(upn="")])
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(100):
            part.write(b" " * MB)
    return path


def _spreadsheet_xml(n_strings: int, n_rows: int) -> dict[str, bytes]:
    """A minimal workbook whose shared strings table has ``n_strings`` short strings."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = b"".join(b"<si><t>Pupil %d</t></si>" % i for i in range(n_strings))
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>given_name</t></is></c></row>'
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (n, n, (n * 7919) % n_strings)
        for n in range(2, n_rows + 2)
    )
    return {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode(),
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{office}"><sheets><sheet '
        f'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}">'
        f'<Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{office}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>".encode(),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">'.encode() + strings + b"</sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>'.encode()
        + header
        + rows
        + b"</sheetData></worksheet>",
    }


def _write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_before_parsing_and_imports_nothing(
    agencies, bomb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = Path(shutil.copy(bomb, tmp_path / "bomb.xlsx"))
    assert path.stat().st_size < MB

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("imports.reader.iter_rows", never)
    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])

    assert batch.status == BatchStatus.FAILED
    assert MESSAGE in batch.error
    assert "compressed" in batch.error
    assert not ImportedRow.objects.exists()


def test_the_upload_form_refuses_a_zip_bomb_with_a_clear_message(make_user, bomb: Path):
    browser = Client()
    sign_in_fully(browser, make_user(Role.PRACTITIONER, "school"))
    data = bomb.read_bytes()
    upload = SimpleUploadedFile("attendance.xlsx", data, content_type="application/zip")

    response = browser.post("/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": upload})

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_part_over_the_per_part_limit_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_MEMBER_BYTES", 1 * MB)
    path = _write_zip(tmp_path / "big.xlsx", {"xl/big.xml": b"<x>%s</x>" % (b"ab" * MB)})
    with pytest.raises(workbook.WorkbookTooLarge, match="one part unpacks to 2 MB, more than 1 MB"):
        workbook.check_archive(path)


def test_parts_over_the_total_limit_are_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_TOTAL_BYTES", 3 * MB)
    parts = {f"xl/part{i}.xml": b"x" * MB for i in range(4)}
    with pytest.raises(workbook.WorkbookTooLarge, match="more than 3 MB in all"):
        workbook.check_archive(_write_zip(tmp_path / "many.xlsx", parts))


def test_a_normal_workbook_passes_the_check_and_imports(agencies, tmp_path: Path):
    path = write_xlsx(tmp_path / "a.xlsx", [attendance(upn=""), attendance(upn="", session="PM")])
    workbook.check_archive(path)
    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])
    assert (batch.status, batch.rows_accepted) == (BatchStatus.DONE, 2)


def test_a_file_that_is_not_a_zip_is_refused_as_not_a_workbook():
    with pytest.raises(workbook.BadWorkbook):
        workbook.check_archive(io.BytesIO(b"given_name,family_name\n"))


def test_a_large_shared_strings_table_is_read_in_bounded_memory(tmp_path: Path):
    # 150,000 shared strings: openpyxl's read-only mode held over 20 MB for them.
    path = _write_zip(tmp_path / "strings.xlsx", _spreadsheet_xml(150_000, 10_000))
    source = RowSource(path, "xlsx")

    tracemalloc.start()
    try:
        seen = [(number, row["given_name"]) for number, row in source if number % 5000 == 0]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert seen[0] == (5000, f"Pupil {(5000 * 7919) % 150_000}")
    assert len(seen) == 2
    assert source.fraction == 1.0
    assert peak < 6 * MB, f"peak {peak / MB:.1f} MB"
