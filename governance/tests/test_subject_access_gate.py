"""Only an IG officer's own agency's records go into a subject access export."""

from __future__ import annotations

from datetime import date

from governance import policy
from partnership.models import Role
from people.models import YoungPerson
from records.tests.helpers import record


def test_the_gate_gives_an_ig_officer_all_their_own_agency_holds_and_nothing_else(make_user):
    person = YoungPerson.objects.create(
        given_name="Sar", family_name="Subject", date_of_birth=date(2010, 1, 1), is_synthetic=True
    )
    dsl = make_user(Role.PRACTITIONER, "school")
    own = record(dsl, person, classification="restricted")
    record(make_user(Role.PRACTITIONER, "police"), person)
    ig = make_user(Role.IG_OFFICER, "school")
    assert list(policy.held_for_subject_access(ig, person)) == [own]
    assert not policy.held_for_subject_access(dsl, person).exists()
