"""Printing a rewritten function for people: its comments, py2lax's comments, a compact layout.

``ast.unparse`` knows nothing of comments. A reviewer wants the user's own comments and
paragraphs where they were, and above each statement py2lax rewrote, the line it came
from and the lax primitive that replaces it::

    # while n < x:  ->  lax.while_loop when traced
    def loop_cond_5(n, s):
        ...

Comments are planned as notes attached to a statement list and an index before
anything is printed; the printer (``backends.printing.printer``, which also copies unchanged
statements from the file) writes each note where it belongs. Where a comment goes:

* a full-line comment (or a blank line) goes above the statement that follows it in
  the source; a trailing comment stays at the end of its line if that statement is
  kept as written, and goes above what it became otherwise;
* comments inside text copied from the file (an unchanged statement, a ``def`` line and
  its decorators) stay where they are, as part of that text; others between the
  decorators and the body go to the top of the body;
* a statement group the pipeline generated from one user statement (helper ``def``\\ s
  and the runtime call) gets one header comment, above the group.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass, field

from py2lax.frontend import syntax as S
from py2lax.transforms.records import Records
from py2lax.backends.printing.printer import Printer, header_end, plan_texts

# What each runtime function becomes when its values are traced.
_COMPOUND = (S.If, S.For, S.While, S.With, S.Try, S.AsyncFor, S.AsyncWith)
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass
class SourceText:
    """The module's lines, comments (``row -> (column, text)``) and multi-line string rows."""

    lines: list[str]
    comments: dict[int, tuple[int, str]] = field(default_factory=dict)
    string_rows: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> "SourceText":
        source = cls(S.source_lines(text))
        source.comments, source.string_rows = _scan(text)
        return source

    def code(self, row: int, column: int = 0) -> str:
        """Row ``row`` from ``column`` on, without indentation or trailing comment."""
        line = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
        if row in self.comments:
            line = line[:self.comments[row][0]]
        return line[column:].strip()

    def is_blank(self, row: int) -> bool:
        return row not in self.string_rows and not self.lines[row - 1].strip()


def _scan(text: str) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """Comments, and rows 2..n of tokens spanning several rows (strings), from tokenize."""
    comments, string_rows = {}, set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = (token.start[1], token.string)
            elif token.end[0] > token.start[0]:
                string_rows.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # the tree parsed, so this is a tokenizer corner case: print without comments
    return comments, string_rows


@dataclass
class _Note:
    text: str            # "# ..." or "" for a blank line
    order: tuple         # position among the notes inserted at the same place
    trailing: bool = False
    kept: bool = False   # the user's blank line: never dropped by the layout


class _Plan:
    """Notes to print, per statement list and index."""

    def __init__(self):
        self.places: dict[int, dict[int, list[_Note]]] = {}

    def add(self, statements: list, index: int, note: _Note) -> None:
        self.places.setdefault(id(statements), {}).setdefault(index, []).append(note)

    def at(self, statements: list, index: int) -> list[_Note]:
        """The notes that go before ``statements[index]`` (or at the end), in order."""
        notes = self.places.get(id(statements), {}).get(index, [])
        return sorted(notes, key=lambda n: n.order)


def render(converted: S.FunctionDef, original: S.FunctionDef, source: SourceText,
           kept: set[int], records: Records, outer_indent: str, plain: bool = False,
           decorators: dict[int, str] | None = None) -> str:
    """The text of ``converted`` (decorators included), commented and indented like the file.

    ``kept`` holds the ``id`` of every statement node of the copy the pipeline was given,
    so the statements it kept as written are told apart from generated ones. ``records``:
    what the passes decided, which the comments above rewritten statements name.
    ``plain``: the code calls jax itself (``--standalone``).
    What the pipeline left unchanged is copied from the file (``backends.printing.printer``);
    ``decorators`` holds the text of each decorator that replaces one of the user's, by
    ``id``.
    """
    unit = _indent_unit(original, source)
    texts = plan_texts(converted, original, source, outer_indent, unit, decorators or {})
    plan = _Plan()
    _attach_user_notes(plan, converted, original, source, kept, texts.covered)
    _attach_headers(plan, converted, source, records, plain)
    _rehome_hidden_notes(plan, converted.body, texts)
    lines = Printer(texts, plan.at, outer_indent, unit, source.lines).function(converted)
    return "\n".join(line for line, _ in _tidy(lines)) + "\n"


