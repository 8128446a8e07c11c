"""The record-linkage engine: Splink 5 with Tessera's comparisons, pure Python (no Django models).

``link(left, right)`` compares two sets of identity records (for example the young people already
known against a police missing-episode feed) and returns scored candidate pairs, each with the
evidence behind its score: which fields agreed, at which level, and by how much (the log2 Bayes
factor, "match weight", of that level). ``train_model`` estimates the model's parameters without
labelled data (u by random sampling, m by expectation maximisation on blocked pairs) and returns
it as a JSON-able dict that can be saved per feed and reused.

Records are mappings with the keys ``id`` (str), ``given_name``, ``family_name``, ``other_names``,
``date_of_birth`` (date or None), ``gender``, ``postcode``, ``school`` and ``address``, and
optionally ``town`` (the locality, when a feed keeps it apart from the address), ``upn`` and
``nhs_number``; a missing value is None. A valid UPN or NHS number is evidence both ways: the same
one strongly for, two different ones strongly against (the hard rule, that two different valid
identifiers are two children unless a person said otherwise, is applied to the scored pairs by
``matching.linking``). Standardisation is in ``matching.standardise``; the comparisons and
blocking rules are below. The backend is DuckDB (in-process) by default or Spark
(``matching.spark``), chosen by the ``backend`` argument or the ``TESSERA_LINKAGE_BACKEND``
setting.
"""

from __future__ import annotations

import copy
import logging
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pyarrow as pa  # type: ignore[import-untyped]
from django.conf import settings
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.database_api import DatabaseAPI

from matching import spark, standardise

MODEL_FORMAT = "tessera-linkage"
MODEL_VERSION = 6  # bump when comparisons or levels change meaning
BACKENDS = ("duckdb", "spark")

# Training sizes: enough pairs for stable estimates, small enough to train a feed in seconds.
U_MAX_PAIRS = 100_000
U_SEED = 5
EM_MAX_PAIRS = 2_000_000
EM_SAMPLE_ABOVE = 20_000  # records on the smaller side
# Share of true matches the deterministic rules are assumed to find, used only for the prior.
DETERMINISTIC_RECALL = 0.8

# Fewer records than this on either side: keep the starting m and u values (random pairs of a
# few records are not "almost all non-matches", and EM needs many blocked pairs).
MIN_RECORDS_FOR_EM = 300

# The share of true matches whose dates of birth differ wholly (fixed, not estimated: see the
# date of birth comparison).
DOB_DIFFERENT_M = 0.005

logger = logging.getLogger(__name__)
logging.getLogger("splink").setLevel(logging.ERROR)


class FieldEvidence(NamedTuple):
    """How one field compared: ``label`` in plain words, ``weight`` = log2 Bayes factor.
    (A named tuple: a link makes one per field per scored pair, thousands a batch.)"""

    field: str
    label: str
    weight: float


@dataclass(frozen=True)
class Candidate:
    """A scored pair: ``left_id`` from the left records, ``right_id`` from the right."""

    left_id: str
    right_id: str
    match_weight: float
    probability: float
    evidence: tuple[FieldEvidence, ...]


# -- The model ----------------------------------------------------------------------------------


def _equal(column: str) -> str:
    return f"{column}_l = {column}_r"


class _Level(cll.CustomLevel):
    """A level written in SQL that DuckDB and Spark both read (unquoted lower-case column
    names), except ``OVERLAP(a, b)`` (the arrays share an element): DuckDB's
    ``list_has_any`` or Spark's ``arrays_overlap``."""

    def create_sql(self, sql_dialect: Any) -> str:
        function = "arrays_overlap(" if sql_dialect.sql_dialect_str == "spark" else "list_has_any("
        return self.sql_condition.replace("OVERLAP(", function)


def _level(sql: str, label: str) -> ComparisonLevelCreator:
    return _Level(sql, label_for_charts=label)


def _null(column: str) -> ComparisonLevelCreator:
    return cll.NullLevel(column).configure(label_for_charts="missing on one side")


def _else() -> ComparisonLevelCreator:
    return cll.ElseLevel().configure(label_for_charts="different")


