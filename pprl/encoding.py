"""Keyed Bloom-filter encodings of identities (CLK-style) and their comparison.

An agency that will not reveal who it is asking about turns each identity into a bit string:
every field is normalised and cut into tokens (bigrams for names and postcodes, parts for a
date of birth), each token is hashed with HMAC-SHA256 under the partnership secret, and ``k``
bit positions per token (double hashing) are set in that field's own segment of the filter
(a record-level Bloom filter of ``Settings.length`` bits). Similar
identities give similar filters, measured by the Dice coefficient, so a misspelt name still
matches; without the secret nobody can compute the encoding of a guessed identity.

Hardening against frequency attacks (see ADR 0008):

* **Salting**: the tokens of the name fields are hashed together with a salt taken from a stable
  field (the year of birth), so the same name sets different bits for people born in different
  years and a common surname no longer shows up as one frequent bit pattern.
* **Balancing**: the filter is followed by its complement and the ``2 * length`` bits are
  permuted by a permutation derived from the secret; every encoding then has exactly half of its
  bits set, which hides how long the names are, and where each field's bits are is known only
  to holders of the secret.

Filters are Python ``int`` values (bit ``i`` is position ``i``): fast ``&`` and ``bit_count``
with no extra dependency. Everything here is pure; nothing touches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import operator
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

ENCODING_VERSION = "clk1"
# Chosen on FEBRL4 with the identity fields (bench/pprl.py, "pprl_febrl4_identity_fields_only"):
# the label-free rule there puts the threshold at about 0.84; at 0.85 a person no other agency
# knows gets a false notice well under 1% of the time, at the cost of missing heavily corrupted
# identities. A notice only opens a request that a person at the holding agency decides, so a
# rare wrong one is caught before anything is shared.
MATCH_THRESHOLD = 0.85


@dataclass(frozen=True)
class FieldSpec:
    """How one field becomes bits.

    ``kind`` is ``name``, ``date``, ``code`` or ``exact``; ``hashes`` is ``k``, the positions
    each token sets; ``bits`` the length of the field's own segment of the filter (a
    record-level Bloom filter: each field hashes into its segment, and the segments together,
    permuted when balanced, make the encoding); ``salted`` says whether the record's salt is
    mixed into the field's tokens; ``blocking`` whether agreement on this field alone makes a
    pair worth scoring."""

    name: str
    kind: str
    hashes: int
    bits: int
    salted: bool = False
    blocking: bool = True


# The identity fields Tessera encodes for young people, and agencies encode for theirs.
IDENTITY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("given_name", "name", 10, 256, salted=True),
    FieldSpec("family_name", "name", 10, 256, salted=True),
    FieldSpec("date_of_birth", "date", 10, 128),
    FieldSpec("sex", "exact", 8, 32, blocking=False),
    FieldSpec("postcode", "code", 8, 128),
)


@dataclass(frozen=True)
class Settings:
    """One way of encoding. Both sides of a comparison must use the same settings and secret."""

    secret: bytes
    fields: tuple[FieldSpec, ...] = IDENTITY_FIELDS
    salt_field: str | None = "date_of_birth"  # the salt is the year taken from this field
    balanced: bool = True
    _gather: list[Callable[[str], Any]] = field(default_factory=list, compare=False, repr=False)
    _permutation: list[int] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.secret:
            raise ValueError("The partnership secret is empty.")
        if self.balanced:
            size = 2 * self.length
            permutation = _keyed_permutation(self.secret, size)
            self._permutation.extend(permutation)
            inverse = [0] * size
            for source, target in enumerate(permutation):
                inverse[target] = source
            # Character t of the binary text is bit size-1-t; itemgetter gathers in C.
            self._gather.append(
                operator.itemgetter(*[size - 1 - inverse[size - 1 - t] for t in range(size)])
            )

    @property
    def length(self) -> int:
        """The filter's length before balancing."""
        return sum(spec.bits for spec in self.fields)

    @property
    def bits(self) -> int:
        """The length of the encodings these settings produce."""
        return 2 * self.length if self.balanced else self.length

    @property
    def hardened(self) -> bool:
        return self.balanced and self.salt_field is not None

    def offsets(self) -> dict[str, int]:
        start, found = 0, {}
        for spec in self.fields:
            found[spec.name] = start
            start += spec.bits
        return found

    def position(self, original: int) -> int:
        """Where bit ``original`` of the unbalanced filter ends up in the encoding."""
        return self._permutation[original] if self.balanced else original

    def fingerprint(self) -> str:
        """Identifies secret and settings without revealing the secret: two files encoded with
        the same fingerprint can be compared; different fingerprints cannot."""
        description = f"{ENCODING_VERSION}|{self.salt_field}|{self.balanced}|" + ";".join(
            f"{f.name}:{f.kind}:{f.hashes}:{f.bits}:{f.salted}" for f in self.fields
        )
        return hmac.new(self.secret, description.encode(), hashlib.sha256).hexdigest()[:16]


