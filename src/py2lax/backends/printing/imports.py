"""Adding the imports rewritten code needs (``jax``, ``functools``, ``py2lax``) where isort
and ruff would put them, so that the file stays as its formatter keeps it.

The module's leading imports are read as groups, one per run of lines with no blank
line or comment between. ``import jax`` and ``import py2lax`` go to the group of
third-party imports (the one that already imports from the same package, if any);
``import functools`` to the standard library's. Inside a group an import goes where the
group's order puts it: by module name, with plain ``import`` statements before
``from`` imports unless the group mixes them (isort's ``force_sort_within_sections``,
as in JAX's own sources). A missing group is made, between the groups around it, with
one blank line on each side.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.analysis.targets import Imports

_SECTIONS = {"future": 0, "stdlib": 1, "thirdparty": 2, "local": 3}


@dataclass
class _Import:
    node: ast.stmt
    module: str          # "numpy" for `import numpy as np`, "jax._src" for `from jax._src import x`
    straight: bool       # `import x`, not `from x import y`
    section: int


def add_imports(text: str, imports: Imports, needed: set) -> str:
    """``text`` with an ``import NAME`` (``as ALIAS``) for each ``(NAME, ALIAS)`` in
    ``needed`` that the input module (``imports``) does not import under that name."""
    missing = sorted((name, alias) for name, alias in needed
                     if imports.aliases.get(alias) != name)
    for name, alias in missing:
        text = _added(text, name, alias)
    return text


def _added(text: str, name: str, alias: str) -> str:
    lines = S.source_lines(text, keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    statement = f"import {name}\n" if name == alias else f"import {name} as {alias}\n"
    new = _Import(None, name, True, _section(name, 0))
    body = ast.parse(text).body
    groups = _groups(body)
    group = _group_for(groups, new)
    if group is not None:
        row = _row_in_group(group, new)
        return "".join(lines[:row] + [statement] + lines[row:])
    before = [g for g in groups if g[0].section <= new.section]
    if before:   # a group of its own after the groups of earlier sections
        row = before[-1][-1].node.end_lineno
        return "".join(lines[:row] + ["\n", statement] + _gap(lines[row:], 1) + lines[row:])
    if groups:   # ... or before the first group
        row = groups[0][0].node.lineno - 1
        return "".join(lines[:row] + [statement, "\n"] + lines[row:])
    row = _top_row(body, lines)
    blank = 0
    while row + blank < len(lines) and not lines[row + blank].strip():
        blank += 1
    rest = lines[row + blank:]
    code = rest[0].lstrip() if rest else ""
    wanted = 2 if code.startswith(("def ", "async def ", "class ", "@", "# py2lax:")) else (
        1 if rest else 0)
    return "".join(lines[:row] + (["\n"] if row else []) + [statement]
                   + ["\n"] * max(blank, wanted) + rest)


def _gap(rest: list[str], lines: int) -> list[str]:
    """Blank lines to add before ``rest`` so that at least ``lines`` separate it."""
    return ["\n"] * lines if rest and rest[0].strip() else []


def _section(module: str, level: int) -> int:
    top = module.split(".")[0]
    if level:
        return _SECTIONS["local"]
    if top == "__future__":
        return _SECTIONS["future"]
    return _SECTIONS["stdlib" if top in sys.stdlib_module_names else "thirdparty"]


def _groups(body: list) -> list[list[_Import]]:
    """The module's leading imports (after its docstring), in runs without a gap."""
    start = 1 if body and _is_docstring(body[0]) else 0
    groups: list[list[_Import]] = []
    for node in body[start:]:
        if isinstance(node, ast.Import):
            found = _Import(node, node.names[0].name, True, _section(node.names[0].name, 0))
        elif isinstance(node, ast.ImportFrom):
            found = _Import(node, node.module or "", False, _section(node.module or "", node.level))
        else:
            break
        if groups and groups[-1][-1].node.end_lineno + 1 == node.lineno:
            groups[-1].append(found)
        else:
            groups.append([found])
    return groups


def _group_for(groups: list[list[_Import]], new: _Import) -> list[_Import] | None:
    """The group of ``new``'s package, or else the first of its section (a group's
    section is its first import's: a first-party group may mix in relative imports)."""
    package = new.module.split(".")[0]
    for group in groups:
        if any(member.module.split(".")[0] == package and member.section == new.section
               for member in group):
            return group
    return next((g for g in groups if g[0].section == new.section), None)


def _row_in_group(group: list[_Import], new: _Import) -> int:
    """The row (0-based) before which ``new`` goes to keep the group's order."""
    mixed = any(not a.straight and b.straight for a, b in zip(group, group[1:]))

    def key(item: _Import):
        name = item.module.lower()
        return (name,) if mixed else (not item.straight, name)

    for member in group:
        if key(member) > key(new):
            return member.node.lineno - 1
    return group[-1].node.end_lineno


def _top_row(body: list, lines: list[str]) -> int:
    """Where imports start in a module without any: after its docstring, or after a
    shebang, encoding line or licence header."""
    if body and _is_docstring(body[0]):
        return body[0].end_lineno
    row = 0
    while row < len(lines) and lines[row].startswith("#") and not lines[row].startswith(
            "# py2lax:"):  # (py2lax's note on the function below is not a header)
        row += 1
    return row


def _is_docstring(node) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))