def comparisons() -> list[ComparisonCreator]:
    """The comparisons, most specific level first in each. Labels are shown to reviewers.

    Every pair that is not a match falls through all the levels of a comparison, so costly
    tests are few and guarded: one Jaro-Winkler level per field, array overlaps only when a
    name has several groups or parts, and exact part comparisons for dates.
    """
    given = _comparison(
        "given_name",
        "Given name",
        _null("given_first"),
        (
            _level(_equal("given_first"), "same").configure(tf_adjustment_column="given_first"),
            "same",
            0.82,
            0.01,
        ),
        (
            _level(
                "given_canon_l = given_canon_r OR ((given_multi_l OR given_multi_r)"
                " AND OVERLAP(given_groups_l, given_groups_r))",
                "nickname",
            ),
            0.06,
            0.002,
        ),
        (
            _level(
                "given_first_l = family_r AND family_l = given_first_r",
                "swapped with family name",
            ),
            0.01,
            0.0005,
        ),
        (cll.JaroWinklerLevel("given_first", 0.88), "small spelling difference", 0.05, 0.01),
        (
            _level(
                "given_first_l = family_r OR family_l = given_first_r",
                "one name in the other's place",
            ),
            0.01,
            0.002,
        ),
        (
            _level(
                "(more_names_l OR more_names_r) AND OVERLAP(forenames_l, forenames_r)",
                "middle name used",
            ),
            0.01,
            0.002,
        ),
        (_else(), 0.04, 0.973),
    )
    family = _comparison(
        "family_name",
        "Family name",
        _null("family"),
        (
            _level(_equal("family"), "same").configure(tf_adjustment_column="family"),
            "same",
            0.85,
            0.005,
        ),
        (
            # The same event as the given name's "swapped" level: counted once, there.
            _level(
                "family_l = given_first_r AND given_first_l = family_r",
                "swapped with given name (counted under given name)",
            ).configure(fix_m_probability=True, fix_u_probability=True),
            0.001,
            0.001,
        ),
        (
            _level(
                "(family_multi_l OR family_multi_r) AND OVERLAP(family_tokens_l, family_tokens_r)",
                "one part of a double-barrelled name",
            ),
            0.04,
            0.001,
        ),
        (cll.JaroWinklerLevel("family", 0.88), "small spelling difference", 0.06, 0.01),
        (_else(), 0.04, 0.984),
    )
    born = _comparison(
        "date_of_birth",
        "Date of birth",
        _null("dob"),
        (_level(_equal("dob"), "same"), 0.85, 0.0003),
        (
            _level(
                "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
                "day and month swapped",
            ),
            0.02,
            0.0003,
        ),
        (
            _level(
                "(dob_y_l = dob_y_r AND (dob_m_l = dob_m_r OR dob_d_l = dob_d_r))"
                " OR (dob_m_l = dob_m_r AND dob_d_l = dob_d_r)",
                "day, month or year different",
            ),
            0.09,
            0.01,
        ),
        (_level(_equal("dob_y"), "same year only"), 0.02, 0.08),
        # A date of birth wholly different (not one part, not day and month swapped) is rare
        # on a true match and usual for a brother or sister: m is fixed, not estimated. EM on
        # unlabelled pairs counts siblings (same surname, postcode and address) as matches and
        # learnt m of about 0.06 on the Eastbrook feeds, so a 17-year-old's police record went
        # to review against a 5-year-old brother (bench linkage_all_feeds).
        (_else().configure(fix_m_probability=True), DOB_DIFFERENT_M, 0.91),
    )
    code = _comparison(
        "postcode",
        "Postcode",
        _null("postcode"),
        (_level(_equal("postcode"), "same"), 0.7, 0.001),
        (_level(_equal("pc_sector"), "same sector"), 0.05, 0.005),
        (_level(_equal("pc_district"), "same district"), 0.05, 0.02),
        (
            _level(
                "levenshtein(postcode_l, postcode_r) <= 1 OR pc_sorted_l = pc_sorted_r",
                "one character different or two swapped",
            ),
            0.03,
            0.01,
        ),
        (_level(_equal("pc_area"), "same area"), 0.04, 0.2),
        (_else(), 0.13, 0.764),
    )
    sex = _comparison(
        "gender",
        "Gender",
        _null("gender"),
        (_level(_equal("gender"), "same"), 0.97, 0.5),
        (_else(), 0.03, 0.5),
    )
    school = _comparison(
        "school",
        "School",
        _null("school"),
        (_level(_equal("school"), "same"), 0.85, 0.1),
        (_else(), 0.15, 0.9),
    )
    home = _comparison(
        "address",
        "Address",
        _null("address"),
        (_level(_equal("address"), "same"), 0.6, 0.0005),
        (_level(_equal("street"), "same apart from the house number"), 0.1, 0.001),
        (cll.JaroWinklerLevel("address", 0.88), "small spelling difference", 0.15, 0.005),
        (_else(), 0.15, 0.9935),
    )
    town = _comparison(
        "town",
        "Town or locality",
        _null("town"),
        (_level(_equal("town"), "same"), 0.8, 0.01),
        (cll.JaroWinklerLevel("town", 0.9), "small spelling difference", 0.1, 0.01),
        (_else(), 0.1, 0.98),
    )
    # Hard identifiers: fixed, not estimated. EM on unlabelled pairs would learn that twins
    # (same name, date of birth and address, different UPNs) "match" and wash the evidence out.
    # A different valid identifier on a true match is a rare keying error that still passes the
    # check; the same one on two different children is rarer still (shared in error).
    pupil = _comparison(
        "upn",
        "Unique Pupil Number",
        _null("upn"),
        (_fixed(_level(_equal("upn"), "same")), 0.98, 0.000001),
        (
            _fixed(
                _level(
                    "NOT (upn_permanent_l AND upn_permanent_r)",
                    "different, one of them temporary",
                )
            ),
            0.01,
            0.01,
        ),
        (_fixed(_else().configure(label_for_charts="different")), 0.001, 0.99),
    )
    nhs = _comparison(
        "nhs_number",
        "NHS number",
        _null("nhs"),
        (_fixed(_level(_equal("nhs"), "same")), 0.99, 0.000001),
        (_fixed(_else().configure(label_for_charts="different")), 0.001, 0.999999),
    )
    return [given, family, born, code, sex, school, home, town, pupil, nhs]


