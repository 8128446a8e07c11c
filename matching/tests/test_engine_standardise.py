"""Standardising identity fields for linkage: names, nicknames, dates of birth, postcodes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import nicknames, standardise
from people.identifiers import make_upn

# Titles ("master", "mr") are dropped from names by design, so a part is never one.
NAME_PARTS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12).filter(
    lambda part: part not in {"mr", "mrs", "ms", "miss", "master", "dr", "mx"}
)


def test_case_punctuation_and_accents_do_not_matter():
    assert standardise.name("O'Brien") == standardise.name("OBRIEN") == "obrien"
    assert standardise.name("  José ") == standardise.name("JOSE") == "jose"
    assert standardise.name("Mary-Jane") == standardise.name("mary jane") == "mary jane"


def test_a_double_barrelled_name_keeps_both_parts():
    assert standardise.name_tokens("Smith-Jones") == ("smith", "jones")
    row = standardise.row({"id": "1", "family_name": "Smith–Jones"})  # an en dash
    assert row["family"] == "smith jones"
    assert row["family_tokens"] == ["smith", "jones"]
    assert row["family_multi"] is True


@settings(max_examples=50, deadline=None)  # a shared machine: no timing limits
@given(first=NAME_PARTS, second=NAME_PARTS, separator=st.sampled_from(["-", " ", " - ", "  "]))
def test_any_separator_between_name_parts_standardises_the_same(first, second, separator):
    assert standardise.name(first + separator + second) == f"{first} {second}"
    assert standardise.name((first + separator + second).upper()) == f"{first} {second}"


def test_nicknames_are_variants_of_their_full_names():
    assert nicknames.are_variants("alfie", "alfred")
    assert nicknames.are_variants("bill", "william")
    assert nicknames.are_variants("liz", "elizabeth")
    assert nicknames.are_variants("alex", "alexander")
    assert nicknames.are_variants("alex", "alexandra")
    # Both are variants of Alex, but not of each other.
    assert not nicknames.are_variants("alexander", "alexandra")
    assert not nicknames.are_variants("william", "elizabeth")


def test_a_nicknamed_record_shares_a_group_with_the_full_name():
    alfie = standardise.row({"id": "1", "given_name": "ALFIE"})
    alfred = standardise.row({"id": "2", "given_name": "Alfred"})
    assert isinstance(alfie["given_groups"], list)
    assert isinstance(alfred["given_groups"], list)
    assert set(alfie["given_groups"]) & set(alfred["given_groups"])


@settings(max_examples=50, deadline=None)  # a shared machine: no timing limits
@given(st.sampled_from(sorted(nicknames.groups_by_name())))
def test_every_listed_name_is_a_variant_of_itself_and_has_a_group(name):
    assert nicknames.are_variants(name, name)
    assert nicknames.canonical(name) in nicknames.groups(name)


def test_dates_of_birth_in_the_formats_agencies_send():
    expected = date(2010, 4, 3)
    assert standardise.date_of_birth("2010-04-03") == expected
    assert standardise.date_of_birth("20100403") == expected
    assert standardise.date_of_birth("03/04/2010") == expected
    assert standardise.date_of_birth(expected) == expected
    assert standardise.date_of_birth("31/02/2010") is None
    assert standardise.date_of_birth("") is None
    assert standardise.date_of_birth(None) is None


@settings(max_examples=50, deadline=None)  # a shared machine: no timing limits
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_swapping_day_and_month_twice_gives_the_date_back(born):
    swapped = standardise.swapped_day_month(born)
    if born.day > 12:
        assert swapped is None
    else:
        assert swapped is not None
        assert (swapped.day, swapped.month) == (born.month, born.day)
        assert standardise.swapped_day_month(swapped) == born


@settings(max_examples=50, deadline=None)  # a shared machine: no timing limits
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_date_parts_are_kept_for_comparison(born):
    row = standardise.row({"id": "1", "date_of_birth": born.strftime("%d/%m/%Y")})
    assert (row["dob"], row["dob_y"], row["dob_m"], row["dob_d"]) == (
        born.isoformat(),
        born.year,
        born.month,
        born.day,
    )


def test_uk_postcodes_split_into_levels():
    code = standardise.postcode(" eb12aa ")
    assert code is not None
    assert (code.full, code.sector, code.district, code.area) == ("EB1 2AA", "EB1 2", "EB1", "EB")
    assert (code.outward, code.inward) == ("EB1", "2AA")
    london = standardise.postcode("SW1A 1AA")
    assert london is not None
    assert (london.sector, london.district, london.area) == ("SW1A 1", "SW1A", "SW")


def test_a_code_that_is_not_a_uk_postcode_is_kept_whole():
    code = standardise.postcode("4122")
    assert code is not None
    assert (code.full, code.sector, code.district, code.area) == ("4122", None, None, None)
    assert standardise.postcode("  ") is None


@settings(max_examples=50, deadline=None)  # a shared machine: no timing limits
@given(
    area=st.sampled_from(["EB", "M", "SW", "B", "LS"]),
    district=st.integers(min_value=1, max_value=99),
    sector=st.integers(min_value=0, max_value=9),
    unit=st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
    spaced=st.booleans(),
    lower=st.booleans(),
)
def test_postcode_spacing_and_case_do_not_matter(area, district, sector, unit, spaced, lower):
    text = f"{area}{district}{' ' if spaced else ''}{sector}{unit}"
    code = standardise.postcode(text.lower() if lower else text)
    assert code is not None
    assert code.full == f"{area}{district} {sector}{unit}"
    assert code.sector == f"{area}{district} {sector}"
    assert code.area == area


def test_addresses_spell_out_abbreviations_and_street_drops_the_number():
    assert standardise.address("12, High Rd.") == standardise.address("12 high road")
    assert standardise.street(standardise.address("Flat 3, 12a High Rd")) == "high road"


def test_the_house_key_is_the_number_and_the_first_word_of_the_street():
    # Two spellings of one address with a typo later on share the key; a named house has none.
    assert standardise.house(standardise.address("38 Onslow Street, Prospect")) == "38 onslow"
    assert standardise.house(standardise.address("38 onslow sreet prospdct")) == "38 onslow"
    assert standardise.house(standardise.address("Rose Cottage, Mill Lane")) is None
    assert standardise.house(standardise.address("12")) is None
    assert standardise.house(None) is None


def test_gender_words_are_understood_and_unknown_ones_left_out():
    assert standardise.gender("Female") == standardise.gender("f") == "f"
    assert standardise.gender("boy") == "m"
    assert standardise.gender("not recorded") is None


def test_schools_compare_without_the_and_school():
    assert standardise.school("The Eastbrook School") == standardise.school("EASTBROOK")
    assert standardise.school("St Mary's C of E Primary") == "st marys c of e primary"


def test_the_town_is_optional_and_compared_as_a_name():
    assert standardise.row({"id": "1"})["town"] is None
    assert standardise.row({"id": "1", "town": "Newcastle-upon-Tyne"})["town"] == (
        "newcastle upon tyne"
    )


@pytest.mark.parametrize(
    ("recorded", "folded"),
    [
        ("Dąbrowska", "dabrowska"),
        ("DĄBROWSKA", "dabrowska"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Søren Ærø", "soren aero"),
        ("Straße", "strasse"),
        ("Đorđević", "dordevic"),
        ("Þórunn", "thorunn"),
        ("Ilıca", "ilica"),
    ],
)
def test_letters_unicode_does_not_decompose_fold_to_their_latin_spelling(recorded, folded):
    # No transliteration library is installed: NFKD plus an explicit table for ł, ø, ß, æ, đ...
    assert standardise.name(recorded) == folded


def test_folding_accents_keeps_different_names_different():
    assert standardise.name("Dąbrowska") != standardise.name("Dąbrowski")
    assert standardise.name("Łucja") != standardise.name("Lucia")


def test_only_a_valid_upn_or_nhs_number_is_kept_for_comparison():
    good = make_upn(881, 4001, 20, 17)
    bad = ("B" if good[0] != "B" else "C") + good[1:]
    row = standardise.row({"id": "1", "upn": good.lower(), "nhs_number": "943 476 5919"})
    assert (row["upn"], row["upn_permanent"], row["nhs"]) == (good, True, "9434765919")
    row = standardise.row({"id": "1", "upn": bad, "nhs_number": "9434765918"})
    assert (row["upn"], row["nhs"]) == (None, None)


def test_every_gender_tessera_stores_is_mapped_deliberately():
    """Each stored value of ``people.models.Gender`` is a word standardising knows, so a new
    choice cannot silently fall through to "missing"."""
    from people.models import Gender

    for value, label in Gender.choices:
        assert standardise.understands_gender(value), f"{value} ({label}) is not mapped"
    assert not standardise.understands_gender("martian")


def test_non_binary_as_stored_compares_with_non_binary_as_written_and_differs_from_girl():
    stored = standardise.row({"id": "1", "gender": "non_binary"})["gender"]
    written = standardise.row({"id": "2", "gender": "Non-binary"})["gender"]
    assert stored is not None
    assert stored == written
    assert stored not in (standardise.gender("female"), standardise.gender("male"))


def test_not_known_self_described_x_and_u_are_no_evidence_either_way():
    for value in ("not_known", "self_described", "X", "u"):
        assert standardise.understands_gender(value)
        assert standardise.gender(value) is None
