"""The upload page, the batch page with its progress panel, and the validation report download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import sign_in_fully
from governance.models import AuditEvent
from imports.models import BatchStatus, Feed, ImportBatch, ImportedRow
from imports.tests.helpers import UPN, attendance
from partnership.models import Role, ServiceKind

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


def _csv_upload(rows: list[dict[str, str]], name: str = "attendance.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def _client_for(user) -> Client:
    client = Client()
    sign_in_fully(client, user)
    return client


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ANALYST, Role.MASH_SCREENER])
def test_a_school_user_imports_attendance_and_sees_the_report(role, make_user):
    user = make_user(role, "school")
    client = _client_for(user)
    assert client.get("/imports/").status_code == 200
    upload = _csv_upload([attendance(upn=""), attendance(upn="", code="??", session="PM")])

    response = client.post("/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": upload})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{batch.pk}/"
    assert (batch.status, batch.user, batch.agency) == (BatchStatus.DONE, user, user.agency)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Done" in page
    assert "<progress" in page
    assert "must be one of the documented list" in page
    download = client.get(f"/imports/{batch.pk}/report.csv")
    report = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    lines = list(csv.reader(io.StringIO(report)))
    assert lines[0] == ["row", "field", "problem", "outcome"]
    assert lines[1] == ["3", "code", "must be one of the documented list; got '??'", "Row rejected"]
    assert AuditEvent.objects.filter(
        object_type="import_batch", action="create", actor_id=user.pk, actor_agency="EDU"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="import_batch", action="export", object_id=str(batch.pk)
    ).exists()


def test_the_progress_panel_polls_while_running_and_stops_when_done(make_user):
    user = make_user(Role.PRACTITIONER, "school")
    client = _client_for(user)
    client.post("/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance()])})
    batch = ImportBatch.objects.get()
    done = client.get(f"/imports/{batch.pk}/progress/").content.decode()
    assert "hx-get" not in done
    assert 'value="100"' in done
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, progress=40)
    running = client.get(f"/imports/{batch.pk}/progress/").content.decode()
    assert f'hx-get="/imports/{batch.pk}/progress/"' in running
    assert 'hx-trigger="every 2s"' in running
    assert "40% done" in running


def test_an_xlsx_upload_is_accepted(make_user):
    client = _client_for(make_user(Role.ANALYST, "school"))
    upload = SimpleUploadedFile(
        "attendance.xlsx", (EXAMPLES / "school-attendance.xlsx").read_bytes()
    )
    client.post("/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert batch.rows_accepted == ImportedRow.objects.count() > 0


def test_uploading_the_same_file_again_adds_nothing_and_says_so(make_user):
    client = _client_for(make_user(Role.PRACTITIONER, "school"))
    content = (EXAMPLES / "school-attendance.csv").read_bytes()
    for _ in range(2):
        response = client.post(
            "/imports/",
            {"feed": Feed.SCHOOL_ATTENDANCE, "file": SimpleUploadedFile("a.csv", content)},
            follow=True,
        )
    assert "already been imported" in response.content.decode()
    assert ImportBatch.objects.count() == 1
    assert ImportedRow.objects.count() == content.count(b"\n") - 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"given_name\nKayla\n", "The selected file must be a CSV or XLSX"),
        ("fake.xlsx", b"given_name,family_name\n", "is not an Excel workbook"),
        ("binary.csv", b"\x00\x01\x02" * 10, "is not a CSV text file"),
        ("latin1.csv", "given_name\nZoë\n".encode("latin-1"), "must be saved as CSV UTF-8"),
        ("empty.csv", b"", "The selected file is empty"),
    ],
)
def test_the_page_refuses_a_wrong_file_with_a_clear_message(name, content, message, make_user):
    client = _client_for(make_user(Role.PRACTITIONER, "school"))
    response = client.post(
        "/imports/",
        {"feed": Feed.SCHOOL_ATTENDANCE, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_page_refuses_a_file_over_the_size_limit(make_user, monkeypatch):
    monkeypatch.setattr("imports.forms.MAX_UPLOAD_BYTES", 1024 * 1024)
    client = _client_for(make_user(Role.PRACTITIONER, "school"))
    big = SimpleUploadedFile("big.csv", b"given_name\n" + b"Kayla\n" * 200_000)
    response = client.post("/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": big})
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_police_user_cannot_import_the_school_feed(make_user):
    client = _client_for(make_user(Role.PRACTITIONER, "police"))
    response = client.post(
        "/imports/",
        {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance()])},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("role", "agency", "service"),
    [
        (Role.COORDINATOR, "school", None),
        (Role.IG_OFFICER, "school", None),
        (Role.STRATEGIC_LEAD, "school", None),
        (Role.ADMINISTRATOR, "council", None),
        (Role.COMMUNITY_PARTNER, "hotel", None),
    ],
)
def test_people_who_may_not_import_find_no_page(role, agency, service, make_user):
    client = _client_for(make_user(role, agency))
    assert client.get("/imports/").status_code == 404
    response = client.post(
        "/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance()])}
    )
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("agency", ["charity", "housing"])
def test_a_community_agency_may_import_concerns_and_nothing_else(agency, make_user):
    client = _client_for(make_user(Role.PRACTITIONER, agency))
    page = client.get("/imports/")
    assert page.status_code == 200
    assert 'value="concerns"' in page.content.decode()
    assert 'value="school_attendance"' not in page.content.decode()
    response = client.post(
        "/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance()])}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_agency_cannot_see_a_batch_or_its_report(make_user):
    importer = _client_for(make_user(Role.PRACTITIONER, "school"))
    importer.post(
        "/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance()])}
    )
    batch = ImportBatch.objects.get()
    for outsider in (
        make_user(Role.PRACTITIONER, "police"),
        make_user(Role.PRACTITIONER, "health", service=ServiceKind.SCHOOL_NURSING),
        make_user(Role.COORDINATOR, "school"),
    ):
        client = _client_for(outsider)
        for url in (f"/imports/{batch.pk}/", f"/imports/{batch.pk}/progress/"):
            assert client.get(url).status_code == 404
        assert client.get(f"/imports/{batch.pk}/report.csv").status_code == 404
    assert (
        AuditEvent.objects.filter(
            object_type="import_batch", outcome="refused", object_id=str(batch.pk)
        ).count()
        == 9
    )


def test_a_health_user_of_the_same_agency_kind_sees_their_own_recent_imports(make_user):
    user = make_user(Role.PRACTITIONER, "health")
    client = _client_for(user)
    upload = SimpleUploadedFile("health.csv", (EXAMPLES / "health-attendances.csv").read_bytes())
    client.post("/imports/", {"feed": Feed.HEALTH_ATTENDANCE, "file": upload})
    page = client.get("/imports/").content.decode()
    assert "health.csv" in page
    assert "Health attendances" in page


def _matching_section(page: str) -> str:
    return page.split("Matching to young people</h2>")[1].split("Validation report</h2>")[0]


def test_the_batch_page_says_what_matching_made_of_the_rows_and_leads_a_reviewer_on(make_user):
    from imports.models import LinkedHow, MatchStatus
    from records.tests.helpers import young_person

    pupil = young_person("Kayla", "Synthetic-Testperson")
    pupil.upn = UPN
    pupil.save()
    screener = make_user(Role.MASH_SCREENER, "school")
    client = _client_for(screener)
    others = [attendance(upn="", given_name=f"Pupil{n}", session="PM") for n in range(3)]
    client.post(
        "/imports/",
        {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance(), *others])},
    )
    batch = ImportBatch.objects.get()
    # Matching is replaced by a recorder in these tests: set what it would have decided.
    pending = list(batch.rows.filter(match_status=MatchStatus.PENDING).order_by("pk"))
    assert len(pending) == 3
    ImportedRow.objects.filter(pk=pending[0].pk).update(match_status=MatchStatus.IN_REVIEW)
    ImportedRow.objects.filter(pk=pending[1].pk).update(
        match_status=MatchStatus.LINKED, linked_how=LinkedHow.PROBABILISTIC, young_person=pupil
    )
    ImportedRow.objects.filter(pk=pending[2].pk).update(match_status=MatchStatus.NEW_PERSON)

    section = _matching_section(client.get(f"/imports/{batch.pk}/").content.decode())

    def count(label: str) -> str:
        return section.split(label + "</dt>")[1].split("</dd>")[0].rsplit(">", 1)[1]

    assert count("Linked by UPN or NHS number") == "1"
    assert count("Linked automatically (probabilistic match)") == "1"
    assert count("Waiting in the clerical review queue") == "1"
    assert count("New young people created") == "1"
    assert count("Linked after clerical review") == "0"
    assert 'href="/matching/review/"' in section
    assert f'href="/matching/links/?batch={batch.pk}"' in section


def test_a_practitioner_sees_the_matching_counts_without_links_to_review(make_user):
    practitioner = make_user(Role.PRACTITIONER, "school")
    client = _client_for(practitioner)
    client.post(
        "/imports/", {"feed": Feed.SCHOOL_ATTENDANCE, "file": _csv_upload([attendance(upn="")])}
    )
    batch = ImportBatch.objects.get()
    section = _matching_section(client.get(f"/imports/{batch.pk}/").content.decode())
    assert "Not matched yet" in section
    assert "/matching/" not in section
