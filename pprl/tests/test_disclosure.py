"""An agency learns only that another agency holds records; disclosure is a sharing decision.

Synthetic young people only."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from conftest import sign_in_fully
from governance.models import AuditAction, AuditEvent, SharingDecision
from imports.storage import upload_dir
from notifications.models import Notification
from partnership.models import Role, User
from people.models import YoungPerson
from pprl import linkage
from pprl.actions import do_queue_encodings, run_comparison
from pprl.encoding import Settings
from pprl.models import DisclosureRequest, DisclosureStatus, EncodingSubmission, LinkNotice
from records.tests.helpers import record

IDENTITIES = (
    "reference,given_name,family_name,date_of_birth,sex,postcode\n"
    # The young person the police know, with a typo in the family name.
    "SCH-001,Kiera,Blackwel,2010-06-14,female,EB4 7QT\n"
    # Nobody anyone else knows.
    "SCH-002,Tomasz,Wrenfield,2011-02-01,male,EB2 1AA\n"
)


_CLIENTS: dict[int, Client] = {}


@pytest.fixture(autouse=True)
def _fresh_clients():
    _CLIENTS.clear()
    yield
    _CLIENTS.clear()


def _client(user: User) -> Client:
    """One signed-in client per user per test: a second-factor code cannot be used twice."""
    if user.pk not in _CLIENTS:
        client = Client()
        sign_in_fully(client, user)
        _CLIENTS[user.pk] = client
    return _CLIENTS[user.pk]


def _encodings(text: str = IDENTITIES, settings: Settings | None = None) -> SimpleUploadedFile:
    settings = settings or linkage.partnership_settings()
    assert settings is not None
    out = io.StringIO()
    linkage.write_encodings(out, settings, linkage.read_identities(io.StringIO(text)))
    return SimpleUploadedFile("pupils.csv", out.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def kiera(make_user) -> YoungPerson:
    """A young person the police hold a record on."""
    person = YoungPerson.objects.create(
        given_name="Kiera",
        family_name="Blackwell",
        date_of_birth=date(2010, 6, 14),
        gender="female",
        postcode="EB4 7QT",
        is_synthetic=True,
    )
    record(make_user(Role.PRACTITIONER, "police", username="police.recorder"), person)
    return person


@pytest.fixture
def school_dsl(make_user) -> User:
    return make_user(Role.PRACTITIONER, "school")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.TESSERA_IMPORTS_DIR = tmp_path / "uploads"


@pytest.fixture
def police_coordinator(make_user) -> User:
    return make_user(Role.COORDINATOR, "police")


def _submit(user: User, upload: SimpleUploadedFile | None = None):
    return _client(user).post("/privacy-preserving/", {"file": upload or _encodings()})


def test_the_school_learns_only_that_another_agency_holds_records(school_dsl, kiera):
    response = _submit(school_dsl)
    assert response.status_code == 302
    submission = EncodingSubmission.objects.get()
    assert (submission.rows_compared, submission.notices_given) == (2, 1)
    page = _client(school_dsl).get(f"/privacy-preserving/files/{submission.pk}/")
    content = page.content.decode()
    assert "SCH-001" in content
    assert "Another agency holds records on this young person" in content
    assert "Request disclosure" in content
    assert "SCH-002" not in content  # no match, no notice
    for secret in ("Kiera", "Blackwell", "Testshire Police", "POL", f"/young-people/{kiera.pk}/"):
        assert secret not in content
    listing = _client(school_dsl).get("/privacy-preserving/").content.decode()
    assert "pupils.csv" in listing
    assert linkage.partnership_settings().fingerprint() in listing  # type: ignore[union-attr]
    # Queued by the page, compared by the background job (run at once in tests), both audited.
    queued = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="pprl_submission")
    assert set(queued.details) == {"queued", "fingerprint"}
    compared = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="pprl_submission")
    assert compared.actor_id == school_dsl.pk
    assert compared.details["notices"] == 1
    assert set(compared.details) == {"compared", "rejected", "notices", "fingerprint"}
    # The upload is deleted once compared.
    assert submission.status == "done"
    assert submission.stored_path == ""
    assert not any(upload_dir().iterdir())


def test_nothing_is_said_about_young_people_only_the_submitting_agency_holds(make_user, school_dsl):
    person = YoungPerson.objects.create(
        given_name="Kiera",
        family_name="Blackwell",
        date_of_birth=date(2010, 6, 14),
        gender="female",
        postcode="EB4 7QT",
        is_synthetic=True,
    )
    record(make_user(Role.COORDINATOR, "school"), person)
    _submit(school_dsl)
    assert EncodingSubmission.objects.get().notices_given == 0


def test_a_file_encoded_under_another_secret_is_refused(school_dsl, kiera):
    other = Settings(secret=b"a-different-partnership-secret-0123456789")
    response = _submit(school_dsl, _encodings(settings=other))
    submission = EncodingSubmission.objects.get()
    assert response["Location"] == f"/privacy-preserving/files/{submission.pk}/"
    assert submission.status == "failed"
    page = _client(school_dsl).get(response["Location"]).content.decode()
    assert "This file could not be compared" in page
    assert "encoded with a different partnership secret" in page
    assert not LinkNotice.objects.exists()
    assert not any(upload_dir().iterdir())
    listing = _client(school_dsl).get("/privacy-preserving/").content.decode()
    assert "Could not be compared" in listing


def test_while_the_job_runs_the_page_says_so_and_asks_again(school_dsl, kiera):
    path = upload_dir() / "queued.csv"
    path.write_bytes(_encodings().read())
    submission = do_queue_encodings(actor=school_dsl, file_name="queued.csv", path=path)
    client = _client(school_dsl)
    url = f"/privacy-preserving/files/{submission.pk}/"

    waiting = client.get(url, headers={"HX-Request": "true"})
    assert "Waiting to be compared" in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    assert "SCH-001" not in waiting.content.decode()

    run_comparison(submission.pk)
    run_comparison(submission.pk)  # a second run of the job compares nothing again
    assert LinkNotice.objects.filter(submission=submission).count() == 1
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "SCH-001" in done.content.decode()
    assert not path.exists()


def test_a_request_needs_its_purpose(school_dsl, kiera):
    _submit(school_dsl)
    notice = LinkNotice.objects.get()
    response = _client(school_dsl).post(
        f"/privacy-preserving/notices/{notice.pk}/request/", {"purpose": ""}
    )
    assert response.status_code == 200
    assert "Say why your agency needs to know who this young person is" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def _request(school_dsl: User) -> DisclosureRequest:
    _submit(school_dsl)
    notice = LinkNotice.objects.get()
    response = _client(school_dsl).post(
        f"/privacy-preserving/notices/{notice.pk}/request/",
        {"purpose": "Pupil missing from lessons after registration on six days this term."},
    )
    assert response.status_code == 302
    return DisclosureRequest.objects.get()


def _decision(**overrides: str) -> dict[str, str]:
    data = {
        "shared": "yes",
        "consent_status": "not_sought",
        "lawful_basis": "public_task_safeguarding",
        "reason_without_consent": "Asking could alert the adults around her.",
        "next_steps_discussed": "no",
        "reason_not_shared": "",
    }
    data.update(overrides)
    return data


def test_the_request_goes_to_the_holding_agency_which_sees_who_it_is(
    school_dsl, police_coordinator, kiera
):
    disclosure = _request(school_dsl)
    assert disclosure.holding_agency == police_coordinator.agency
    assert Notification.objects.filter(
        agency=police_coordinator.agency, kind="disclosure_request"
    ).exists()
    listing = _client(police_coordinator).get("/privacy-preserving/requests/")
    assert "Kiera Blackwell" in listing.content.decode()
    # The school's page now says a request is waiting, and still names no one.
    page = _client(school_dsl).get(f"/privacy-preserving/files/{disclosure.notice.submission_id}/")
    assert "Disclosure requested" in page.content.decode()
    assert "Kiera" not in page.content.decode()


def test_sharing_without_a_lawful_basis_is_refused_with_a_message(
    school_dsl, police_coordinator, kiera
):
    disclosure = _request(school_dsl)
    response = _client(police_coordinator).post(
        f"/privacy-preserving/requests/{disclosure.pk}/", _decision(lawful_basis="")
    )
    assert response.status_code == 200
    assert "Choose the lawful basis for sharing" in response.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.AWAITING
    assert not SharingDecision.objects.exists()


def test_once_shared_the_requesting_agency_sees_the_young_person(
    school_dsl, police_coordinator, kiera
):
    disclosure = _request(school_dsl)
    response = _client(police_coordinator).post(
        f"/privacy-preserving/requests/{disclosure.pk}/", _decision()
    )
    assert response.status_code == 302
    decision = SharingDecision.objects.get()
    assert decision.shared
    assert decision.to_agency == school_dsl.agency
    assert decision.from_agency == police_coordinator.agency
    assert decision.lawful_basis == "public_task_safeguarding"
    told = Notification.objects.get(agency=school_dsl.agency, kind="disclosure_decision")
    assert "Testshire Police shared" in told.message
    assert AuditEvent.objects.filter(action=AuditAction.SHARE, recipient="EDU").exists()
    page = _client(school_dsl).get(f"/privacy-preserving/files/{disclosure.notice.submission_id}/")
    content = page.content.decode()
    assert "Kiera Blackwell" in content
    assert f"/young-people/{kiera.pk}/" in content


def test_a_declined_request_keeps_the_young_person_hidden(school_dsl, police_coordinator, kiera):
    disclosure = _request(school_dsl)
    no_reason = _client(police_coordinator).post(
        f"/privacy-preserving/requests/{disclosure.pk}/", _decision(shared="no")
    )
    assert "Say why you decided not to share" in no_reason.content.decode()
    _client(police_coordinator).post(
        f"/privacy-preserving/requests/{disclosure.pk}/",
        _decision(shared="no", reason_not_shared="An investigation would be put at risk."),
    )
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.DECLINED
    assert AuditEvent.objects.filter(action=AuditAction.DECLINE_TO_SHARE).exists()
    told = Notification.objects.get(agency=school_dsl.agency, kind="disclosure_decision")
    assert "decided not to share" in told.message
    assert "Police" not in told.message
    page = _client(school_dsl).get(f"/privacy-preserving/files/{disclosure.notice.submission_id}/")
    assert "Not shared" in page.content.decode()
    assert "Kiera" not in page.content.decode()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "council"),
        (Role.IG_OFFICER, "school"),
    ],
)
def test_roles_that_read_no_case_content_get_404_everywhere(
    make_user, school_dsl, police_coordinator, kiera, role, agency
):
    disclosure = _request(school_dsl)
    client = _client(make_user(role, agency))
    for url in (
        "/privacy-preserving/",
        f"/privacy-preserving/files/{disclosure.notice.submission_id}/",
        f"/privacy-preserving/notices/{disclosure.notice_id}/request/",
        "/privacy-preserving/requests/",
        f"/privacy-preserving/requests/{disclosure.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/privacy-preserving/", {"file": _encodings()}).status_code == 404


def test_other_agencies_cannot_see_the_file_or_decide_the_request(
    make_user, school_dsl, police_coordinator, kiera
):
    disclosure = _request(school_dsl)
    health = _client(make_user(Role.COORDINATOR, "health"))
    assert (
        health.get(f"/privacy-preserving/files/{disclosure.notice.submission_id}/").status_code
        == 404
    )
    assert health.get(f"/privacy-preserving/requests/{disclosure.pk}/").status_code == 404
    assert (
        health.post(f"/privacy-preserving/requests/{disclosure.pk}/", _decision()).status_code
        == 404
    )
    police_officer = _client(make_user(Role.PRACTITIONER, "police"))
    assert police_officer.get(f"/privacy-preserving/requests/{disclosure.pk}/").status_code == 404
    assert not SharingDecision.objects.exists()
    assert AuditEvent.objects.filter(
        outcome="refused", object_type="disclosure_request", object_id=str(disclosure.pk)
    ).exists()


def test_the_encoding_tool_writes_references_and_encodings_only(tmp_path: Path):
    source = tmp_path / "identities.csv"
    source.write_text(IDENTITIES)
    target = tmp_path / "encodings.csv"
    out = io.StringIO()
    call_command("pprl_encode", str(source), str(target), stdout=out)
    written = target.read_text()
    assert written.splitlines()[0] == "reference,encoding,settings"
    assert len(written.splitlines()) == 3
    for identifying in ("Kiera", "Blackwel", "2010", "EB4", "female"):
        assert identifying not in written
    assert "2 encodings written" in out.getvalue()


def test_the_job_opens_only_files_in_the_uploads_folder(school_dsl, kiera, tmp_path):
    elsewhere = tmp_path / "not-an-upload.csv"
    elsewhere.write_bytes(_encodings().read())
    submission = do_queue_encodings(actor=school_dsl, file_name="x.csv", path=elsewhere)
    assert run_comparison(submission.pk).status == "failed"
    assert elsewhere.exists()  # neither read nor deleted
    assert not LinkNotice.objects.exists()
