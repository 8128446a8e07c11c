"""One permission policy: no second list of roles anywhere to disagree with it.

Every "may this role do this" is asked of ``governance.permissions``. These tests read the
source: a set, list or tuple of ``Role`` members outside the policy module, a ``.role``
comparison in a view or the navigation, or ``user.role`` in a template fails them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from governance.permissions import Capability

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS = {".venv", "node_modules", "migrations", "tests", "var", ".git"}
POLICY_MODULE = Path("governance/permissions.py")
# The roles that read case content are defined beside the User model, below the policy (the
# ``reads_case_content`` property needs them); the policy builds on that one list.
GROUND_LISTS = {Path("partnership/models.py"): "CASE_CONTENT_ROLES"}
# Modules a view or the navigation lives in: they ask the policy, never compare roles.
VIEW_MODULE = re.compile(r"(^|/)(\w*views\.py|navigation\.py|context_processors\.py)$")


def python_modules() -> list[Path]:
    return sorted(
        path.relative_to(ROOT)
        for path in ROOT.rglob("*.py")
        if not SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts)
    )


def templates() -> list[Path]:
    return sorted(
        path.relative_to(ROOT)
        for path in ROOT.rglob("templates/**/*.html")
        if not SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts)
    )


def _is_role_member(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def role_collections(source: str) -> list[tuple[int, str]]:
    """Each set, list or tuple of ``Role.`` members (a literal, or one built with set(),
    frozenset(), list() or tuple()), with its line and the name it is assigned to, if any.
    A record that mentions one role among other fields is not a collection of roles."""
    tree = ast.parse(source)
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names[id(node.value)] = target.id
    found = []
    inside_calls: set[int] = set()
    for node in ast.walk(tree):
        elements: list[ast.expr] = []
        if isinstance(node, ast.Set | ast.List | ast.Tuple) and id(node) not in inside_calls:
            elements = list(node.elts)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"set", "frozenset", "list", "tuple"}
            and node.args
            and isinstance(node.args[0], ast.Set | ast.List | ast.Tuple)
        ):
            elements = list(node.args[0].elts)
            inside_calls.add(id(node.args[0]))
        if isinstance(node, ast.expr) and elements and all(map(_is_role_member, elements)):
            found.append((node.lineno, names.get(id(node), "")))
    return found


def role_comparisons(source: str) -> list[int]:
    """Lines comparing something's ``.role`` (``user.role == …``, ``x.role in …``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "role" for side in sides):
                lines.append(node.lineno)
    return lines


def test_no_module_outside_the_policy_defines_a_collection_of_roles():
    offenders = []
    for path in python_modules():
        if path == POLICY_MODULE:
            continue
        for line, name in role_collections((ROOT / path).read_text()):
            if GROUND_LISTS.get(path) == name:
                continue
            offenders.append(f"{path}:{line} {name}".strip())
    assert not offenders, "Ask governance.permissions instead of listing roles: " + ", ".join(
        offenders
    )


def test_no_view_or_navigation_compares_roles():
    offenders = [
        f"{path}:{line}"
        for path in python_modules()
        if VIEW_MODULE.search(path.as_posix())
        for line in role_comparisons((ROOT / path).read_text())
    ]
    assert not offenders, "Ask governance.permissions.may instead: " + ", ".join(offenders)


def test_no_template_looks_at_the_users_role():
    offenders = [
        f"{path}:{number}"
        for path in templates()
        for number, line in enumerate((ROOT / path).read_text().splitlines(), 1)
        if re.search(r"\buser\.role\b", line)
    ]
    assert not offenders, "Use {% if may.<capability> %} instead: " + ", ".join(offenders)


def test_every_may_in_a_template_names_a_capability():
    known = {capability.value for capability in Capability}
    used = {
        (path, name)
        for path in templates()
        for name in re.findall(r"\bmay\.(\w+)", (ROOT / path).read_text())
    }
    assert used, "no template asks the policy: has the check stopped finding them?"
    unknown = sorted(f"{path}: may.{name}" for path, name in used if name not in known)
    assert not unknown, unknown


# The checks themselves, on a deliberate violation of each rule, so they cannot pass by
# finding nothing.


@pytest.mark.parametrize(
    "source",
    [
        "MANAGERS = frozenset({Role.COORDINATOR, Role.MASH_SCREENER})",
        "ALLOWED = [Role.ANALYST]",
        "ok = user.role in (Role.COORDINATOR, Role.ANALYST)",
        "people = User.objects.filter(role__in=(Role.COORDINATOR,))",
    ],
)
def test_a_collection_of_roles_is_found(source):
    assert role_collections(source)


def test_a_single_role_or_a_record_naming_one_is_not_a_collection():
    assert not role_collections('User(role=Role.ADMINISTRATOR)\nx = ["a", "b"]')
    assert not role_collections('people = (("police.cse", Role.COORDINATOR, "Coordinator"),)')


@pytest.mark.parametrize(
    "source", ["user.role == Role.COORDINATOR", "request.user.role != 'x'", "u.role in roles"]
)
def test_a_role_comparison_is_found(source):
    assert role_comparisons(source)


def test_every_module_and_template_is_read():
    paths = {path.as_posix() for path in python_modules()}
    assert {"cases/views.py", "web/navigation.py", "governance/permissions.py"} <= paths
    assert Path("cases/templates/cases/detail.html") in templates()
