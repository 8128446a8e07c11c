"""A school attendance file imported end to end: the import job links the row with a valid UPN,
then the real Splink engine (DuckDB) matches the rest. Synthetic data.

Kept to one engine run: the other matching tests use a stand-in with set scores.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from governance.models import AuditEvent
from imports.models import Feed, ImportedRow, LinkedHow, MatchStatus
from imports.tests.helpers import UPN, attendance, run_import, write_csv
from matching.models import LinkageModel
from matching.tests.helpers import person
from partnership.models import Role


def test_an_imported_file_links_by_upn_then_by_matching_and_registers_the_unknown(
    agencies, make_user, tmp_path: Path
):
    importer = make_user(Role.PRACTITIONER, "school")
    kayla = person("Kayla", "Synthetic-Testperson")
    kayla.upn = UPN
    kayla.save()
    jessica = person("Jessica", "Smith", born=date(2011, 5, 17), postcode="EB3 4CD")
    person("Tyler", "Brown", born=date(2010, 9, 12), postcode="EB4 7QT")
    person("Amira", "Haddad", born=date(2012, 1, 30), postcode="EB2 9LN")
    path = write_csv(
        tmp_path / "synthetic-attendance.csv",
        [
            attendance(),  # Kayla, with her UPN
            attendance(
                upn="",
                given_name="Jessica",
                family_name="Smith",
                date_of_birth="2011-05-17",
                postcode="EB3 4CD",
            ),
            attendance(
                upn="",
                given_name="Zofia",
                family_name="Kowalczyk",
                date_of_birth="2009-06-21",
                postcode="EB9 1ZZ",
            ),
        ],
    )

    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"], actor=importer)

    by_name = {row.given_name: row for row in ImportedRow.objects.filter(batch=batch)}
    assert by_name["Kayla"].young_person == kayla
    assert by_name["Kayla"].linked_how == LinkedHow.UPN
    assert by_name["Jessica"].young_person == jessica
    assert by_name["Jessica"].linked_how == LinkedHow.PROBABILISTIC
    assert by_name["Zofia"].match_status == MatchStatus.NEW_PERSON
    assert by_name["Zofia"].young_person is not None
    assert by_name["Zofia"].young_person.family_name == "Kowalczyk"
    # The feed's model was estimated and kept for the next import.
    saved = LinkageModel.objects.get(feed=Feed.SCHOOL_ATTENDANCE)
    assert saved.rows_used > 0
    assert saved.model["comparisons"]
    # The matching run is audited as the importing user.
    assert AuditEvent.objects.filter(
        object_type="import_batch",
        object_id=str(batch.pk),
        actor_id=importer.pk,
        details__new_people=1,
    ).exists()
