"""The intelligence pages, allowed and refused: recording a graded report and answering what
its text names, a report at the level each viewer may see, the entity page with what each
viewer may see of it, resolution, and the source that never leaves the owning agency."""

from __future__ import annotations

import time
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import sign_in_fully
from intelligence.actions import (
    do_add_alias,
    do_add_person_of_interest,
    do_confirm_suggestion,
    do_judge_entities,
)
from intelligence.models import (
    IntelligenceReport,
    Occurrence,
    OccurrenceKind,
    PersonOfInterest,
    Phone,
    ResolutionJudgement,
)
from intelligence.tests.helpers import HANDLER_SECRET, SOURCE_SECRET, report, second_police_force
from kit.fresh import FRESH_CODE_AT
from partnership.models import Role
from people.models import YoungPerson
from records.actions import LinkInput, do_record
from records.models import RecordType

CONDITIONS = "Only to Testshire Children's Social Care, for safeguarding planning"


@pytest.fixture
def world(agencies, make_user):
    agencies["police2"] = second_police_force()
    return {
        "author": make_user(Role.PRACTITIONER, "police"),
        "analyst": make_user(Role.ANALYST, "police"),
        "coordinator": make_user(Role.COORDINATOR, "police"),
        "other_force": make_user(Role.ANALYST, "police2"),
        "csc": make_user(Role.PRACTITIONER, "csc"),
        "csc_ig": make_user(Role.IG_OFFICER, "csc"),
        "school": make_user(Role.PRACTITIONER, "school"),
        "admin": make_user(Role.ADMINISTRATOR, "council"),
    }


_CLIENTS: dict[int, Client] = {}


@pytest.fixture(autouse=True)
def _fresh_clients():
    _CLIENTS.clear()
    yield
    _CLIENTS.clear()


def client_for(user) -> Client:
    """One signed-in client a user (a second sign-in in the same 30 seconds would reuse the
    authenticator's code, which is refused)."""
    if user.pk in _CLIENTS:
        return _CLIENTS[user.pk]
    client = Client()
    _CLIENTS[user.pk] = client
    sign_in_fully(client, user)
    session = client.session
    session[FRESH_CODE_AT] = time.time()  # as if a code had just been entered, for exports
    session.save()
    return client


FORM = {
    "title": "Man collecting girls from the park",
    "text": (
        'A man known as "Big D" collects girls from Eastbrook Park in a silver Ford Focus '
        "AB12 CDE and gives out 07700 900123. Snap: bigd_eb. Partial reg KX6?."
    ),
    "occurred_on": "2025-11-02",
    "source_evaluation": "2",
    "intelligence_assessment": "B",
    "handling_code": "P",
    "handling_conditions": "",
    "source_reference": SOURCE_SECRET,
    "handler": HANDLER_SECRET,
}


def test_a_practitioner_records_a_report_and_an_analyst_confirms_what_it_names(world):
    author = client_for(world["author"])
    response = author.post("/intelligence/new/", FORM)
    assert response.status_code == 302
    made = IntelligenceReport.objects.get(title=FORM["title"])
    assert response["Location"] == f"/intelligence/{made.pk}/"
    page = author.get(response["Location"]).content.decode()
    for offered in ("+447700900123", "AB12CDE", "KX6?", "bigd_eb", "big d", "silver ford focus"):
        assert offered in page, offered
    assert not Occurrence.objects.exists()  # nothing linked until someone confirms

    analyst = client_for(world["analyst"])
    confirm = analyst.post(
        f"/intelligence/{made.pk}/suggestions/",
        {"kind": "phone", "value": "+447700900123", "shown_as": "07700 900123",
         "decision": "confirm"},
    )  # fmt: skip
    assert confirm.status_code == 302
    analyst.post(
        f"/intelligence/{made.pk}/suggestions/",
        {"kind": "nickname", "value": "big d", "shown_as": "Big D", "decision": "reject"},
    )
    page = analyst.get(f"/intelligence/{made.pk}/").content.decode()
    assert "Phone number: 07700 900123" in page
    assert 'name="value" value="+447700900123"' not in page  # answered: not offered again
    assert 'name="value" value="big d"' not in page
    assert 'name="value" value="AB12CDE"' in page  # still waiting for an answer

    phone = Phone.objects.get(number="+447700900123")
    entity = analyst.get(f"/intelligence/entities/phone/{phone.pk}/").content.decode()
    assert f"/intelligence/{made.pk}/" in entity
    found = analyst.get("/intelligence/entities/", {"kind": "phone", "value": "07700-900-123"})
    assert f"/intelligence/entities/phone/{phone.pk}/" in found.content.decode()