def _fixed(level: ComparisonLevelCreator) -> ComparisonLevelCreator:
    return level.configure(fix_m_probability=True, fix_u_probability=True)


def _comparison(
    name: str, description: str, null: Any, *levels: tuple[Any, ...]
) -> ComparisonCreator:
    """A comparison from its null level and (level, [label,] starting m, starting u) tuples.

    The starting m and u are EM's starting point and the values kept when the data are too
    few to estimate them (a first, small feed)."""
    built = [null]
    for spec in levels:
        level = spec[0]
        if len(spec) == 4:
            level.configure(label_for_charts=spec[1])
        level.configure(m_probability=spec[-2], u_probability=spec[-1])
        built.append(level)
    return cl.CustomComparison(
        output_column_name=name, comparison_description=description, comparison_levels=built
    )


def blocking_rules() -> list[BlockingRuleCreator | str]:
    """Which pairs are compared at all. A pair is scored if any one rule lets it through, so
    each rule survives a different kind of error (a typo in the date, a nickname, a move...)."""
    return [
        block_on("dob"),
        block_on("given_first", "family"),
        block_on("family", "dob_y"),
        # given and family names swapped
        "l.given_first = r.family AND l.family = r.given_first",
        # day and month of birth swapped
        "l.dob_y = r.dob_y AND l.dob_m = r.dob_d AND l.dob_d = r.dob_m",
        block_on("given_canon", "family_sx"),
        block_on("postcode"),
        block_on("street", "family_sx"),
        # the same house number and street, whatever else was mistyped
        block_on("house"),
        block_on("address"),
        block_on("town", "given_first"),
        block_on("town", "family_sx"),
        block_on("given_canon", "dob_y", "dob_m"),
        # the same pupil or patient whatever else changed (a new school, a move, a new name)
        block_on("upn"),
        block_on("nhs"),
    ]


