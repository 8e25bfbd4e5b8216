"""Printing a rewritten function statement by statement, keeping the user's own text.

``ast.unparse`` prints a tree afresh: ``rtol=1e-5`` comes out as ``1e-05``, ``"first"``
as ``'first'``, a call broken over three lines as one line. A reviewer should see only
what py2lax changed, so the printer copies the user's text wherever the tree still says
what that text says:

* a statement the pipeline left as it was (the same tree as the user's statement at the
  same place, wherever it sits now) is copied from the file with its comments, blank
  lines and line breaks, re-indented if it moved to another depth;
* a compound statement whose header did not change (``def f(x, rtol=1e-5):`` with its
  decorators, ``if mode == "fast":``, ``except KeyError as e:``) keeps its header text,
  and its body is printed statement by statement;
* everything else, what py2lax generated or changed, is printed by ``ast.unparse`` one
  statement at a time, in the file's indentation unit.

:func:`plan_texts` decides what is copied before anything is printed, so that comment
placement (``backends.printing.layout``) leaves alone the rows whose comments travel with copied
text; :class:`Printer` then writes the lines.
"""

from __future__ import annotations

import ast
import copy
import io
import tokenize
from dataclasses import dataclass, field

from py2lax.frontend import syntax as S

_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")
_COMPOUND = (S.If, S.For, S.AsyncFor, S.While, S.With, S.AsyncWith, S.Try, S.TryStar,
             S.Match, S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)
_DEFINITIONS = (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)


@dataclass
class Texts:
    """What is copied from the file: whole statements, headers, and the rows they cover."""

    whole: dict[int, list[str]] = field(default_factory=dict)    # id(statement) -> lines
    header: dict[int, list[str]] = field(default_factory=dict)   # id(compound) -> lines
    covered: set[int] = field(default_factory=set)   # rows whose comments are in copied text


def is_elif(node) -> bool:
    """An ``if`` whose ``else`` is a single ``if`` prints that one as ``elif`` (as
    ``ast.unparse`` does)."""
    return isinstance(node, S.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], S.If)


def same_tree(a, b) -> bool:
    """Whether two trees are the same code (locations aside): same types, fields, values."""
    todo = [(a, b)]
    while todo:   # a loop, not recursion: `"a" + "b" + ...` nests as deep as it is long
        a, b = todo.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, list):
            if len(a) != len(b):
                return False
            todo.extend(zip(a, b))
        elif isinstance(a, S.AST):
            todo.extend((getattr(a, name, None), getattr(b, name, None)) for name in a._fields)
        elif a != b:
            return False
    return True


def _same_header(a, b) -> bool:
    return type(a) is type(b) and all(
        same_tree(getattr(a, name, None), getattr(b, name, None))
        for name in a._fields if name not in _LISTS and name != "type_comment")


def _added_decorators(node, original) -> list[tuple[int, object]] | None:
    """``(index of the user's decorator it goes above, decorator)`` for each decorator of
    ``node`` that ``original`` lacks, when that is all that differs in their headers."""
    if not isinstance(node, _DEFINITIONS) or type(node) is not type(original) or not all(
            same_tree(getattr(node, name, None), getattr(original, name, None))
            for name in node._fields
            if name not in _LISTS and name not in ("type_comment", "decorator_list")):
        return None
    added, kept = [], 0
    for decorator in node.decorator_list:
        if kept < len(original.decorator_list) and same_tree(decorator,
                                                             original.decorator_list[kept]):
            kept += 1
        else:
            added.append((kept, decorator))
    if kept != len(original.decorator_list):
        return None
    return added