def test_handling_code_c_without_conditions_is_refused_on_the_form(world):
    author = client_for(world["author"])
    response = author.post("/intelligence/new/", {**FORM, "handling_code": "C"})
    assert response.status_code == 400
    assert "Write the conditions on sharing for handling code C" in response.content.decode()
    assert not IntelligenceReport.objects.exists()


def test_a_school_practitioner_never_sees_police_intelligence(world):
    made = report(world["author"])
    do_confirm_suggestion(
        actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="07700900123"
    )
    phone = Phone.objects.get()
    school = client_for(world["school"])
    listing = school.get("/intelligence/")
    assert listing.status_code == 200
    assert made.title not in listing.content.decode()
    assert "holds intelligence" not in listing.content.decode()
    assert school.get(f"/intelligence/{made.pk}/").status_code == 404
    assert school.get(f"/intelligence/{made.pk}/export/").status_code == 404
    assert school.get(f"/intelligence/entities/phone/{phone.pk}/").status_code == 404
    assert school.get("/intelligence/new/").status_code == 404


def test_handling_c_reaches_only_the_agencies_its_conditions_name(world):
    made = report(
        world["author"],
        handling_code="C",
        handling_conditions=CONDITIONS,
        shared_with=[world["csc"].agency],
    )
    csc = unescape(client_for(world["csc"]).get(f"/intelligence/{made.pk}/").content.decode())
    assert made.text[:40] in csc
    assert CONDITIONS in csc  # the recipient is told the conditions it holds it under
    assert client_for(world["other_force"]).get(f"/intelligence/{made.pk}/").status_code == 404
    permitted = report(world["author"], title="Permitted to share")
    # The other force sees a P report's summary (the agreement), not what it says.
    summary = client_for(world["other_force"]).get(f"/intelligence/{permitted.pk}/")
    assert summary.status_code == 200
    assert "Summary of an intelligence report" in summary.content.decode()
    assert permitted.text[:40] not in unescape(summary.content.decode())


def test_the_entity_page_shows_each_viewer_only_what_they_may_see(world, agencies):
    person = YoungPerson.objects.create(
        given_name="Entity", family_name="Subject", date_of_birth=date(2010, 1, 1),
        is_synthetic=True,
    )  # fmt: skip
    record = do_record(
        actor=world["csc"],
        young_person=person,
        record_type=RecordType.objects.get(code="concern"),
        occurred_at=timezone.now() - timedelta(days=2),
        title="Calls from an adult",
        nature="fact",
        links=[LinkInput(kind="phone", value="020 7946 0018")],
    )
    made = report(world["author"], text="Calls girls from 020 7946 0018 at night.")
    do_confirm_suggestion(
        actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="020 7946 0018"
    )
    phone = Phone.objects.get(number="+442079460018")
    url = f"/intelligence/entities/phone/{phone.pk}/"
    police = client_for(world["analyst"]).get(url).content.decode()
    assert f"/intelligence/{made.pk}/" in police
    csc = client_for(world["csc"]).get(url)
    assert csc.status_code == 200
    assert f"/records/{record.pk}/" in csc.content.decode()
    assert f"/intelligence/{made.pk}/" not in csc.content.decode()
    assert client_for(world["school"]).get(url).status_code == 404