# --------------------------------------------------------------------------- user notes
def _attach_user_notes(plan, converted, original, source, kept, covered: set[int]) -> None:
    statements = [n for n in S.walk(original) if isinstance(n, S.stmt) and n is not original]
    first = original.body[0]   # its text starts at its first decorator
    body_row = min([d.lineno for d in getattr(first, "decorator_list", ())] + [first.lineno])
    end = header_end(source, original)
    header_row = end[0] if end is not None else original.lineno
    first_row = min([d.lineno for d in original.decorator_list] + [original.lineno])
    for row in range(first_row, original.end_lineno + 1):
        if row in covered:   # copied with the text around it
            continue
        comment = source.comments.get(row)
        if comment is not None:
            column, text = comment
            full_line = not source.lines[row - 1][:column].strip()
            note = _Note(text, (1, row))
            if header_row < row < body_row:   # between the `def` line and the body
                plan.add(converted.body, 0, note)
            elif row < body_row:
                _at_body_start(plan, converted, note)
            elif full_line:
                _above(plan, converted, _row_owner(statements, row), note)
            else:
                _trailing(plan, converted, statements, row, note, kept)
        elif header_row < row < body_row and source.is_blank(row):
            plan.add(converted.body, 0, _Note("", (1, row), kept=True))
        elif row > body_row and source.is_blank(row) and not _inside(statements, row):
            owner = _row_owner(statements, row)
            if owner is not None:
                _above(plan, converted, owner, _Note("", (1, row)))


def _rehome_hidden_notes(plan: _Plan, statements: list, texts) -> None:
    """A note planned inside a statement that is copied whole from the file (an
    ``except`` clause, say, with a comment written above it, which belongs to the first
    statement of its body) would never be printed: it goes above that statement instead,
    where it was written. ``statements`` may be a ``handlers`` list too."""
    for index, node in enumerate(statements):
        if id(node) in texts.whole:
            for hidden in _lists_below(node):
                for note in (n for notes in plan.places.pop(id(hidden), {}).values()
                             for n in notes):
                    note.trailing = False
                    plan.add(statements, index, note)
            continue
        for nested in _lists_below(node, deep=False):
            _rehome_hidden_notes(plan, nested, texts)


def _lists_below(node, deep: bool = True):
    """The statement lists (and ``handlers`` lists) of ``node``; ``deep``: at every depth."""
    for name in _STATEMENT_FIELDS:
        value = getattr(node, name, None) or []
        if not value:
            continue
        yield value
        for item in value:
            if isinstance(item, S.match_case):
                yield item.body
                if deep:
                    for statement in item.body:
                        yield from _lists_below(statement)
            elif deep and isinstance(item, S.AST):
                yield from _lists_below(item)


def _inside(statements, row: int) -> list[int]:
    """Lines of the simple statements whose text spans ``row`` below their first line."""
    return [s.lineno for s in statements
            if not isinstance(s, _COMPOUND + (S.FunctionDef, S.ClassDef))
            and s.lineno < row <= s.end_lineno]


def _row_owner(statements, row: int) -> int | None:
    """The line of the statement a full-line comment at ``row`` belongs to."""
    inside = _inside(statements, row)
    if inside:
        return max(inside)
    after = [s.lineno for s in statements if s.lineno > row]
    return min(after) if after else None


def _trailing(plan, converted, statements, row: int, note: _Note, kept: set[int]) -> None:
    """Keep a trailing comment on its line when the statement there was kept as written."""
    starting = [s for s in statements if s.lineno <= row <= s.end_lineno]
    owner = max(starting, key=lambda s: s.lineno, default=None)
    if owner is None:
        return
    if isinstance(owner, _COMPOUND) and row > owner.lineno:   # `else:  # ...` and the like
        _above(plan, converted, _row_owner(statements, row), note)
        return
    found = _find(converted, owner.lineno)
    if found is not None and owner.lineno == row and id(found[2]) in kept:
        statements_list, index, node = found
        note.trailing, note.order = True, (0, row)
        if not isinstance(node, _COMPOUND + (S.FunctionDef, S.ClassDef)):
            if owner.end_lineno == row:
                plan.add(statements_list, index + 1, note)
                return
        elif isinstance(node, _COMPOUND) and node.body and owner.body[0].lineno > row:
            plan.add(node.body, 0, note)
            return
        note.trailing, note.order = False, (1, row)
    _above(plan, converted, owner.lineno, note)