# --------------------------------------------------------------------------- planning
class _Planner:
    def __init__(self, original, source, outer: str, unit: str):
        self.source, self.outer, self.unit = source, outer, unit
        self.originals = {(n.lineno, n.col_offset): n for n in S.walk(original)
                          if isinstance(n, (S.stmt, S.ExceptHandler)) and n is not original}
        self.texts = Texts()

    def prefix(self, level: int) -> str:
        return self.outer + self.unit * level

    def block(self, statements: list, level: int) -> None:
        for statement in statements:
            self.statement(statement, level)

    def statement(self, node, level: int) -> None:
        original = self.originals.get((getattr(node, "lineno", None),
                                       getattr(node, "col_offset", None)))
        if original is not None and same_tree(node, original):
            copied = self.copy_whole(original, level)
            if copied is not None:
                self.texts.whole[id(node)] = copied
                return
        if not isinstance(node, _COMPOUND + (S.ExceptHandler,)):
            return
        if original is not None:
            copied = (self.copy_header(original, level) if _same_header(node, original)
                      else self.copy_header_with_added_decorators(node, original, level))
            if copied is not None:
                self.texts.header[id(node)] = copied
        for kind, part in clauses(node):
            if kind in ("handler", "elif"):
                self.statement(part, level)
            elif kind == "case":   # `case ...:` inside `match`, its body one deeper
                self.block(part.body, level + 2)
            else:
                self.block(part, level + 1)

    def copy_whole(self, original, level: int) -> list[str] | None:
        row, column = start_of(original, self.source)
        end_row = original.end_lineno
        end_column = char_column(self.source.lines[end_row - 1], original.end_col_offset)
        return self.copy(row, column, end_row, end_column, self.prefix(level))

    def copy_header(self, original, level: int) -> list[str] | None:
        row, column = start_of(original, self.source)
        end = header_end(self.source, original)
        if end is None:
            return None
        first = original.cases[0].pattern if isinstance(original, S.Match) else original.body[0]
        body_row = first.lineno
        return self.copy(row, column, end[0], end[1], self.prefix(level),
                         comment=body_row > end[0])

    def copy_header_with_added_decorators(self, node, original, level: int) -> list[str] | None:
        """The header of a nested ``def`` or ``class`` py2lax only added decorators to
        (``@py2lax.converted`` under the user's ``@jax.jit``): the user's rows, comments
        and line breaks, with a row for each added decorator."""
        added = _added_decorators(node, original)
        if not added:
            return None
        copied = self.copy_header(original, level)
        if copied is None:
            return None
        first_row = start_of(original, self.source)[0]
        decorators = original.decorator_list
        for position, decorator in reversed(added):
            row = decorators[position].lineno if position < len(decorators) else original.lineno
            copied.insert(row - first_row, f"{self.prefix(level)}@{S.unparse(decorator)}")
        return copied

    def copy(self, row: int, column: int, end_row: int, end_column: int, prefix: str,
             comment: bool = True) -> list[str] | None:
        """Rows ``row..end_row`` cut at the columns, moved from their indentation to
        ``prefix``. Rows inside a multi-line string are copied as they are (moving them
        would change the string; they carry no indentation), so a statement with a
        triple-quoted string keeps its text when it moves to another depth."""
        lines = self.source.lines
        first = lines[row - 1]
        old = first[:len(first) - len(first.lstrip())]
        if row == end_row:
            out = [prefix + first[column:end_column]]
        else:
            out = [prefix + first[column:]]
            out += [_moved(lines[r - 1], old, prefix, r in self.source.string_rows)
                    for r in range(row + 1, end_row)]
            out.append(_moved(lines[end_row - 1][:end_column], old, prefix,
                              end_row in self.source.string_rows))
        rest = lines[end_row - 1][end_column:]
        tail = rest.strip()
        if tail.startswith(";"):
            tail = tail[1:].strip()
        alone = not tail or tail.startswith("#")
        if alone and comment and tail.startswith("#"):
            out[-1] += rest.rstrip() if not rest.strip().startswith(";") else "  " + tail
        self.texts.covered.update(range(row, end_row + (alone and comment)))
        return out


def _moved(line: str, old: str, new: str, in_string: bool) -> str:
    if in_string or old == new or not line.startswith(old):
        return line
    return new + line[len(old):]


def plan_texts(converted, original, source, outer: str, unit: str,
               decorators: dict[int, str] | None = None) -> Texts:
    """What of ``converted`` (a rewritten copy of ``original``) is copied from ``source``;
    ``decorators``: the text of each new decorator, by ``id``."""
    planner = _Planner(original, source, outer, unit)
    header = _function_header(converted, original, source, decorators or {})
    if header is not None:
        planner.texts.header[id(converted)] = header
        first = min([d.lineno for d in original.decorator_list] + [original.lineno])
        end = header_end(source, original)
        covered_to = end[0] if original.body[0].lineno > end[0] else end[0] - 1
        planner.texts.covered.update(range(first, covered_to + 1))
    planner.block(converted.body, 1)
    return planner.texts


