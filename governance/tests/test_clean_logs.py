"""Names, dates of birth, passwords, codes and session ids never reach the application log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client

from conftest import PASSWORD, current_code, device_of
from governance.logging import without_query_string
from partnership.models import Role
from people.models import YoungPerson


def test_a_working_session_leaves_no_personal_marker_in_the_logs(make_user, caplog):
    caplog.set_level(logging.DEBUG)
    person = YoungPerson.objects.create(
        given_name="Zebedee",
        family_name="Markerton",
        date_of_birth=date(2010, 9, 17),
        is_synthetic=True,
    )
    user = make_user(Role.COORDINATOR, "csc")
    client = Client(raise_request_exception=False)
    client.post("/sign-in/", {"username": user.username, "password": "wrong-" + PASSWORD})
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    code = current_code(device_of(user))
    client.post("/sign-in/code/", {"code": "000000"})
    client.post("/sign-in/code/", {"code": code})
    client.get(f"/young-people/{person.pk}/")
    client.get("/young-people/?q=Markerton")
    client.get("/young-people/999999/")
    session_id = client.cookies["tessera_session"].value
    admin = Client(raise_request_exception=False)
    admin_user = make_user(Role.ADMINISTRATOR, "council")
    admin.post("/sign-in/", {"username": admin_user.username, "password": PASSWORD})
    admin.post("/sign-in/code/", {"code": current_code(device_of(admin_user))})
    admin.get("/young-people/?q=Zebedee+Markerton")  # refused: a 404 that Django logs
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Not Found" in logged  # the log was captured, so its silence below means something
    markers = ["Zebedee", "Markerton", "2010-09-17", "17/09/2010", PASSWORD, code, session_id]
    leaked = [marker for marker in markers if marker in logged]
    assert leaked == []


@pytest.fixture
def console() -> Iterator[StringIO]:
    """What Tessera's log handler writes, exactly as it would reach the terminal or journal."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert isinstance(handler, logging.StreamHandler)
    written = StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        handler.setStream(previous)


def _runserver_handler(request_line: str) -> WSGIRequestHandler:
    """runserver's request handler for one request line, without a socket."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None  # type: ignore[assignment]  # no socket: log_message only reads it
    handler.client_address = ("127.0.0.1", 50000)
    handler.requestline = request_line
    return handler


@pytest.mark.parametrize("status", [404, 500])
def test_runserver_logs_a_failed_request_without_its_query_string(console, caplog, status):
    _runserver_handler("GET /young-people/?q=Zebedee+Markerton HTTP/1.1").log_request(status, 2048)
    written = console.getvalue()
    assert f'"GET /young-people/ HTTP/1.1" {status} 2048' in written
    assert "Zebedee" not in written
    assert "Markerton" not in written
    assert "q=" not in written


def test_a_refused_search_logs_its_path_and_not_the_name(signed_in, make_user, console, caplog):
    caplog.set_level(logging.INFO)
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    client.raise_request_exception = False
    assert client.get("/young-people/?q=Zebedee+Markerton").status_code == 404
    logged = console.getvalue() + "\n".join(record.getMessage() for record in caplog.records)
    assert "Not Found: /young-people/" in logged
    assert "Zebedee" not in logged
    assert "Markerton" not in logged


def test_a_request_line_of_any_shape_loses_its_query_string():
    assert without_query_string('"GET /a/?q=Name HTTP/1.1" 404 10') == '"GET /a/ HTTP/1.1" 404 10'
    assert without_query_string("Not Found: /a/?q=Name") == "Not Found: /a/"
    assert without_query_string("GET /a/?q=Given Family HTTP/1.0") == "GET /a/ HTTP/1.0"
    assert without_query_string("Not Found: /a/") == "Not Found: /a/"
