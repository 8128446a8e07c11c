"""Rows waiting for lack of a date of birth are matched again when a later import adds to the
register (a school roll registering the child), and on demand. Synthetic data; the matching
engine is the stand-in with set scores."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from governance.models import AuditEvent
from imports import actions
from imports.models import BatchStatus, Feed, ImportedRow, LinkedHow, MatchStatus
from imports.tests.helpers import run_import, write_csv
from matching.models import ReviewItem
from matching.tests.helpers import use_stand_in
from partnership.models import Role
from people.identifiers import make_upn
from people.models import YoungPerson
from records.models import AgencyRecord

pytestmark = pytest.mark.django_db

# Taken before the package's conftest replaces it with a recorder.
LINK_PENDING_ROWS = actions.do_link_pending_rows


def episode(number: int, given: str, family: str, **changes: Any) -> dict[str, Any]:
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": "",
        "approximate_age": "14",
        "gender": "F",
        "postcode": "EB2 3DE",
        "upn": "",
        "episode_reference": f"EBP-MISS-2026-{number:04d}",
        "missing_from": "2026-10-03 21:40",
        "returned_at": "2026-10-04 16:15",
        "risk_grading": "medium",
        **changes,
    }


def pupil(number: int, given: str, family: str, **changes: Any) -> dict[str, Any]:
    return {
        "school": "Eastbrook Academy (synthetic)",
        "upn": make_upn(881, 4001, 21, number),
        "legal_forename": given,
        "surname": family,
        "date_of_birth": "2012-06-20",
        "gender": "F",
        "address": "7 Brook Street, Eastbrook",
        "postcode": "EB2 3DE",
        "on_roll_from": "2023-09-01",
        **changes,
    }


def _police_rows_waiting(agencies, make_user, tmp_path: Path, *episodes: dict[str, Any]):
    analyst = make_user(Role.ANALYST, "police")
    batch = run_import(
        write_csv(tmp_path / "episodes.csv", list(episodes)),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
        actor=analyst,
    )
    LINK_PENDING_ROWS(batch.pk)
    rows = {row.given_name: row for row in ImportedRow.objects.filter(batch=batch)}
    assert {row.match_status for row in rows.values()} == {MatchStatus.PENDING}
    return batch, rows


def _roll(agencies, make_user, tmp_path: Path, *pupils: dict[str, Any]):
    school_analyst = make_user(Role.ANALYST, "school")
    batch = run_import(
        write_csv(tmp_path / "roll.csv", list(pupils)),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=school_analyst,
    )
    LINK_PENDING_ROWS(batch.pk)
    return batch


def test_a_later_roll_that_registers_the_child_links_or_reviews_the_waiting_rows(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    stand_in = use_stand_in(monkeypatch)
    stand_in.set("Jay Okafor", "Jayden Okafor", 0.6)  # plausible: review, not a link
    police, waiting = _police_rows_waiting(
        agencies,
        make_user,
        tmp_path,
        episode(1, "Zofia", "Nowak"),
        episode(2, "Jay", "Okafor"),
        episode(3, "Rio", "Unknownperson"),
    )
    people_before = YoungPerson.objects.count()

    roll = _roll(
        agencies,
        make_user,
        tmp_path,
        pupil(41, "Zofia", "Nowak"),
        pupil(42, "Jayden", "Okafor", postcode="EB4 7QT"),
    )

    # The roll registered its two pupils, and nobody from a waiting row.
    assert YoungPerson.objects.count() == people_before + 2
    zofia = YoungPerson.objects.get(given_name="Zofia")
    jayden = YoungPerson.objects.get(given_name="Jayden")
    rows = {row.given_name: row for row in ImportedRow.objects.filter(batch=police)}
    # Confident: linked, and the police record joins Zofia's chronology.
    assert rows["Zofia"].match_status == MatchStatus.LINKED
    assert rows["Zofia"].young_person == zofia
    assert rows["Zofia"].linked_how == LinkedHow.PROBABILISTIC
    police_records = AgencyRecord.objects.filter(owning_agency=agencies["police"])
    assert police_records.filter(young_person=zofia).exists()
    # Plausible: the review queue, against Jayden.
    assert rows["Jay"].match_status == MatchStatus.IN_REVIEW
    assert ReviewItem.objects.filter(row_id=waiting["Jay"].pk, candidate=jayden).exists()
    # No one: still waiting, still nobody registered without a date of birth.
    assert rows["Rio"].match_status == MatchStatus.PENDING
    assert not YoungPerson.objects.filter(given_name__in=["Jay", "Rio"]).exists()
    # Audited as the system, naming the import that set it off, with counts only.
    event = AuditEvent.objects.get(details__rematched_waiting=3)
    assert event.actor_id is None
    assert event.object_id == str(roll.pk)
    assert (event.details["linked"], event.details["review"], event.details["still_waiting"]) == (
        1,
        1,
        1,
    )
    assert "Zofia" not in str(event.details)


def test_waiting_rows_of_an_import_still_running_are_left_alone(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    use_stand_in(monkeypatch)
    police, _ = _police_rows_waiting(agencies, make_user, tmp_path, episode(1, "Zofia", "Nowak"))
    police.status = BatchStatus.RUNNING
    police.save(update_fields=["status"])

    _roll(agencies, make_user, tmp_path, pupil(41, "Zofia", "Nowak"))

    assert ImportedRow.objects.get(batch=police).match_status == MatchStatus.PENDING


def test_a_failure_matching_waiting_rows_again_does_not_fail_the_later_import(
    agencies, make_user, tmp_path: Path, monkeypatch, caplog
):
    use_stand_in(monkeypatch)
    police, _ = _police_rows_waiting(agencies, make_user, tmp_path, episode(1, "Zofia", "Nowak"))

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the engine fell over")

    monkeypatch.setattr(actions, "do_rematch_waiting_rows", broken)
    with caplog.at_level(logging.ERROR, logger="imports.actions"):
        roll = _roll(agencies, make_user, tmp_path, pupil(41, "Zofia", "Nowak"))

    assert ImportedRow.objects.get(batch=roll).match_status == MatchStatus.NEW_PERSON
    assert ImportedRow.objects.get(batch=police).match_status == MatchStatus.PENDING
    assert "matching waiting rows again after batch" in caplog.text


def test_on_demand_a_reviewer_or_operator_may_match_waiting_rows_again_others_may_not(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    use_stand_in(monkeypatch)
    police, _ = _police_rows_waiting(agencies, make_user, tmp_path, episode(1, "Zofia", "Nowak"))
    zofia = YoungPerson.objects.create(
        given_name="Zofia", family_name="Nowak", date_of_birth="2012-06-20", is_synthetic=True
    )

    with pytest.raises(PermissionDenied):
        actions.do_rematch_waiting_rows(actor=make_user(Role.PRACTITIONER, "school"))
    assert ImportedRow.objects.get(batch=police).match_status == MatchStatus.PENDING

    out = StringIO()
    call_command("match_waiting", "--feed", Feed.POLICE_MISSING, stdout=out)
    row = ImportedRow.objects.get(batch=police)
    assert row.match_status == MatchStatus.LINKED
    assert row.young_person == zofia
    assert "1 waiting row matched again: 1 linked, 0 to review, 0 still waiting" in out.getvalue()


def test_a_reviewer_may_match_waiting_rows_of_any_agency_again(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    use_stand_in(monkeypatch)
    police, _ = _police_rows_waiting(agencies, make_user, tmp_path, episode(1, "Zofia", "Nowak"))
    YoungPerson.objects.create(
        given_name="Zofia", family_name="Nowak", date_of_birth="2012-06-20", is_synthetic=True
    )
    summary = actions.do_rematch_waiting_rows(actor=make_user(Role.COORDINATOR, "charity"))
    assert (summary.rows, summary.linked) == (1, 1)
    assert ImportedRow.objects.get(batch=police).match_status == MatchStatus.LINKED


def test_a_reviewer_asks_from_the_import_page_and_others_are_refused(
    agencies, make_user, signed_in, tmp_path: Path, monkeypatch
):
    """The job runs at once in tests (the immediate task backend), as the reviewer."""
    use_stand_in(monkeypatch)
    police, _ = _police_rows_waiting(agencies, make_user, tmp_path, episode(1, "Zofia", "Nowak"))
    YoungPerson.objects.create(
        given_name="Zofia", family_name="Nowak", date_of_birth="2012-06-20", is_synthetic=True
    )

    practitioner = signed_in(make_user(Role.PRACTITIONER, "police"))
    page = practitioner.get(f"/imports/{police.pk}/").content.decode()
    assert "Match the waiting rows again" not in page
    assert practitioner.post(f"/imports/{police.pk}/match-waiting/").status_code == 404
    assert ImportedRow.objects.get(batch=police).match_status == MatchStatus.PENDING
    practitioner.logout()

    analyst = signed_in(make_user(Role.ANALYST, "police", username="police.analyst.two"))
    page = analyst.get(f"/imports/{police.pk}/").content.decode()
    assert "Match the waiting rows again" in page  # an analyst links any agency's rows
    response = analyst.post(f"/imports/{police.pk}/match-waiting/")
    assert response.status_code == 302
    row = ImportedRow.objects.get(batch=police)
    assert row.match_status == MatchStatus.LINKED
    assert row.young_person is not None
    assert row.young_person.given_name == "Zofia"
    assert AuditEvent.objects.filter(details__rematch_waiting_requested=True).exists()
