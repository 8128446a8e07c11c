"""The stored form of each kind of value: possible UK phones (drama ranges included), partial
plates, handles and folded names."""

from __future__ import annotations

import pytest

from intelligence.values import fold, normalise_handle, normalise_partial_plate
from people.identifiers import IdentifierError, normalise_possible_uk_phone, normalise_uk_phone


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("07700 900000", "+447700900000"),
        ("07700 900999", "+447700900999"),
        ("+44 7700 900500", "+447700900500"),
        ("01632 960001", "+441632960001"),
        ("020 7946 0018", "+442079460018"),
    ],
)
def test_every_ofcom_drama_number_is_a_possible_uk_phone(written, stored):
    assert normalise_possible_uk_phone(written) == stored


def test_in_prose_a_number_must_start_as_phone_numbers_are_written():
    # The form's rule reads ten bare digits as a national number without its 0; in a note
    # they are more often a reference.
    assert normalise_uk_phone("7700900123") == "+447700900123"
    with pytest.raises(IdentifierError):
        normalise_possible_uk_phone("7700900123")


def test_a_short_number_is_not_read_as_one_with_a_leading_zero():
    for normalise in (normalise_uk_phone, normalise_possible_uk_phone):
        with pytest.raises(IdentifierError):
            normalise("077009001")


@pytest.mark.parametrize(
    "written", ["077009001", "0770090012345", "7700900123", "+1 202 555 0100", "0800 FLOWERS"]
)
def test_wrong_lengths_other_countries_and_letters_are_refused(written):
    with pytest.raises(IdentifierError):
        normalise_possible_uk_phone(written)


@pytest.mark.parametrize(
    ("written", "stored"),
    [("ab1 ?", "AB1?"), ("KX*", "KX*"), ("*4yt", "*4YT"), ("LM52 ??", "LM52??")],
)
def test_partial_plates(written, stored):
    assert normalise_partial_plate(written) == stored


@pytest.mark.parametrize("written", ["AB12CDE", "A?", "A-B1?", "ABCDEFGH?"])
def test_a_full_or_unreadable_partial_plate_is_refused(written):
    with pytest.raises(IdentifierError):
        normalise_partial_plate(written)


def test_handles_and_names_fold():
    assert normalise_handle("@BigD_EB") == "bigd_eb"
    assert fold("  ‘Big   D’ ") == "big d"
    with pytest.raises(IdentifierError):
        normalise_handle("@x")
