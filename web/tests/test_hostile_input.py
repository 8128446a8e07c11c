"""NUL bytes and other hostile characters are refused at the edge with 400, on every route.

On PostgreSQL a NUL in a search or a receipt number used to end in a server error (PostgreSQL
cannot hold NUL in text); CI runs these tests on PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.models import Role
from web.edge import has_hostile_characters
from web.tests.test_no_hidden_way_in import ROUTES

pytestmark = pytest.mark.django_db

PATHS = [path for _, path, _ in ROUTES]


def _refused(response) -> bool:
    return response.status_code == 400 and b"could not read that" in response.content


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_a_query_parameter_or_form_value_is_refused_on_every_route(
    signed_in, make_user, path
):
    client = signed_in(make_user(Role.COORDINATOR, agency="csc"))
    assert _refused(client.get(path, {"q": "Jess\x00ica", "page": "1"}))
    assert _refused(client.post(path, {"concern": "seen\x00", "q": "x"}))
    assert _refused(client.post(path + "?q=%00", {}))


@pytest.mark.parametrize("path", PATHS)
def test_a_stranger_sending_a_nul_is_refused_before_sign_in(client, path):
    assert _refused(client.get(path, {"next": "/\x00"}))
    assert _refused(client.post(path, {"username": "a\x00", "password": "x"}))


def test_a_nul_in_a_search_is_refused_not_a_server_error(signed_in, make_user):
    client = signed_in(make_user(Role.PRACTITIONER, agency="school"))
    assert _refused(client.get("/young-people/?q=%00"))
    assert client.get("/young-people/?q=Smith").status_code == 200


def test_a_nul_in_a_receipt_reference_is_refused_for_a_community_partner(signed_in, make_user):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, agency="hotel"))
    assert _refused(client.get("/referrals/receipts/TS-%00/"))
    assert client.get("/referrals/receipts/TS-NOSUCH/").status_code == 404


@pytest.mark.parametrize(
    "hostile",
    [
        "\x00",
        "\x1b[2J",
        "\x7f",
        "\x85",
        "Smith\u202e",  # right-to-left override
        "\u2066Smith\u2069",  # left-to-right isolate
        "Sm\u200bith",  # zero-width space
        "\ufeffSmith",  # byte order mark
    ],
)
def test_control_direction_and_zero_width_characters_are_refused(signed_in, make_user, hostile):
    client = signed_in(make_user(Role.PRACTITIONER, agency="school"))
    assert _refused(client.get("/young-people/", {"q": hostile}))
    assert _refused(client.post("/young-people/new/", {"given_name": hostile}))


def test_a_refused_request_reads_and_writes_nothing(signed_in, make_user):
    client = signed_in(make_user(Role.PRACTITIONER, agency="school"))
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/young-people/new/", {"given_name": "Kay\x00la"})
    assert _refused(response)
    assert len(queries) == 0


def test_a_nul_in_the_path_is_refused(client):
    assert _refused(client.get("/referrals/receipts/TS-%00/"))
    assert _refused(client.get("/young-people/%00/"))


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Łukasiewicz",
        "Siobhán Ó Briain",
        "محمد الحداد",
        "李小龙",
        "Renée\tO'Neil",
        "ناز\u200cنین",  # Persian, with the zero-width non-joiner it needs
    ],
)
def test_names_in_every_script_pass_the_edge(signed_in, make_user, name):
    client = signed_in(make_user(Role.PRACTITIONER, agency="school"))
    assert client.get("/young-people/", {"q": name}).status_code == 200


def test_line_breaks_and_tabs_in_multi_line_text_pass_the_edge():
    assert not has_hostile_characters("First line\r\nSecond\tline")
    assert has_hostile_characters("First line\r\nSecond", multi_line=False)


def test_an_upload_whose_contents_hold_nul_bytes_is_not_refused(client):
    # Workbooks are zip files full of NUL bytes: file contents are not form values.
    upload = SimpleUploadedFile("feed.xlsx", b"PK\x03\x04\x00\x00\x00binary", "application/zip")
    response = client.post("/imports/", {"feed": "school_attendance", "file": upload})
    assert response.status_code == 302  # on to sign-in, not refused at the edge