def _function_header(converted, original, source, decorators: dict) -> list[str] | None:
    """The rewritten function's decorators and ``def`` line as written, with the
    decorators py2lax replaced (``autograph_jit`` -> ``jax.jit``) spliced in."""
    if not all(same_tree(getattr(converted, name, None), getattr(original, name, None))
               for name in ("name", "args", "returns", "type_params")):
        return None
    if len(converted.decorator_list) != len(original.decorator_list):
        return None
    end = header_end(source, original)
    if end is None:
        return None
    first = min([d.lineno for d in original.decorator_list] + [original.lineno])
    rows = source.lines[first - 1:end[0]]   # where they were: no string moves
    rest = source.lines[end[0] - 1][end[1]:]
    keep_comment = original.body[0].lineno > end[0] and rest.strip().startswith("#")
    rows[-1] = rows[-1][:len(rows[-1]) - len(rest)] + (rest.rstrip() if keep_comment else "")
    replaced = [(old, decorators.get(id(new)) or S.unparse(new)) for new, old in
                zip(converted.decorator_list, original.decorator_list)
                if not same_tree(new, old)]
    for old, text in sorted(replaced, key=lambda r: (r[0].lineno, r[0].col_offset),
                            reverse=True):
        rows = _spliced(rows, first, old, text)
    return rows


def _spliced(rows: list[str], first_row: int, node, text: str) -> list[str]:
    start, end = node.lineno - first_row, node.end_lineno - first_row
    head = rows[start][:char_column(rows[start], node.col_offset)]
    tail = rows[end][char_column(rows[end], node.end_col_offset):]
    return rows[:start] + [head + text + tail] + rows[end + 1:]


def clauses(node):
    """The parts of a compound statement after its header, in printing order:
    ``("body" | "else" | "finally", statements)``, ``("handler", handler)``,
    ``("case", case)``, or ``("elif", if_node)`` for an ``else`` printed as ``elif``."""
    if not isinstance(node, S.Match):
        yield "body", node.body
    for handler in getattr(node, "handlers", ()):
        yield "handler", handler
    for case in getattr(node, "cases", ()):
        yield "case", case
    if is_elif(node):
        yield "elif", node.orelse[0]
    elif getattr(node, "orelse", None):
        yield "else", node.orelse
    if getattr(node, "finalbody", None):
        yield "finally", node.finalbody


# --------------------------------------------------------------------------- source positions
def char_column(line: str, byte_column: int) -> int:
    """A column as ``ast`` counts it (UTF-8 bytes) as a string index into ``line``."""
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))


def start_of(node, source) -> tuple[int, int]:
    """Where ``node``'s text starts: its first decorator's ``@`` for a decorated definition."""
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        row = min(d.lineno for d in decorators)
        line = source.lines[row - 1]
        return row, len(line) - len(line.lstrip())
    return node.lineno, char_column(source.lines[node.lineno - 1], node.col_offset)


def _last_header_expression(node):
    if isinstance(node, (S.If, S.While)):
        return node.test
    if isinstance(node, (S.For, S.AsyncFor)):
        return node.iter
    if isinstance(node, S.Match):
        return node.subject
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef)):
        return node.returns
    if isinstance(node, S.ExceptHandler):
        return node.type
    return None


def header_end(source, node) -> tuple[int, int] | None:
    """The row and column just after the ``:`` that ends ``node``'s header."""
    row = node.lineno
    lines = source.lines
    column = char_column(lines[row - 1], node.col_offset)
    last = _last_header_expression(node)
    after = None
    if last is not None and getattr(last, "end_lineno", None):
        after = (last.end_lineno - row + 1,
                 char_column(lines[last.end_lineno - 1], last.end_col_offset))
    rows = iter([" " * column + lines[row - 1][column:] + "\n"]
                + [line + "\n" for line in lines[row:node.end_lineno]])
    depth = 0
    try:
        for token in tokenize.generate_tokens(lambda: next(rows, "")):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0 and (after is None or token.start >= after):
                return row + token.start[0] - 1, token.end[1]
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