def _training_rules() -> list[BlockingRuleCreator]:
    return [block_on("dob"), block_on("given_first", "family")]


def _deterministic_rules() -> list[BlockingRuleCreator]:
    return [block_on("given_first", "family", "dob")]


def _settings(link_type: str) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=comparisons(),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking_rules(),  # type: ignore[arg-type]
        retain_matching_columns=True,  # Splink keeps gamma_ (the level) only with these
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )


# -- Backends -----------------------------------------------------------------------------------


def backend_name(backend: str | None = None) -> str:
    """The backend to use: the argument, else ``settings.TESSERA_LINKAGE_BACKEND``, else duckdb."""
    if backend is None:
        try:
            backend = (
                getattr(settings, "TESSERA_LINKAGE_BACKEND", None) if settings.configured else None
            )
        except ImportError:  # pragma: no cover - the engine also runs without Django
            backend = None
    backend = backend or "duckdb"
    if backend not in BACKENDS:
        raise ValueError(
            f"Unknown linkage backend {backend!r}; choose one of {', '.join(BACKENDS)}."
        )
    return backend


_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given", pa.string()),
        ("given_first", pa.string()),
        ("given_groups", pa.list_(pa.string())),
        ("given_multi", pa.bool_()),
        ("given_canon", pa.string()),
        ("given_sx", pa.string()),
        ("forenames", pa.list_(pa.string())),
        ("more_names", pa.bool_()),
        ("family", pa.string()),
        ("family_tokens", pa.list_(pa.string())),
        ("family_multi", pa.bool_()),
        ("family_sx", pa.string()),
        ("dob", pa.string()),
        ("dob_y", pa.int32()),
        ("dob_m", pa.int32()),
        ("dob_d", pa.int32()),
        ("gender", pa.string()),
        ("postcode", pa.string()),
        ("pc_sector", pa.string()),
        ("pc_district", pa.string()),
        ("pc_area", pa.string()),
        ("pc_sorted", pa.string()),
        ("school", pa.string()),
        ("address", pa.string()),
        ("street", pa.string()),
        ("house", pa.string()),
        ("town", pa.string()),
        ("upn", pa.string()),
        ("upn_permanent", pa.bool_()),
        ("nhs", pa.string()),
    ]
)


def standardised_table(records: Iterable[Mapping[str, object]]) -> pa.Table:
    """The records standardised into an Arrow table with the model's columns."""
    rows = [standardise.row(record) for record in records]
    return pa.Table.from_pylist(rows, schema=_SCHEMA)


def _database(backend: str) -> DatabaseAPI[Any]:
    if backend == "spark":
        return spark.database_api()
    return DuckDBAPI()


def _register(db_api: DatabaseAPI[Any], backend: str, table: pa.Table, name: str) -> Any:
    if backend == "spark":
        return db_api.register(spark.dataframe(table), dataset_display_name=name)
    return db_api.register(table, dataset_display_name=name)


def _table_names() -> tuple[str, str]:
    """Fresh names for the two inputs: a Spark session outlives one call and keeps its views
    ("left" and "right" themselves are SQL keywords)."""
    token = secrets.token_hex(4)
    return f"records_left_{token}", f"records_right_{token}"


def _clean_up(db_api: DatabaseAPI[Any], backend: str, names: Sequence[str]) -> None:
    """Drop what this call made in a long-lived (Spark) session; DuckDB's goes with it."""
    if backend != "spark":
        return
    db_api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
    for name in names:
        spark.session().catalog.dropTempView(name)


def _dialect(backend: str) -> str:
    return "spark" if backend == "spark" else "duckdb"


# -- Training -----------------------------------------------------------------------------------


