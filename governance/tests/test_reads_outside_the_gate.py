"""Nothing outside the gate reads young people, their records or the links in them itself.

``governance.policy`` answers "what may this user see" with querysets and decisions. A module
that writes ``AgencyRecord.objects.filter(...)`` for a page has made a second gate, which will
one day disagree with the first. An import contract cannot see this (the model import is
allowed), so this test reads the code: every use of one of these models' managers outside
``governance`` fails, unless it is a write (``actions.py``), a migration, a test, the demo or the
bench, or named below with the reason it shows nobody anything the gate has not decided.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GATED_MODELS = frozenset(
    {
        "AgencyRecord",
        "RecordLink",
        "YoungPerson",
        # Intelligence: its own gate is intelligence/gate.py, built on governance.policy.
        "IntelligenceReport",
        "SourceDetail",
        "Occurrence",
        "ExtractionDecision",
        "Alias",
        "EntityLink",
        "PersonOfInterest",
        "Phone",
        "Vehicle",
        "OnlineIdentity",
        "Location",
    }
)
MANAGERS = frozenset({"objects", "_default_manager"})
# Where reading these models directly is the point: the gate itself, writes, and data set-up.
OUTSIDE_THE_RULE = (
    "governance/",
    "intelligence/gate.py",
    "demo/",
    "bench/",
    "tests/",
    "conftest.py",
)
SKIPPED_FOLDERS = frozenset({".venv", "node_modules", "migrations", "tests", "var", ".git"})

# (file, function, model): why this read shows nobody anything the gate has not decided.
ALLOWED = {
    ("records/queries.py", "chronology_for", "AgencyRecord"): (
        "the chronology reads one young person's records and decides each with policy.level_of"
    ),
    ("records/views.py", "_record_at_level", "AgencyRecord"): (
        "one record by id, decided by policy.level_of; below the level asked for, a 404"
    ),
    ("imports/engine.py", "_owners", "YoungPerson"): (
        "an import matches its rows to young people by identifier; it writes links, shows nothing"
    ),
    ("imports/engine.py", "_link_deterministically", "YoungPerson"): (
        "attaching rows to the young people their identifiers matched (a write)"
    ),
    ("matching/linking.py", "register_records", "YoungPerson"): (
        "record linkage compares every identity; pairs reach people only through the review queue"
    ),
    ("matching/linking.py", "held_identifiers", "YoungPerson"): (
        "the UPNs and NHS numbers that keep two children apart in linkage; shows nobody anything"
    ),
    ("pprl/linkage.py", "holders_of", "AgencyRecord"): (
        "which agencies hold anything on a young person, to route a privacy-preserving match"
    ),
    ("pprl/linkage.py", "held_by_others", "AgencyRecord"): (
        "the young people to encode for comparison: Bloom filters, never names, leave Tessera"
    ),
    ("pprl/linkage.py", "held_by_others", "YoungPerson"): (
        "the young people to encode for comparison: Bloom filters, never names, leave Tessera"
    ),
    ("pprl/linkage.py", "identities_of", "YoungPerson"): (
        "identities to encode as Bloom filters; disclosure waits for a sharing decision"
    ),
}


def reads_outside_the_gate(source: str, filename: str) -> set[tuple[str, str, str]]:
    """(file, enclosing function, model) for each use of a gated model's manager.

    ``Model.objects.none()`` reads nothing and is not counted.
    """
    found: set[tuple[str, str, str]] = set()

    def visit(node: ast.AST, function: str, parent: ast.AST | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in GATED_MODELS
            and not (isinstance(parent, ast.Attribute) and parent.attr == "none")
        ):
            found.add((filename, function, node.value.id))
        for child in ast.iter_child_nodes(node):
            visit(child, function, node)

    visit(ast.parse(source, filename), "<module>", None)
    return found


def _modules() -> list[Path]:
    paths = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_FOLDERS & set(relative.parts[:-1]):
            continue
        name = relative.as_posix()
        if name.startswith(OUTSIDE_THE_RULE) or relative.name == "actions.py":
            continue
        paths.append(path)
    return paths


def _reads_in_tree() -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for path in _modules():
        name = path.relative_to(ROOT).as_posix()
        found |= reads_outside_the_gate(path.read_text(encoding="utf-8"), name)
    return found


def test_no_module_outside_the_gate_reads_young_people_records_or_links_itself():
    unexplained = sorted(_reads_in_tree() - ALLOWED.keys())
    assert not unexplained, (
        "These read young people, records, links or intelligence without the gate. Ask "
        "governance.policy for a queryset (records_visible_to, links_visible_to, "
        "young_people_for) or a decision (level_of), or intelligence.gate for intelligence "
        "(reports_visible_to, report_or_404, occurrences_visible_to, entity_or_404), or add the "
        f"read to ALLOWED with the reason it shows nobody anything: {unexplained}"
    )


def test_every_allowed_read_is_still_there():
    # An entry whose read has gone would let a new read in the same place pass unnoticed.
    stale = sorted(ALLOWED.keys() - _reads_in_tree())
    assert not stale, f"Remove these from ALLOWED, the code no longer reads there: {stale}"


def test_the_check_sees_a_page_filtering_records_by_agency():
    source = (
        "def chronology(request):\n"
        "    rows = AgencyRecord.objects.filter(owning_agency=request.user.agency)\n"
        "    links = RecordLink.objects.all()\n"
        "    nobody = YoungPerson.objects.none()\n"
    )
    assert reads_outside_the_gate(source, "referrals/views.py") == {
        ("referrals/views.py", "chronology", "AgencyRecord"),
        ("referrals/views.py", "chronology", "RecordLink"),
    }
