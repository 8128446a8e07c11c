"""Keyed encodings: stable for one person, useless under another secret, tolerant of typos,
and hardened so that common names stop showing as common bit patterns. Synthetic names only."""

from __future__ import annotations

import random
from datetime import date

import pytest

from bench.pprl import frequency_attack
from pprl.encoding import (
    IDENTITY_FIELDS,
    MATCH_THRESHOLD,
    Blocker,
    Settings,
    choose_threshold,
    dice,
    encode,
    from_hex,
    one_to_one,
    scored_pairs,
    to_hex,
)

SECRET = b"test-partnership-secret-of-plenty-characters"
HARDENED = Settings(secret=SECRET)
PLAIN = Settings(secret=SECRET, salt_field=None, balanced=False)

JORDAN = {
    "given_name": "Jordan",
    "family_name": "Smyth",
    "date_of_birth": date(2010, 3, 4),
    "sex": "female",
    "postcode": "EB1 2AB",
}


def test_the_same_person_gets_the_same_encoding_however_the_details_are_typed():
    typed_differently = {
        "given_name": "  JORDAN ",
        "family_name": "smyth",
        "date_of_birth": "04/03/2010",
        "sex": "F",
        "postcode": "eb12ab",
    }
    assert encode(HARDENED, JORDAN) == encode(HARDENED, typed_differently)


def test_another_secret_gives_an_unrelated_encoding():
    other = Settings(secret=b"another-partnership-secret-entirely-different")
    ours, theirs = encode(HARDENED, JORDAN), encode(other, JORDAN)
    assert ours != theirs
    assert HARDENED.fingerprint() != other.fingerprint()
    # No better than two different people under the same secret.
    stranger = encode(HARDENED, {**JORDAN, "given_name": "Priya", "family_name": "Okonkwo"})
    assert dice(ours, theirs) < MATCH_THRESHOLD
    assert dice(ours, theirs) <= dice(ours, stranger) + 0.05


@pytest.mark.parametrize("settings", [HARDENED, PLAIN], ids=["hardened", "plain"])
def test_a_typo_still_matches_and_another_person_does_not(settings):
    ours = encode(settings, JORDAN)
    typo = encode(settings, {**JORDAN, "family_name": "Smith"})
    swapped_day_and_month = encode(settings, {**JORDAN, "date_of_birth": date(2010, 4, 3)})
    sibling = encode(settings, {**JORDAN, "given_name": "Kacper"})
    stranger = encode(
        settings,
        {
            "given_name": "Amira",
            "family_name": "Haddad",
            "date_of_birth": date(2009, 11, 23),
            "sex": "female",
            "postcode": "EB7 4QT",
        },
    )
    assert dice(ours, ours) == 1.0
    assert dice(ours, typo) > dice(ours, sibling) > dice(ours, stranger)
    assert dice(ours, swapped_day_and_month) > dice(ours, sibling)
    if settings is HARDENED:
        assert dice(ours, typo) >= MATCH_THRESHOLD
        assert dice(ours, stranger) < MATCH_THRESHOLD


def test_balanced_encodings_have_exactly_half_their_bits_set():
    people = _population(300, seed=1)
    hardened_share = _ones_share(HARDENED, people)
    plain_share = _ones_share(PLAIN, people)
    assert hardened_share == 0.5
    # Plain filters are mostly zeros, and how many ones shows how long the names are.
    assert plain_share < 0.35
    plain_weights = {encode(PLAIN, person).bit_count() for person in people}
    hardened_weights = {encode(HARDENED, person).bit_count() for person in people}
    assert len(plain_weights) > 10
    assert hardened_weights == {HARDENED.length}


def test_salting_makes_one_surname_set_different_bits_in_different_birth_years():
    older = {**JORDAN, "date_of_birth": date(2008, 3, 4)}
    plain_overlap = dice(encode(PLAIN, JORDAN), encode(PLAIN, older))
    salted = Settings(secret=SECRET, balanced=False)
    salted_overlap = dice(encode(salted, JORDAN), encode(salted, older))
    assert salted_overlap < plain_overlap


def test_a_frequency_attack_recovers_common_surnames_only_without_hardening():
    people = _population(2000, seed=2)
    knowledge = _population(2000, seed=3)
    plain = frequency_attack(PLAIN, people, knowledge, layout_known=True)
    hardened = frequency_attack(HARDENED, people, knowledge, layout_known=False)
    assert plain["records_recovered_share"] > 0.2
    assert hardened["records_recovered_share"] < 0.01
    assert hardened["distinct_patterns"] == len(people)


def test_blocking_finds_typos_and_the_threshold_keeps_strangers_out():
    people = _population(400, seed=4)
    rng = random.Random(5)
    copies = []
    for person in people:
        copy = dict(person)
        name = str(copy["family_name"])
        spot = rng.randrange(len(name))
        copy["family_name"] = name[:spot] + rng.choice("aeiou") + name[spot + 1 :]
        copies.append(copy)
    left = [encode(HARDENED, p) for p in people]
    right = [encode(HARDENED, p) for p in copies]
    pairs = scored_pairs(left, right, Blocker.for_settings(HARDENED))
    assert len(pairs) < len(left) * len(right) / 10  # blocking scored a small share of pairs
    chosen = one_to_one(pairs, choose_threshold(pairs))
    right_pairs = sum(1 for _, i, j in chosen if i == j)
    assert right_pairs >= 0.97 * len(people)
    assert right_pairs >= 0.99 * len(chosen)


def test_an_encoding_survives_a_file_and_a_wrong_length_is_refused():
    bits = encode(HARDENED, JORDAN)
    assert from_hex(to_hex(bits, HARDENED.bits), HARDENED.bits) == bits
    with pytest.raises(ValueError, match="hexadecimal"):
        from_hex(to_hex(bits, HARDENED.bits)[:-2], HARDENED.bits)
    with pytest.raises(ValueError, match="hexadecimal"):
        from_hex("zz" * (HARDENED.bits // 8), HARDENED.bits)


def test_the_identity_fields_are_the_five_agreed_ones():
    assert [f.name for f in IDENTITY_FIELDS] == [
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
    ]


# --- Synthetic populations ---------------------------------------------------------------

GIVEN = ["Jordan", "Priya", "Kacper", "Amira", "Leon", "Maisie", "Tyler", "Zara", "Ollie", "Ruby"]
# A skewed distribution, as real surnames are: a few very common, a long tail.
FAMILY = ["Smyth", "Jonas", "Wiliams", "Brownlow", "Taylorson"] + [
    f"Tailname{letter}{other}" for letter in "bcdfghjk" for other in "aeiou"
]


def _population(size: int, *, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    weights = [40, 25, 15, 10, 8] + [1] * (len(FAMILY) - 5)
    return [
        {
            "given_name": rng.choice(GIVEN),
            "family_name": rng.choices(FAMILY, weights)[0],
            "date_of_birth": date(rng.randint(2005, 2014), rng.randint(1, 12), rng.randint(1, 28)),
            "sex": rng.choice(["female", "male"]),
            "postcode": f"EB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGH')}Z",
        }
        for _ in range(size)
    ]


def _ones_share(settings: Settings, people: list[dict[str, object]]) -> float:
    return sum(encode(settings, p).bit_count() for p in people) / (len(people) * settings.bits)
