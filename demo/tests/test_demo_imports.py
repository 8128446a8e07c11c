"""The demo's two imports went through the real import job and the real matching engine.

Expected counts come from the rows the demo wrote (``demo.imports.attendance_file`` and
``missing_file`` rebuild them from the same seed), never from the import's own output.
"""

from __future__ import annotations

import pytest

from demo import imports as demo_imports
from demo.eastbrook import Generator
from imports.models import (
    BatchStatus,
    Feed,
    ImportBatch,
    ImportedRow,
    ImportRejection,
    LinkedHow,
    MatchStatus,
)
from matching.models import ReviewItem
from partnership.models import AgencyKind
from pprl.models import EncodingSubmission, LinkNotice
from records.models import AgencyRecord


@pytest.fixture
def town(db, settings, tmp_path):
    settings.TESSERA_IMPORTS_DIR = tmp_path
    generator = Generator(seed=2017, size="tiny")
    generator.run()
    return generator


def _rows(batch: ImportBatch) -> dict[int, ImportedRow]:
    return {row.row_number: row for row in ImportedRow.objects.filter(batch=batch)}


def test_the_school_file_links_by_upn_by_matching_and_sends_unclear_rows_to_review(town):
    planned = demo_imports.attendance_file(town)
    batch = ImportBatch.objects.get(feed=Feed.SCHOOL_ATTENDANCE)
    assert batch.status == BatchStatus.DONE
    assert batch.user is not None
    assert batch.user.username == demo_imports.SCHOOL_IMPORTER
    assert "synthetic" in batch.file_name
    kinds = [row.kind for row in planned]
    assert batch.rows_seen == len(planned)
    assert batch.rows_rejected == kinds.count(demo_imports.REJECTED)
    assert batch.rows_linked == kinds.count(demo_imports.UPN)  # linked by UPN, at once

    # A wrong check letter: reported against each of its rows, the row kept and matched.
    kept = ImportRejection.objects.filter(batch=batch, kept=True)
    assert kept.count() == kinds.count(demo_imports.BAD_UPN) > 0
    assert set(kept.values_list("field", flat=True)) == {"upn"}
    rejected = ImportRejection.objects.filter(batch=batch, kept=False)
    assert {"code", "lesson", "attendance_date", "family_name"} <= set(
        rejected.values_list("field", flat=True)
    )

    imported = _rows(batch)
    known = {person.pk for person in town.registered}
    linked_by_matching = 0
    for number, plan in enumerate(planned, start=2):
        row = imported.get(number)
        if plan.kind == demo_imports.REJECTED:
            assert row is None
            continue
        assert row is not None
        if plan.kind == demo_imports.UPN:
            assert row.linked_how == LinkedHow.UPN
        if plan.kind == demo_imports.NEW:
            # The first of a new child's rows registers them; their other rows link to them.
            assert row.young_person is not None
            assert row.young_person.pk not in known
            assert row.young_person.is_synthetic
            continue
        if row.match_status == MatchStatus.LINKED:
            # Whatever linked it, it is the young person the row was written from.
            assert row.young_person_id == plan.young_person_id
            linked_by_matching += row.linked_how == LinkedHow.PROBABILISTIC
        if row.match_status == MatchStatus.IN_REVIEW:
            candidates = set(ReviewItem.objects.filter(row=row).values_list("candidate", flat=True))
            assert plan.young_person_id in candidates
    assert linked_by_matching > 0
    # The hardest rows (nickname, swapped date of birth, a slip, moved house) link to the right
    # child or wait for a person; the demo's review queue is never empty (the police file's
    # rows without identifiers keep it stocked).
    assert ReviewItem.objects.exists()
    new_people = {
        row.young_person_id for row in imported.values() if row.linked_how == LinkedHow.NEW_PERSON
    }
    assert len(new_people) == 2  # the two children the school knew and the partnership did not
    # Absences became chronology records, all synthetic, each naming its file and row.
    records = AgencyRecord.objects.filter(
        pk__in=[r.record_id for r in imported.values() if r.record_id]
    )
    assert records.exists()
    assert not records.filter(is_synthetic=False).exists()
    assert all(record.facts["imported_from"]["batch"] == batch.pk for record in records)


def test_the_police_file_matches_without_identifiers_and_rejects_two_rows(town):
    planned = demo_imports.missing_file(town)
    batch = ImportBatch.objects.get(feed=Feed.POLICE_MISSING)
    assert batch.status == BatchStatus.DONE
    assert batch.user is not None
    assert batch.user.username == demo_imports.POLICE_IMPORTER
    kinds = [row.kind for row in planned]
    assert batch.rows_rejected == kinds.count(demo_imports.REJECTED) == 2
    assert batch.rows_linked == 0  # the force sent no UPN or NHS number
    imported = _rows(batch)
    for number, plan in enumerate(planned, start=2):
        row = imported.get(number)
        if plan.kind == demo_imports.REJECTED:
            assert row is None
            continue
        assert row is not None
        if plan.kind == demo_imports.NEW:
            assert row.match_status == MatchStatus.NEW_PERSON
        else:
            assert row.match_status in (MatchStatus.LINKED, MatchStatus.IN_REVIEW)
            if row.match_status == MatchStatus.LINKED:
                assert row.young_person_id == plan.young_person_id
    rules = dict(ImportRejection.objects.filter(batch=batch).values_list("field", "rule"))
    assert set(rules) == {"returned_at", "risk_grading"}
    # The uploaded copies are gone once the imports finished.
    assert not list(town_upload_files())


def town_upload_files():
    from imports.storage import upload_dir

    return upload_dir().glob("*.csv")


def test_the_voluntary_sector_submission_finds_young_people_other_agencies_know(town):
    identities = demo_imports.pprl_identities(town, demo_imports.missing_file(town))
    submission = EncodingSubmission.objects.get()
    assert submission.submitted_by.username == demo_imports.PPRL_SUBMITTER
    assert submission.agency.kind == AgencyKind.VOLUNTARY_SECTOR
    assert submission.rows_compared == len(identities)
    assert submission.rows_rejected == 0
    # Every young person on the list but the one no agency knows is held by another agency.
    notices = LinkNotice.objects.filter(submission=submission)
    assert notices.count() == len(identities) - 1
    unknown_reference = identities[-1]["reference"]
    assert not notices.filter(reference=unknown_reference).exists()
