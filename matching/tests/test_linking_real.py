"""One import batch through the real Splink engine (DuckDB), end to end, on synthetic data.

Kept to one engine run: the other matching tests use a stand-in with set scores.
"""

from __future__ import annotations

from datetime import date

from imports.models import ImportedRow, MatchStatus
from matching import linking
from matching.models import LinkageModel
from matching.tests.helpers import batch, person, rows
from partnership.models import Role


def test_a_batch_links_a_misspelt_pupil_and_registers_an_unknown_one(agencies, make_user):
    importer = make_user(Role.PRACTITIONER, "school")
    jessica = person("Jessica", "Smith", born=date(2011, 3, 4))
    person("Tyler", "Brown", born=date(2010, 9, 12), postcode="EB4 7QT")
    person("Amira", "Haddad", born=date(2012, 1, 30), postcode="EB2 9LN")
    the_batch = batch(agencies["school"], importer)
    known, unknown = rows(the_batch, "Jessica Smith", "Zofia Kowalczyk")
    ImportedRow.objects.filter(pk=unknown.pk).update(
        date_of_birth=date(2009, 6, 21), postcode="EB9 1ZZ"
    )

    summary = linking.link_pending_rows(the_batch.pk)

    known = ImportedRow.objects.get(pk=known.pk)
    unknown = ImportedRow.objects.get(pk=unknown.pk)
    assert known.young_person == jessica
    assert known.match_status == MatchStatus.LINKED
    assert unknown.match_status == MatchStatus.NEW_PERSON
    assert unknown.young_person is not None
    assert unknown.young_person.family_name == "Kowalczyk"
    assert summary.rows == 2
    # The feed's model was estimated and kept for the next import.
    saved = LinkageModel.objects.get(feed=the_batch.feed)
    assert saved.rows_used > 0
    assert saved.model["comparisons"]