def train_model(
    left: Sequence[Mapping[str, object]],
    right: Sequence[Mapping[str, object]] | None = None,
    *,
    backend: str | None = None,
) -> dict[str, Any]:
    """Estimate the model on these records without labels and return it as a JSON-able dict.

    With ``right`` the model is trained for linking left to right; without it, on pairs within
    ``left`` (deduplication). The prior (the chance two random records match) comes from
    deterministic rules; u from random pairs; m by expectation maximisation on pairs that share
    a date of birth and on pairs that share given and family name.
    """
    name = backend_name(backend)
    db_api = _database(name)
    names = _table_names()
    try:
        tables = [_register(db_api, name, standardised_table(left), names[0])]
        sizes = [len(left)]
        if right is not None:
            tables.append(_register(db_api, name, standardised_table(right), names[1]))
            sizes.append(len(right))
        link_type = "link_only" if right is not None else "dedupe_only"
        return _export(_train(tables, link_type, sizes))
    finally:
        _clean_up(db_api, name, names)


def _train(tables: list[Any], link_type: str, sizes: list[int]) -> Linker:
    """The linker with its parameters: estimated from the data when there are enough records,
    otherwise (and whenever estimating fails) the starting values.

    Estimation fails safe. On small or degenerate data (a first file of a few hundred records,
    or every blocked pair the same record twice) EM can drive the chance of a match to 1 or an
    m probability to 0, and Splink then stops with an error (its SQL reads the infinite weight
    as ``inf``, or it refuses an m of 0.0). An import must not stop for that: the starting m and
    u written in :func:`comparisons` and the deterministic prior are used instead, with a
    warning in the log, and the model says so (``estimated: False``) so that the matching app
    estimates it again when the data has grown."""
    possible = sizes[0] * sizes[1] if link_type == "link_only" else sizes[0] * (sizes[0] - 1) // 2
    if possible == 0:
        raise ValueError("There are no pairs of records to learn from.")
    if min(sizes) < MIN_RECORDS_FOR_EM:
        logger.info(
            "Linkage: %s records are too few to estimate m and u; keeping starting values.",
            min(sizes),
        )
        return _starting_linker(tables, link_type, sizes)
    linker = Linker(tables, _settings(link_type), log_level=None)
    fallback_prior = _fallback_prior(link_type, sizes)
    linker._settings_obj._probability_two_random_records_match = fallback_prior
    try:
        linker.training.estimate_u_using_random_sampling(
            max_pairs=U_MAX_PAIRS, seed=U_SEED, num_chunks=1
        )
        for rule in _training_rules():
            before = linker.misc.save_model_to_json()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule,
                    estimate_without_term_frequencies=True,
                    # Sampling the blocked pairs costs a probe pass: only worth it on big inputs.
                    max_pairs=EM_MAX_PAIRS if min(sizes) > EM_SAMPLE_ABOVE else None,
                    populate_probability_two_random_records_match_from_trained_values=True,
                )
            except ValueError as error:
                if "below the minimum allowed value" not in str(error):
                    raise
                # EM drove an m probability to zero (Splink refuses it): among the pairs this
                # rule blocks, no match differs that way. A first school roll of distinct
                # pupils does it, each pupil matching only themselves. Keep the model as it
                # was before this round rather than fail the import.
                logger.info("Linkage: an EM round underflowed; keeping the earlier estimates.")
                linker = Linker(tables, before, log_level=None)
                continue
            trained = linker._settings_obj._probability_two_random_records_match
            if not 0 < trained < 1:  # also NaN: EM found no matching pairs (every record new)
                linker._settings_obj._probability_two_random_records_match = fallback_prior
        _check_estimates(linker)
    except Exception as error:  # any failure to estimate falls back, logged
        # The class name only: an error's text may quote the data (SQL, values).
        logger.warning(
            "Linkage: m and u could not be estimated from %s records (%s); using the starting "
            "m and u values of matching.engine.comparisons() and the deterministic prior "
            "instead. The model is estimated again once the data has grown.",
            " and ".join(str(size) for size in sizes),
            type(error).__name__,
        )
        return _starting_linker(tables, link_type, sizes)
    linker._tessera_estimated = True  # type: ignore[attr-defined]
    return linker


def _fallback_prior(link_type: str, sizes: list[int]) -> float:
    return 1 / max(*sizes, 2) if link_type == "link_only" else 1 / max(sizes[0], 2)