# --- Normalising and tokenising ----------------------------------------------------------


def normalise_name(value: object) -> str:
    """Lower case, accents removed, letters only: "O'Brien-Smith" and "obrien smith" agree."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


def normalise_code(value: object) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(value or "").upper())


def parse_date(value: object) -> date | None:
    """A date as ISO ``YYYY-MM-DD``, ``YYYYMMDD`` or ``DD/MM/YYYY``; anything else is missing."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


def normalise_sex(value: object) -> str:
    text = str(value or "").strip().lower()
    if text in {"f", "female", "girl"}:
        return "f"
    if text in {"m", "male", "boy"}:
        return "m"
    return ""  # unknown or self-described: no token, so it neither agrees nor disagrees


def bigrams(text: str) -> list[str]:
    padded = f"_{text}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)] if text else []


def tokens_of(spec: FieldSpec, value: object) -> list[str]:
    if spec.kind == "name":
        return bigrams(normalise_name(value))
    if spec.kind == "code":
        return bigrams(normalise_code(value))
    if spec.kind == "date":
        born = parse_date(value)
        if born is None:
            return []
        # Day and month apart, plus the unordered pair, so a day/month swap still half-agrees.
        low, high = sorted((born.day, born.month))
        return [f"y{born.year}", f"m{born.month}", f"d{born.day}", f"dm{low}-{high}"]
    text = normalise_sex(value) if spec.name == "sex" else normalise_code(value)
    return [text] if text else []


def salt_of(settings: Settings, identity: Mapping[str, object]) -> str:
    if settings.salt_field is None:
        return ""
    born = parse_date(identity.get(settings.salt_field))
    return str(born.year) if born else ""


# --- Encoding ----------------------------------------------------------------------------


def _keyed_permutation(secret: bytes, size: int) -> list[int]:
    seed = hmac.new(secret, f"permutation:{size}".encode(), hashlib.sha256).digest()
    order = list(range(size))
    random.Random(seed).shuffle(order)  # keyed: the seed is secret, not the generator
    return order


def _positions(secret: bytes, token: bytes, hashes: int, length: int) -> range | list[int]:
    """Double hashing: k positions first + i * step (mod length), from one keyed digest."""
    digest = hmac.digest(secret, token, "sha256")
    first = int.from_bytes(digest[:8], "big") % length
    step = int.from_bytes(digest[8:16], "big") % length or 1
    while math.gcd(step, length) != 1:  # a step sharing a factor with the length would repeat
        step += 1
    return [(first + i * step) % length for i in range(hashes)]


def encode(settings: Settings, identity: Mapping[str, object]) -> int:
    """One identity (field name -> value) as a Bloom filter held in an ``int``."""
    salt = salt_of(settings, identity)
    secret = settings.secret
    length = settings.length
    bits = bytearray(length)
    offset = 0
    for spec in settings.fields:
        prefix = f"{spec.name}\x1f{salt if spec.salted else ''}\x1f"
        for token in tokens_of(spec, identity.get(spec.name)):
            for position in _positions(secret, (prefix + token).encode(), spec.hashes, spec.bits):
                bits[offset + position] = 1
        offset += spec.bits
    # bits[i] is bit i: reversed, it reads as a binary number with bit 0 last.
    value = int(bits[::-1].translate(_AS_DIGITS), 2)
    if settings.balanced:
        value = _balance(settings, value, length)
    return value


_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _balance(settings: Settings, bits: int, length: int) -> int:
    full = (1 << length) - 1
    doubled = bits | ((full ^ bits) << length)
    text = format(doubled, f"0{2 * length}b")
    return int("".join(settings._gather[0](text)), 2)