# --------------------------------------------------------------------------- printing
class Printer:
    """Writes ``(line, as_is)`` pairs: ``as_is`` lines (copied text, rows inside strings)
    are never re-indented or dropped by the layout."""

    def __init__(self, texts: Texts, notes_at, outer: str, unit: str,
                 source_lines: list[str] | None = None):
        self.texts, self.notes_at, self.outer, self.unit = texts, notes_at, outer, unit
        self.source_lines = source_lines   # the file's rows: constants keep their spelling
        self.lines: list[tuple[str, bool]] = []

    def function(self, converted) -> list[tuple[str, bool]]:
        self._header(converted, 0)
        self._block(converted.body, 1)
        return self.lines

    def _block(self, statements: list, level: int) -> None:
        for index, statement in enumerate(statements):
            self._notes(statements, index, level)
            self._statement(statement, level)
        self._notes(statements, len(statements), level)

    def _notes(self, statements: list, index: int, level: int) -> None:
        for note in self.notes_at(statements, index):
            if note.trailing and self.lines:
                line, as_is = self.lines[-1]
                self.lines[-1] = (f"{line}  {note.text}", as_is)
            else:
                self.lines.append((self._prefix(level) + note.text if note.text else "",
                                   not note.text and getattr(note, "kept", False)))

    def _prefix(self, level: int) -> str:
        return self.outer + self.unit * level

    def _statement(self, node, level: int, keyword: str = "if") -> None:
        whole = self.texts.whole.get(id(node))
        if whole is not None:
            self.lines += [(line, True) for line in _with_keyword(whole, node, keyword)]
            return
        if not isinstance(node, _COMPOUND + (S.ExceptHandler,)):
            self._printed(self._unparse(node), level)
            return
        self._header(node, level, keyword)
        for kind, part in clauses(node):
            if kind == "handler":
                index = next(i for i, h in enumerate(node.handlers) if h is part)
                self._notes(node.handlers, index, level)   # comments above `except`
                self._statement(part, level, "except*" if isinstance(node, S.TryStar)
                                else "except")
            elif kind == "elif":
                self._notes(node.orelse, 0, level)
                self._statement(part, level, "elif")
                self._notes(node.orelse, 1, level)
            elif kind == "case":
                self._printed_header(part, level + 1)
                self._block(part.body, level + 2)
            else:
                if kind != "body":
                    self.lines.append((f"{self._prefix(level)}{kind}:", False))
                self._block(part, level + 1)

    def _header(self, node, level: int, keyword: str = "if") -> None:
        copied = self.texts.header.get(id(node))
        if copied is not None:
            self.lines += [(line, True) for line in _with_keyword(copied, node, keyword)]
        elif isinstance(node, S.If):
            self._printed(f"{keyword} {self._unparse(node.test)}:", level)
        else:
            self._printed_header(node, level, star=keyword == "except*")

    def _printed_header(self, node, level: int, star: bool = False) -> None:
        shell = copy.copy(node)
        for name in _LISTS:
            if hasattr(shell, name):
                setattr(shell, name, [])
        if isinstance(node, S.Match):
            self._printed(f"match {self._unparse(node.subject)}:", level)
            return
        shell.body = [S.Pass()]
        header = "\n".join(self._unparse(shell).split("\n")[:-1])
        if star:   # a handler of `try: ... except* E:` printed on its own
            header = "except*" + header[len("except"):]
        self._printed(header, level)

    def _unparse(self, node) -> str:
        return S.unparse(spelled(node, self.source_lines))

    def _printed(self, text: str, level: int) -> None:
        prefix = self._prefix(level)
        if "\n" not in text:   # one line, the usual case
            self.lines.append((_reindented(text, self.unit, prefix), False))
            return
        inside = string_rows(text)
        for row, line in enumerate(text.split("\n"), start=1):
            if row in inside:
                self.lines.append((line, True))
            elif line.strip():
                self.lines.append((_reindented(line, self.unit, prefix), False))


def _with_keyword(lines: list[str], node, keyword: str) -> list[str]:
    """Copied ``if``/``elif`` text printed with the other keyword where the tree says so."""
    if not isinstance(node, S.If):
        return lines
    first = lines[0]
    body = first.lstrip()
    written = "elif" if body.startswith("elif") else "if"
    if written == keyword:
        return lines
    indent = first[:len(first) - len(body)]
    return [indent + keyword + body[len(written):]] + lines[1:]


def _reindented(line: str, unit: str, prefix: str) -> str:
    """A line of ``ast.unparse`` output (four spaces a level) in the file's unit."""
    spaces = len(line) - len(line.lstrip(" "))
    levels, rest = divmod(spaces, 4)
    return prefix + unit * levels + " " * rest + line.lstrip(" ")


def string_rows(text: str) -> set[int]:
    """Rows 2..n of tokens spanning several rows (multi-line strings): rows that must
    not be re-indented, which would change the string."""
    rows: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.end[0] > token.start[0]:
                rows.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return rows


# --------------------------------------------------------------------------- spellings
_LITERAL_TOKENS = (tokenize.NUMBER, tokenize.STRING)