def test_an_analyst_resolves_two_phones_and_reverses_the_judgement(world):
    made = report(world["author"], text="07700 900001 and 07700 900002")
    for number in ("07700900001", "07700900002"):
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value=number
        )
    first, second = Phone.objects.order_by("pk")
    analyst = client_for(world["analyst"])
    form = analyst.get(f"/intelligence/resolve/?kind=phone&first_id={first.pk}")
    assert form.status_code == 200
    judged = analyst.post(
        "/intelligence/resolve/",
        {"kind": "phone", "first_id": first.pk, "second_id": second.pk, "verdict": "same",
         "reason": "Same handset, new SIM"},
    )  # fmt: skip
    assert judged.status_code == 302
    judgement = ResolutionJudgement.objects.get()
    page = analyst.get(f"/intelligence/entities/phone/{first.pk}/").content.decode()
    assert "Same handset, new SIM" in page
    reversed_ = analyst.post(
        f"/intelligence/judgements/{judgement.pk}/reverse/", {"reason": "Wrong handset"}
    )
    assert reversed_.status_code == 302
    judgement.refresh_from_db()
    assert judgement.reversed_at is not None
    # Refused: a practitioner may not judge, and a refusal looks like a missing page.
    author = client_for(world["author"])
    assert author.get("/intelligence/resolve/").status_code == 404
    assert author.get(f"/intelligence/judgements/{judgement.pk}/reverse/").status_code == 404