def _above(plan, converted, line: int | None, note: _Note) -> None:
    found = _find(converted, line) if line is not None else None
    if found is None and line is not None:
        later = [slot for slot in _slots(converted.body) if slot[2].lineno > line]
        found = min(later, key=lambda slot: slot[2].lineno, default=None)
    if found is None:
        plan.add(converted.body, len(converted.body), note)
    else:
        statements, index, node = found
        if statements is converted.body and index == 0 and _is_docstring(node):
            index = 1
        plan.add(statements, index, note)


def _at_body_start(plan, converted, note: _Note) -> None:
    plan.add(converted.body, 1 if _is_docstring(converted.body[0]) else 0, note)


def _is_docstring(node) -> bool:
    return (isinstance(node, S.Expr) and isinstance(node.value, S.Constant)
            and isinstance(node.value.value, str))


def _slots(statements: list):
    """``(list, index, statement)`` for every statement, in source (pre-)order."""
    for index, statement in enumerate(statements):
        yield statements, index, statement
        for nested in _nested_lists(statement):
            yield from _slots(nested)


def _nested_lists(node):
    for name in _STATEMENT_FIELDS:
        value = getattr(node, name, None) or []
        for item in value:
            if isinstance(item, (S.ExceptHandler, S.match_case)):
                yield item.body
        if value and isinstance(value[0], S.stmt):
            yield value


def _find(converted, line: int):
    """The first statement (pre-order) that carries source line ``line``."""
    return next((slot for slot in _slots(converted.body) if slot[2].lineno == line), None)


# --------------------------------------------------------------------------- headers
def _attach_headers(plan, converted, source: SourceText, records: Records, plain: bool) -> None:
    """One comment above each group of statements generated from one user statement,
    naming what the records say the statement compiles to."""
    for statements, owner_line in _lists_with_owner(converted):
        start = 0
        while start < len(statements):
            line = statements[start].lineno
            end = start
            while end < len(statements) and statements[end].lineno == line:
                end += 1
            labels = records.labels_at(line)
            if labels and line != owner_line and not _as_written(statements[start:end], source):
                shown = _shown(source, line, statements[start].col_offset)
                text = f"# {shown}  ->  {', '.join(labels)}" + ("" if plain else " when traced")
                plan.add(statements, start, _Note(text, (2, line)))
            start = end


def _lists_with_owner(function):
    """Every statement list with the line of the statement it is nested in (a group on
    that line is part of that statement, which has its comment already)."""
    todo = [(function.body, None)]
    while todo:
        statements, owner_line = todo.pop()
        yield statements, owner_line
        for statement in statements:
            # a statement's own line: statements nested on it belong to it (a generated
            # `if len(xs) > 0:` guard around the lax loop it comments)
            todo.extend((nested, statement.lineno) for nested in _nested_lists(statement))


def _as_written(group: list, source: SourceText) -> bool:
    """A single statement the user wrote this way already (``jax.lax.scan(step, ...)``
    in their own code): it replaces nothing, so it gets no comment."""
    if len(group) != 1:
        return False
    statement = group[0]
    written = source.code(statement.lineno, statement.col_offset or 0)
    return " ".join(S.unparse(statement).split()) == " ".join(written.split())


def _shown(source: SourceText, line: int, column: int | None) -> str:
    """The user's statement as written on its first line. ``column`` is where the
    generated code's location starts: a statement, or an expression inside one (a
    hoisted ``(z := ...)``, a ``case`` pattern), which is shown from the line's start."""
    before = source.code(line)[:max(0, (column or 0) - _indent_of(source, line))]
    if before.strip() and not before.rstrip().endswith((":", ";")):
        column = 0
    text = source.code(line, column or 0)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- text
def _tidy(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """At most one blank line in a row, none at the start of a block or at the end."""
    out: list[tuple[str, bool]] = []
    for index, (line, is_string) in enumerate(lines):
        if line or is_string:
            out.append((line, is_string))
            continue
        following = next((l for l, _ in lines[index + 1:] if l), None)
        previous = out[-1][0] if out else None
        if previous and following is not None and _width(following) <= _width(previous):
            out.append(("", False))
    return out


def _width(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indent_of(source: SourceText, line: int) -> int:
    text = source.lines[line - 1] if 0 < line <= len(source.lines) else ""
    return len(text) - len(text.lstrip())


def _indent_unit(original, source: SourceText) -> str:
    def_line = source.lines[original.lineno - 1]
    body_line = source.lines[original.body[0].lineno - 1]
    outer = def_line[:len(def_line) - len(def_line.lstrip())]
    inner = body_line[:len(body_line) - len(body_line.lstrip())]
    unit = inner[len(outer):] if inner.startswith(outer) else ""
    return unit if unit and original.body[0].lineno != original.lineno else "    "
