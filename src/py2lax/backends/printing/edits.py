"""Edits to a module's text: the rewritten functions spliced in, and the decorators and
module-level calls that change (``@autograph_jit`` -> ``@jax.jit``, ``py2lax.convert(f)``
-> ``f``) rewritten in place, the rest of their text as the user wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.backends.printing.layout import SourceText
from py2lax.backends.printing.printer import string_rows
from py2lax.analysis.targets import CallSite, Imports, Target


@dataclass
class Edit:
    """Rows ``first..last`` of the module replaced by ``text``."""

    first: int           # 1-based rows replaced, inclusive (last == first - 1: inserted)
    last: int
    text: str
    indented: bool = False   # the text has its indentation already


def splice(lines: list[str], edits: list[Edit], readable: bool) -> str:
    """The module's ``lines`` with the edits made (plain ``ast.unparse`` text, for
    ``readable=False``, is indented like the row it replaces)."""
    lines = list(lines)
    # Bottom up; at the same row, a replacement before an insertion above it.
    for edit in sorted(edits, key=lambda e: (e.first, e.last >= e.first), reverse=True):
        text = edit.text
        if not (readable or edit.indented):
            text = _indented(text, lines[edit.first - 1])
        lines[edit.first - 1:edit.last] = [text] if text else []
    return "".join(lines)


def _indented(text: str, first_line: str) -> str:
    """``text`` moved right to ``first_line``'s indentation, but for the rows inside a
    multi-line string (a docstring's), whose leading spaces are part of the string."""
    column = len(first_line) - len(first_line.lstrip())
    inside = string_rows(text)
    indented = "".join(" " * column + line if line.strip() and row not in inside else line
                       for row, line in enumerate(S.source_lines(text, keepends=True), 1))
    return indented + ("\n" if not indented.endswith("\n") else "")


def call_site_edits(sites: list[CallSite], lines: list[str], imports: Imports,
                    needed: set, dropped: set) -> list[Edit]:
    """``autograph_jit(f, ...)`` -> ``jax.jit(f, ...)`` and ``py2lax.convert(f)`` -> ``f``
    in the module-level statements that call them, the rest of the line kept as written."""
    by_statement: dict[int, tuple] = {}
    for site in sites:
        by_statement.setdefault(id(site.statement), (site.statement, []))[1].append(site)
    edits = []
    for statement, group in by_statement.values():
        rows = lines[statement.lineno - 1:statement.end_lineno]
        replacements = []
        for site in group:
            dropped.add(id(site.call.func))
            if site.kind == "autograph":
                jax_name = imports.spelling("jax") or "jax"
                needed.add(("jax", jax_name))
                replacements.append((site.call.func, f"{jax_name}.jit"))
            else:
                replacements.append((site.call, site.call.args[0].id))
        for node, text in sorted(replacements, key=lambda r: (r[0].lineno, r[0].col_offset),
                                 reverse=True):
            rows = _replaced(rows, statement.lineno, node, text)
        edits.append(Edit(statement.lineno, statement.end_lineno, "".join(rows)))
    return edits


def _replaced(rows: list[str], first_row: int, node, text: str) -> list[str]:
    """``rows`` (starting at row ``first_row``) with ``node``'s source span replaced."""
    start, end = node.lineno - first_row, node.end_lineno - first_row
    head = _prefix(rows[start], node.col_offset)
    tail = rows[end][len(_prefix(rows[end], node.end_col_offset)):]
    return rows[:start] + [head + text + tail] + rows[end + 1:]


def _prefix(line: str, byte_column: int) -> str:
    """The text before a column as ``ast`` counts it (in UTF-8 bytes)."""
    return line.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore")


def decorator_edits(target: Target, tree, text: SourceText,
                     decorators: dict[int, str]) -> list[Edit]:
    """Only the ``autograph_jit`` decorators change: the rest keeps its text."""
    edits = []
    for (decorator, original), new in zip(target.decorators, tree.decorator_list):
        if decorator is None or decorator.kind != "autograph":
            continue
        first_line = text.lines[original.lineno - 1]
        last_line = text.lines[original.end_lineno - 1]
        prefix = first_line[:original.col_offset]      # indentation and the "@"
        rest = last_line[original.end_col_offset:]      # a trailing comment, if any
        edits.append(Edit(original.lineno, original.end_lineno,
                           f"{prefix}{decorators[id(new)]}{rest}\n"))
    return edits


def decorator_text(decorator, lines: list[str]) -> str:
    """``jax.jit``, or ``functools.partial(jax.jit, <the keywords as the user wrote them>)``."""
    if not isinstance(decorator, S.Call) or not decorator.keywords:
        return S.unparse(decorator)
    first, last = decorator.keywords[0], decorator.keywords[-1]
    if getattr(first, "lineno", None) is None or getattr(last, "end_lineno", None) is None:
        return S.unparse(decorator)
    rows = [row.rstrip("\r\n") for row in lines[first.lineno - 1:last.end_lineno]]
    rows[-1] = rows[-1][:len(_prefix(rows[-1], last.end_col_offset))]
    rows[0] = rows[0][len(_prefix(rows[0], first.col_offset)):]
    head = ", ".join(S.unparse(argument) for argument in decorator.args)
    return f"{S.unparse(decorator.func)}({head}, {chr(10).join(rows)})"


def jit_decorator(keywords, location, imports: Imports, needed: set):
    """``@jax.jit`` or ``@functools.partial(jax.jit, **keywords)``, in the module's spelling."""
    jax_name = imports.spelling("jax") or "jax"
    needed.add(("jax", jax_name))
    jit = S.Attribute(value=S.load(jax_name), attr="jit", ctx=S.Load())
    if not keywords:
        return S.set_location(jit, location)
    partial_name = imports.spelling("functools.partial")
    if partial_name is not None:
        partial = S.load(partial_name)
    else:
        functools_name = imports.spelling("functools") or "functools"
        needed.add(("functools", functools_name))
        partial = S.Attribute(value=S.load(functools_name), attr="partial", ctx=S.Load())
    return S.set_location(S.Call(func=partial, args=[jit], keywords=keywords), location)