def to_hex(bits: int, size: int) -> str:
    return bits.to_bytes(size // 8, "big").hex()


def from_hex(text: str, size: int) -> int:
    """An encoding read from a file; raises ``ValueError`` when it is not ``size`` bits of hex."""
    cleaned = text.strip().lower()
    if len(cleaned) != size // 4 or not re.fullmatch(r"[0-9a-f]+", cleaned):
        raise ValueError(f"an encoding is {size // 4} hexadecimal characters")
    return int(cleaned, 16)


# --- Comparing ---------------------------------------------------------------------------


def dice(a: int, b: int) -> float:
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


@dataclass(frozen=True)
class Blocker:
    """Locality-sensitive hashing over the bits: keyed samples ("bands") of positions.

    Two encodings that agree on every sampled position of any one band become a candidate pair;
    encodings of the same value almost always do, unrelated ones almost never, so only a small
    share of all pairs is ever scored. Drawing the positions needs the secret and the layout,
    which Tessera holds; the bands are computed on Tessera's side, never sent by the agency.
    """

    masks: tuple[int, ...]

    @classmethod
    def for_settings(cls, settings: Settings, *, bands: int = 3, rows: int = 20) -> Blocker:
        """``bands`` bands per blocking field, each of ``rows`` keyed positions drawn from that
        field's segment: a pair agreeing on one field (a name, the date of birth, the postcode)
        is scored even when every other field disagrees."""
        chooser = random.Random(hmac.new(settings.secret, b"blocking", hashlib.sha256).digest())
        masks = []
        offsets = settings.offsets()
        for spec in settings.fields:
            if not spec.blocking:
                continue
            for _ in range(bands):
                mask = 0
                for original in chooser.sample(range(spec.bits), min(rows, spec.bits)):
                    mask |= 1 << settings.position(offsets[spec.name] + original)
                masks.append(mask)
        return cls(tuple(masks))

    def keys(self, bits: int) -> list[tuple[int, int]]:
        return [(band, bits & mask) for band, mask in enumerate(self.masks)]

    def candidates(self, left: Sequence[int], right: Sequence[int]) -> Iterable[tuple[int, int]]:
        """Index pairs (into ``left`` and ``right``) that share at least one band."""
        index: dict[tuple[int, int], list[int]] = defaultdict(list)
        for j, bits in enumerate(right):
            for key in self.keys(bits):
                index[key].append(j)
        for i, bits in enumerate(left):
            seen: set[int] = set()
            for key in self.keys(bits):
                for j in index.get(key, ()):
                    if j not in seen:
                        seen.add(j)
                        yield i, j


def scored_pairs(
    left: Sequence[int], right: Sequence[int], blocker: Blocker, *, floor: float = 0.0
) -> list[tuple[float, int, int]]:
    """Candidate pairs with their Dice coefficient, best first."""
    pairs = []
    for i, j in blocker.candidates(left, right):
        score = dice(left[i], right[j])
        if score >= floor:
            pairs.append((score, i, j))
    pairs.sort(reverse=True)
    return pairs


def one_to_one(
    pairs: Iterable[tuple[float, int, int]], threshold: float
) -> list[tuple[float, int, int]]:
    """Greedy best-first assignment: each record on either side is matched at most once."""
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    chosen = []
    for score, i, j in sorted(pairs, reverse=True):
        if score < threshold:
            break
        if i in taken_left or j in taken_right:
            continue
        taken_left.add(i)
        taken_right.add(j)
        chosen.append((score, i, j))
    return chosen


def choose_threshold(
    pairs: Sequence[tuple[float, int, int]], *, quantile: float = 0.99, default: float = 0.8
) -> float:
    """A threshold from the data alone, without labels.

    When a record's best candidate is the same person, its runner-up is someone else who merely
    shares a field (blocking only brings such pairs together). The runner-ups' scores therefore
    show how high a different person scores; the threshold is set above ``quantile`` of them.
    With fewer than 20 runner-ups there is too little to go on and ``default`` is used.
    """
    best: set[int] = set()
    runner_up: dict[int, float] = {}
    for score, i, _ in sorted(pairs, reverse=True):
        if i not in best:
            best.add(i)
        elif i not in runner_up:
            runner_up[i] = score
    scores = sorted(runner_up.values())
    if len(scores) < 20:
        return default
    return scores[min(len(scores) - 1, math.ceil(quantile * len(scores)) - 1)]
