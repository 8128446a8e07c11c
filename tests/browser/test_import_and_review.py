"""Importing a file and working its clerical review, through the real pages.

The police MASH desk's screener uploads a small synthetic missing-episodes file on *Import a
file*, watches its progress reach done (the test settings run the background job at once),
reads the validation report (row, column and rule for each rejected row), then opens the
clerical review queue, compares a pair, reads why Tessera suggested it (which fields agreed and
by how much), links it, and undoes the link with a reason. Every page passes axe.

The import job, the matching and the review actions are the real ones; only the probabilistic
engine is a stand-in with set scores (``matching.tests.helpers``), so the test says exactly
which row is linked and which goes to review, and stays fast.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from imports.models import ImportBatch, ImportedRow, LinkedHow, MatchStatus
from matching.models import ReviewItem, UndoLink
from matching.tests.helpers import use_stand_in
from partnership.actions import do_create_user
from partnership.models import Agency, Role
from people.actions import do_register_young_person
from people.models import Gender
from records.catalogue import ensure_catalogue
from records.models import AgencyRecord
from tests.browser.conftest import PASSWORD, AxeCheck, SignIn

pytestmark = pytest.mark.browser

COLUMNS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "episode_reference",
    "missing_from",
    "returned_at",
    "found_location",
    "risk_grading",
)


def _episode(given: str, family: str, born: str, reference: str, **changes: str) -> list[str]:
    went = timezone.localtime() - timedelta(days=12)
    values = {
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "gender": "M",
        "postcode": "EB1 9LP",
        "episode_reference": reference,
        "missing_from": went.strftime("%Y-%m-%d %H:%M"),
        "returned_at": (went + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M"),
        "found_location": "Car park, Station Road (synthetic)",
        "risk_grading": "high",
        **changes,
    }
    return [values[column] for column in COLUMNS]


def _no_errors(page: Page) -> None:
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, summary.inner_text()


def test_a_screener_imports_a_file_reads_its_report_links_a_pair_and_undoes_it(
    page: Page,
    sign_in: SignIn,
    agencies: dict[str, Agency],
    assert_accessible: AxeCheck,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    settings: Any,
) -> None:
    ensure_catalogue()
    settings.TESSERA_IMPORTS_DIR = tmp_path / "uploads"
    screener = do_create_user(
        actor=None,
        username="nadia.quinn",
        password=PASSWORD,
        agency=agencies["police"],
        role=Role.MASH_SCREENER,
        first_name="Nadia",
        last_name="Quinn",
        validate=False,
    )
    TOTPDevice.objects.create(user=screener, name="app", confirmed=True)
    for given, family, born in (
        ("Tyler", "Sampleton-Synth", date(2011, 7, 21)),
        ("Jessica", "Fakeham-Synth", date(2012, 2, 3)),
    ):
        do_register_young_person(
            actor=None,
            agency=agencies["social_care"],
            given_name=given,
            family_name=family,
            date_of_birth=born,
            gender=Gender.BOY if given == "Tyler" else Gender.GIRL,
            postcode="EB1 9LP",
            is_synthetic=True,
        )
    engine = use_stand_in(monkeypatch)
    engine.set("Ty Sampleton-Synth", "Tyler Sampleton-Synth", 0.62)  # between: review
    engine.set("Jess Fakeham-Synth", "Jessica Fakeham-Synth", 0.99)  # above: linked

    upload = tmp_path / "synthetic-missing-episodes.csv"
    with upload.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow(_episode("Ty", "Sampleton-Synth", "2011-07-21", "EBP-MISS-0001"))
        writer.writerow(_episode("Jess", "Fakeham-Synth", "2012-02-03", "EBP-MISS-0002"))
        writer.writerow(
            _episode("Ruby", "Mockley-Synth", "2010-05-06", "EBP-MISS-0003", risk_grading="severe")
        )
        went = timezone.localtime() - timedelta(days=3)
        writer.writerow(
            _episode(
                "Leah",
                "Testbury-Synth",
                "2011-01-09",
                "EBP-MISS-0004",
                missing_from=went.strftime("%Y-%m-%d %H:%M"),
                returned_at=(went - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
            )
        )

    sign_in.fully(page, screener)

    # 1. Import a file.
    page.goto("/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a file")
    assert_accessible(page)
    feed = page.get_by_role("group", name="What is in the file")
    feed.get_by_label("Police missing episodes").check()
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_url("**/imports/*/")
    _no_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import of synthetic-missing-episodes.csv"
    )

    # 2. The progress reaches done, with the counts.
    progress = page.locator("#import-progress")
    expect(progress.locator(".govuk-tag")).to_have_text("Done")
    expect(page.locator("#import-progress-bar")).to_have_attribute("value", "100")
    counts = {
        key.inner_text(): value.inner_text()
        for key, value in zip(
            progress.locator(".govuk-summary-list__key").all(),
            progress.locator(".govuk-summary-list__value").all(),
            strict=True,
        )
    }
    assert counts["Rows read"] == "4"
    assert counts["Rows added"] == "2"
    assert counts["Rows rejected"] == "2"
    assert_accessible(page)

    # 3. The validation report names row, column and rule.
    report = page.locator("table").filter(has=page.get_by_role("columnheader", name="Problem"))
    lines = [
        [cell.inner_text().strip() for cell in line.locator("td").all()]
        for line in report.locator("tbody tr").all()
    ]
    assert len(lines) == 2
    by_column = {line[1]: line for line in lines}
    assert by_column["risk_grading"][0] == "4"  # the column names are row 1
    assert "severe" in by_column["risk_grading"][2]
    assert by_column["risk_grading"][3] == "Row rejected"
    assert by_column["returned_at"][0] == "5"
    assert "before" in by_column["returned_at"][2]
    batch = ImportBatch.objects.get()
    jess = ImportedRow.objects.get(batch=batch, given_name="Jess")
    assert jess.linked_how == LinkedHow.PROBABILISTIC

    # 4. The clerical review queue: one pair waiting.
    page.goto("/matching/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clerical review of matches")
    assert_accessible(page)
    page.get_by_role("link", name="Ty Sampleton-Synth compared with Tyler Sampleton-Synth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this the same young person?")
    expect(page.get_by_text("Probability 0.62", exact=False)).to_be_visible()
    explanation = page.locator("#explanation")
    given_line = explanation.locator("tr").filter(
        has=page.get_by_role("rowheader", name="Given name")
    )
    expect(given_line).to_contain_text("Nickname of each other")
    expect(given_line).to_contain_text("+3.20")
    expect(given_line).to_contain_text("For a match")
    born_line = explanation.locator("tr").filter(
        has=page.get_by_role("rowheader", name="Date of birth")
    )
    expect(born_line).to_contain_text("Against a match")
    assert_accessible(page)

    # 5. Link it.
    page.get_by_role("button", name="Same young person: link").click()
    page.wait_for_url("**/matching/review/")
    expect(page.get_by_text("Linked: the row's record is now part of")).to_be_visible()
    expect(page.get_by_text("No matches are waiting for review.")).to_be_visible()
    ty = ImportedRow.objects.get(batch=batch, given_name="Ty")
    record_id = ty.record_id
    assert record_id is not None  # a missing episode adds a record to the chronology
    assert ty.match_status == MatchStatus.LINKED
    assert ty.linked_how == LinkedHow.CLERICAL
    assert ty.young_person is not None
    assert ty.young_person.given_name == "Tyler"
    assert AgencyRecord.objects.filter(pk=record_id, young_person=ty.young_person).exists()

    # 6. Undo the link, with a reason.
    page.goto("/matching/links/")
    assert_accessible(page)
    page.get_by_role("link", name="Undo the link of Ty Sampleton-Synth to Tyler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo a link")
    assert_accessible(page)
    page.get_by_role("button", name="Undo the link").click()  # no reason yet: refused
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    reason = "Custody record shows a different date of birth: not the same boy (synthetic)."
    page.get_by_label("Why was this link wrong?").fill(reason)
    page.get_by_role("button", name="Undo the link").click()
    page.wait_for_url("**/matching/links/")
    expect(page.get_by_text("Link undone.")).to_be_visible()
    ty.refresh_from_db()
    assert ty.match_status == MatchStatus.IN_REVIEW
    assert ty.young_person is None
    assert ty.record_id is None
    assert not AgencyRecord.objects.filter(pk=record_id).exists()
    undone = UndoLink.objects.get(row=ty)
    assert undone.reason == reason
    assert ReviewItem.objects.filter(row=ty).exists()