def test_not_the_same_blocks_a_merge_on_the_page(world):
    made = report(world["author"], text="07700 900001 and 07700 900002")
    for number in ("07700900001", "07700900002"):
        do_confirm_suggestion(
            actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value=number
        )
    first, second = Phone.objects.order_by("pk")
    do_judge_entities(
        actor=world["analyst"], kind="phone", first_id=first.pk, second_id=second.pk,
        verdict="not_same", reason="Different owners",
    )  # fmt: skip
    response = client_for(world["analyst"]).post(
        "/intelligence/resolve/",
        {"kind": "phone", "first_id": first.pk, "second_id": second.pk, "verdict": "same",
         "reason": "Looks alike"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "judged these not the same" in response.content.decode()


def _intelligence_routes() -> list[str]:
    names = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "intelligence":
            names += [str(p.name) for p in pattern.url_patterns if isinstance(p, URLPattern)]
    return names


def test_the_source_never_appears_in_any_other_view_or_export(world):
    """Every intelligence page and export, as every viewer but those of the owning agency who
    record intelligence: the source reference and the handler's name never appear."""
    made = report(
        world["author"],
        handling_code="C",
        handling_conditions=CONDITIONS,
        shared_with=[world["csc"].agency, world["other_force"].agency],
    )
    do_confirm_suggestion(
        actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="07700900123"
    )
    phone = Phone.objects.get()
    person = do_add_person_of_interest(actor=world["analyst"], label="Subject 1")
    do_add_alias(actor=world["analyst"], person=person, name="Big D", source_report=made)
    urls = {
        "index": "/intelligence/",
        "new": "/intelligence/new/",
        "report": f"/intelligence/{made.pk}/",
        "suggestion": f"/intelligence/{made.pk}/suggestions/",
        "export": f"/intelligence/{made.pk}/export/",
        "find": "/intelligence/entities/?kind=phone&value=07700900123",
        "entity": f"/intelligence/entities/phone/{phone.pk}/",
        "person": f"/intelligence/entities/person/{person.pk}/",
        "resolve": "/intelligence/resolve/",
        "reverse-judgement": "/intelligence/judgements/1/reverse/",
        "add-link": f"/intelligence/entities/phone/{phone.pk}/links/new/",
        "new-person": "/intelligence/people/new/",
        "add-alias": f"/intelligence/people/{person.pk}/names/new/",
    }
    assert set(urls) - {"person"} == set(_intelligence_routes()), "try every new page here too"
    # The owner's analyst sees the source: the check below would notice it.
    owner = unescape(client_for(world["analyst"]).get(urls["report"]).content.decode())
    assert SOURCE_SECRET in owner
    assert HANDLER_SECRET in owner
    for who in ("coordinator", "other_force", "csc", "csc_ig", "school", "admin"):
        client = client_for(world[who])
        for name, url in urls.items():
            response = client.get(url)
            body = unescape(response.content.decode(errors="replace"))
            assert SOURCE_SECRET not in body, (who, name)
            assert HANDLER_SECRET not in body, (who, name)
        export = client.get(urls["export"])
        if export.status_code == 200:
            assert export["Content-Type"].startswith("text/csv")
            assert made.title in export.content.decode() or who == "csc_ig", who


def test_an_analyst_adds_a_person_of_interest_and_the_names_they_go_by(world):
    made = report(world["author"], handling_code="C", handling_conditions="Police only")
    analyst = client_for(world["analyst"])
    added = analyst.post("/intelligence/people/new/", {"label": "Subject 7"})
    assert added.status_code == 302
    person = PersonOfInterest.objects.get(label="Subject 7")
    assert added["Location"] == f"/intelligence/people/{person.pk}/names/new/"
    named = analyst.post(
        added["Location"], {"name": "Big D", "kind": "nickname", "source_report": made.pk}
    )
    assert named.status_code == 302
    page = analyst.get(f"/intelligence/entities/person/{person.pk}/").content.decode()
    assert "Big D" in page
    assert f"/intelligence/{made.pk}/" in page
    found = analyst.get("/intelligence/entities/", {"kind": "person", "value": "‘big d’"})
    assert f"/intelligence/entities/person/{person.pk}/" in found.content.decode()
    # A report the analyst may not read cannot be cited as a source.
    hidden = report(world["other_force"], handling_code="C", handling_conditions="Theirs only")
    refused = analyst.post(
        f"/intelligence/people/{person.pk}/names/new/",
        {"name": "Dee", "kind": "alias", "source_report": hidden.pk},
    )
    assert refused.status_code == 400
    assert "a report you can read in full" in unescape(refused.content.decode())
    # Another force's analyst finds nothing and may not open or name the person.
    other = client_for(world["other_force"])
    assert other.get(f"/intelligence/entities/person/{person.pk}/").status_code == 404
    assert other.get(f"/intelligence/people/{person.pk}/names/new/").status_code == 404
    nothing = other.get("/intelligence/entities/", {"kind": "person", "value": "Big D"})
    assert f"/intelligence/entities/person/{person.pk}/" not in nothing.content.decode()
    # A practitioner does not analyse.
    assert client_for(world["author"]).get("/intelligence/people/new/").status_code == 404


def test_an_analyst_links_a_person_to_a_phone_from_a_report_and_the_grade_goes_with_it(world):
    made = report(world["author"], source_evaluation="1", intelligence_assessment="A")
    do_confirm_suggestion(
        actor=world["analyst"], report=made, kind=OccurrenceKind.PHONE, value="07700900123"
    )
    phone = Phone.objects.get()
    person = do_add_person_of_interest(actor=world["analyst"], label="Subject 2")
    analyst = client_for(world["analyst"])
    url = f"/intelligence/entities/person/{person.pk}/links/new/"
    linked = analyst.post(
        url,
        {"to_kind": "phone", "to_id": phone.pk, "link_type": "uses_phone",
         "source_report": made.pk, "started_on": "2025-10-01"},
    )  # fmt: skip
    assert linked.status_code == 302
    page = analyst.get(f"/intelligence/entities/phone/{phone.pk}/").content.decode()
    assert "Uses phone" in page
    assert "graded 1AP" in page
    assert f"/intelligence/entities/person/{person.pk}/" in page
    # Another force sees neither end, and may not link from them.
    other = client_for(world["other_force"])
    assert other.get(url).status_code == 404
    # An end the analyst cannot see is refused on the form.
    hidden = report(world["other_force"], text="07700 900555")
    do_confirm_suggestion(
        actor=world["other_force"], report=hidden, kind=OccurrenceKind.PHONE, value="07700900555"
    )
    theirs = Phone.objects.get(number="+447700900555")
    refused = analyst.post(
        url,
        {"to_kind": "phone", "to_id": theirs.pk, "link_type": "uses_phone",
         "source_report": made.pk},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Choose an entity you can see" in refused.content.decode()