def _starting_linker(tables: list[Any], link_type: str, sizes: list[int]) -> Linker:
    """The starting m and u of :func:`comparisons`, and the prior from a deterministic rule
    (same names and date of birth, assumed to find ``DETERMINISTIC_RECALL`` of the matches)."""
    linker = Linker(tables, _settings(link_type), log_level=None)
    prior: float | None = None
    try:
        linker.training.estimate_probability_two_random_records_match(
            _deterministic_rules(),  # type: ignore[arg-type]
            recall=DETERMINISTIC_RECALL,
        )
        prior = linker._settings_obj._probability_two_random_records_match
    except Exception:  # no pair found by the rule, or too few: the fallback
        prior = None
    if not prior or not 0 < prior < 1:
        prior = _fallback_prior(link_type, sizes)
    linker._settings_obj._probability_two_random_records_match = prior
    linker._tessera_estimated = False  # type: ignore[attr-defined]
    return linker


class EstimationFailed(ValueError):
    """EM finished with values no linker can score with (an m or u of 0, 1 or not a number)."""


def _check_estimates(linker: Linker) -> None:
    prior = linker._settings_obj._probability_two_random_records_match
    if not (isinstance(prior, float | int) and 0 < prior < 1):
        raise EstimationFailed("the prior is not a probability strictly between 0 and 1")
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            for value in (level.m_probability, level.u_probability):
                if value is not None and not (math.isfinite(value) and 0 < value <= 1):
                    raise EstimationFailed("an m or u probability is outside (0, 1]")


def _export(linker: Linker) -> dict[str, Any]:
    settings = linker.misc.save_model_to_json()
    return {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "probability_two_random_records_match": settings["probability_two_random_records_match"],
        # False: the starting values (too few records, or estimating them failed).
        "estimated": bool(getattr(linker, "_tessera_estimated", False)),
        "comparisons": [
            {
                "output_column_name": comparison["output_column_name"],
                "levels": [
                    {
                        "label": level.get("label_for_charts"),
                        "m_probability": level.get("m_probability"),
                        "u_probability": level.get("u_probability"),
                    }
                    for level in comparison["comparison_levels"]
                ],
            }
            for comparison in settings["comparisons"]
        ],
    }


