"""Names, dates of birth, passwords, codes and session ids never reach the application log."""

from __future__ import annotations

import logging
from datetime import date

from django.test import Client

from conftest import PASSWORD, current_code, device_of
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