def spelled(node, lines: list[str] | None):
    """``node``, or a copy of it in which each constant the user wrote (a number or a
    string, at its place in ``lines``) prints as written: ``1e-3`` stays ``1e-3`` and
    ``"a"`` stays ``"a"`` in a statement py2lax rewrote, where ``ast.unparse`` would print
    ``0.001`` and ``'a'``. A constant is spelled from the file only when its text there is
    that one literal token and means the same value. An f-string the tree still holds as
    written is copied whole; in one py2lax changed, the constants of its ``{...}`` parts
    are spelled (its literal parts have no place of their own in the tree)."""
    if lines is None:
        return node
    spellings = {}
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, S.JoinedStr):
            text = _written_f_string(current, lines)
            if text is not None:
                spellings[id(current)] = text
            else:   # its literal parts have no place of their own; its expressions do
                todo += [part.value for part in current.values
                         if isinstance(part, S.FormattedValue)]
            continue
        if isinstance(current, S.Constant):
            text = _written_literal(current, lines)
            if text is not None:
                spellings[id(current)] = text
            continue
        todo += S.iter_child_nodes(current)
    if not spellings:
        return node
    copy_of = S.deep_copy(node)
    _respell(node, copy_of, spellings)
    return copy_of


def _respell(original, copy_of, spellings: dict) -> None:
    """Replace, in ``copy_of``, the constants of ``original`` named in ``spellings`` by a
    name that prints as their text (parallel walk: the copy has the same shape)."""
    todo = [(original, copy_of)]
    while todo:
        a, b = todo.pop()
        for name in a._fields:
            va, vb = getattr(a, name, None), getattr(b, name, None)
            pairs = (list(zip(va, vb)) if isinstance(va, list)
                     else [(va, vb)] if isinstance(va, S.AST) else [])
            for index, (x, y) in enumerate(pairs):
                if id(x) in spellings and not (isinstance(a, S.Attribute) and name == "value"
                                               and isinstance(x, S.Constant)
                                               and isinstance(x.value, int)):
                    text = S.load(spellings[id(x)])
                    if isinstance(va, list):
                        vb[index] = text
                    else:
                        setattr(b, name, text)
                elif isinstance(x, S.AST):
                    todo.append((x, y))


def _written_f_string(node, lines: list[str]) -> str | None:
    """The text of an f-string as written on its row, if it is the same f-string:
    ``ast.unparse`` would print ``f'{"i" if s else "u"}{b}'`` as
    ``f"{('i' if s else 'u')}{b}"``."""
    text = _written_text(node, lines)
    if text is None:
        return None
    try:
        parsed = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if not isinstance(parsed, ast.JoinedStr) or ast.unparse(parsed) != S.unparse(node):
        return None
    return text.strip()


def _written_text(node, lines: list[str]) -> str | None:
    """The text of ``node`` on its one row of ``lines``, or None."""
    row, end_row = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    if row is None or row != end_row or not 0 < row <= len(lines):
        return None
    line = lines[row - 1]
    return line[char_column(line, node.col_offset):char_column(line, node.end_col_offset)]


def _written_literal(node, lines: list[str]) -> str | None:
    """The user's text of a constant: one number or string token, or strings the
    parser joined (``'it''s'``, ``("a"`` / ``"b")`` over rows, which keep their rows in
    brackets); None where the text does not mean the constant's value."""
    text = _written_text(node, lines)
    rows = text is None
    if rows:
        text = _written_rows(node, lines)
        if text is None:
            return None
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(f"({text})").readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)][1:-1]
    except (tokenize.TokenError, SyntaxError):
        return None
    if not tokens or any(t.type not in _LITERAL_TOKENS for t in tokens) or (
            len(tokens) > 1 and any(t.type != tokenize.STRING for t in tokens)):
        return None
    try:
        value = ast.literal_eval(f"({text})")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None if rows else _in_quotes_of(text, node.value)   # an f-string's
    if type(value) is type(node.value) and repr(value) == repr(node.value):
        return f"({text})" if rows and len(tokens) > 1 else text
    return None if rows else _in_quotes_of(text, node.value)


def _written_rows(node, lines: list[str]) -> str | None:
    """The text of ``node`` over its rows, if it spans several."""
    row, end_row = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    if row is None or end_row is None or not 0 < row < end_row <= len(lines):
        return None
    first, last = lines[row - 1], lines[end_row - 1]
    return "\n".join([first[char_column(first, node.col_offset):]] + lines[row:end_row - 1]
                     + [last[:char_column(last, node.end_col_offset)]])


def _in_quotes_of(text: str, value) -> str | None:
    """``value``, a string py2lax made at the place of the user's string ``text`` (a print
    template joining it with other pieces), in ``text``'s double quotes if it used them
    and ``value`` can be written in them plainly; None otherwise (printed as usual)."""
    text = text.lstrip("rRuUfF")   # an f-string's template: its quotes, not its prefix
    if not (isinstance(value, str) and text.startswith('"') and not text.startswith('"""')):
        return None
    if '"' in value:
        return None
    written = repr(value)   # without a `'` in it, in single quotes with nothing escaped
    return written if written.startswith('"') else '"' + written[1:-1] + '"'