def _settings_from_model(model: Mapping[str, Any], dialect: str) -> dict[str, Any]:
    """Today's comparisons in the backend's SQL dialect with the model's trained parameters."""
    if model.get("format") != MODEL_FORMAT or model.get("version") != MODEL_VERSION:
        raise ValueError("This linkage model was saved by a different engine version; retrain it.")
    settings = _settings("link_only").create_settings_dict(dialect)
    built = settings["comparisons"]
    saved = model["comparisons"]
    if [c["output_column_name"] for c in built] != [c["output_column_name"] for c in saved]:
        raise ValueError("The linkage model's comparisons differ from the engine's; retrain it.")
    for comparison, trained in zip(built, saved, strict=True):
        levels = comparison["comparison_levels"]
        if len(levels) != len(trained["levels"]):
            raise ValueError("The linkage model's levels differ from the engine's; retrain it.")
        for level, values in zip(levels, trained["levels"], strict=True):
            if level.get("label_for_charts") != values.get("label"):
                raise ValueError("The linkage model's levels differ from the engine's; retrain it.")
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if values.get(key) is not None:
                    level[key] = values[key]
    settings["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return settings


# -- Linking ------------------------------------------------------------------------------------


def link(
    left: Sequence[Mapping[str, object]],
    right: Sequence[Mapping[str, object]],
    *,
    model: Mapping[str, Any] | None = None,
    backend: str | None = None,
    min_probability: float = 0.01,
) -> list[Candidate]:
    """Score every blocked pair of (left, right) records; return those at ``min_probability``
    or above, best first. Without a ``model`` one is trained on these records first (and
    scores at once, as ``train_model`` then ``link`` with its result would)."""
    name = backend_name(backend)
    db_api = _database(name)
    names = _table_names()
    try:
        tables = [
            _register(db_api, name, standardised_table(left), names[0]),
            _register(db_api, name, standardised_table(right), names[1]),
        ]
        if model is None:
            linker = _train(tables, "link_only", [len(left), len(right)])
            settings = linker.misc.save_model_to_json()
        else:
            settings = _settings_from_model(model, _dialect(name))
            # The settings are the engine's own, checked when the model was trained.
            linker = Linker(
                tables, copy.deepcopy(settings), log_level=None, validate_settings=False
            )
        predictions = linker.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
        labels = _labels(settings)
        # Only the columns the candidates need, by column: the full prediction table carries
        # every compared value and intermediate figure, many times what is read here.
        wanted = [
            "source_dataset_l",
            "unique_id_l",
            "unique_id_r",
            "match_weight",
            "match_probability",
        ]
        for field in labels:
            wanted += [f"gamma_{field}", f"mw_{field}"]
        present = {column.unquote().name for column in predictions.columns}
        wanted += [f"mw_tf_adj_{field}" for field in labels if f"mw_tf_adj_{field}" in present]
        select = f"SELECT {', '.join(wanted)} FROM {{this}}"  # noqa: S608 - our own column names
        columns = predictions.query_sql(select).as_dict()
    finally:
        _clean_up(db_api, name, names)
    candidates = _candidates(columns, labels, names[1])
    candidates.sort(key=lambda c: (-c.match_weight, c.left_id, c.right_id))
    return candidates


def _labels(settings: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = {}
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        by_gamma: dict[int, str] = {}
        count = len([level for level in levels if not level.get("is_null_level")])
        for level in levels:
            if level.get("is_null_level"):
                by_gamma[-1] = str(level.get("label_for_charts") or "missing")
            else:
                count -= 1
                by_gamma[count] = str(level.get("label_for_charts"))
        found[comparison["output_column_name"]] = by_gamma
    return found


def _candidates(
    columns: Mapping[str, Sequence[Any]], labels: Mapping[str, Mapping[int, str]], right_name: str
) -> list[Candidate]:
    """Candidates from the prediction columns: per field, the level's label and its weight
    (the level's log2 Bayes factor plus any term-frequency adjustment)."""
    per_field = []
    for field, by_gamma in labels.items():
        weights = columns[f"mw_{field}"]
        adjustments = columns.get(f"mw_tf_adj_{field}") or [None] * len(weights)
        per_field.append(
            [
                FieldEvidence(
                    field, by_gamma.get(int(g), str(g)), round(float(w) + float(a or 0), 3)
                )
                for g, w, a in zip(columns[f"gamma_{field}"], weights, adjustments, strict=True)
            ]
        )
    found = []
    for index, (source, left_id, right_id, weight, probability) in enumerate(
        zip(
            columns["source_dataset_l"],
            columns["unique_id_l"],
            columns["unique_id_r"],
            columns["match_weight"],
            columns["match_probability"],
            strict=True,
        )
    ):
        if source == right_name:
            left_id, right_id = right_id, left_id
        found.append(
            Candidate(
                left_id=str(left_id),
                right_id=str(right_id),
                match_weight=float(weight),
                probability=float(probability),
                evidence=tuple(evidence[index] for evidence in per_field),
            )
        )
    return found


def count_pairs(
    left: Sequence[Mapping[str, object]],
    right: Sequence[Mapping[str, object]],
    *,
    backend: str | None = None,
) -> int:
    """How many (left, right) pairs the blocking rules let through: the pairs ``link`` scores."""
    name = backend_name(backend)
    db_api = _database(name)
    names = _table_names()
    try:
        tables = [
            _register(db_api, name, standardised_table(left), names[0]),
            _register(db_api, name, standardised_table(right), names[1]),
        ]
        counts = count_comparisons_from_blocking_rules(
            tables,
            blocking_rules=blocking_rules(),
            link_type="link_only",
            source_dataset_column_name="source_dataset",
            record_sample_proportion=1.0,
        )
    finally:
        _clean_up(db_api, name, names)
    return int(counts[-1]["cumulative_comparison_count"]) if counts else 0
