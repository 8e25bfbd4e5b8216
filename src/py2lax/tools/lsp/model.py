"""What the language server knows about a document, independent of the protocol.

The analysis (``document``, ``checks``, ``paths``) produces these plain objects; only
``features`` turns them into LSP messages. Keeping pygls out of the analysis lets the
checks be tested without a server, and lets another front end (the notebook, a CI
report) reuse them.

Positions are 0-based lines and 0-based character (code point) columns, the way a
Python string indexes a line; the server converts them to the client's encoding.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import ConversionError

ERROR, WARNING, INFORMATION, HINT = "error", "warning", "information", "hint"


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)

    def moved(self, lines: int) -> "Span":
        return Span(self.line + lines, self.column, self.end_line + lines, self.end_column)

    @classmethod
    def of(cls, node, lines: list[str]) -> "Span":
        """The span of a parsed node (1-based lines, UTF-8 byte columns) in ``lines``."""
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_column = getattr(node, "end_col_offset", None)
        start = char_column(lines, node.lineno, node.col_offset or 0)
        end = char_column(lines, end_line, end_column) if end_column is not None else start
        return cls(node.lineno - 1, start, end_line - 1, end)

    @classmethod
    def line_of(cls, lines: list[str], line: int, column: int = 0) -> "Span":
        """From byte ``column`` of 1-based ``line`` to the end of its code (no comment)."""
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        start = char_column(lines, line, column)
        end = len(text.split("#")[0].rstrip()) if "#" in text else len(text.rstrip())
        return cls(line - 1, start, line - 1, max(end, start))


def error_text(problem: str, rule: str = "", fix: str = "") -> str:
    """A ``ConversionError``'s text without its ``file:line`` prefix: problem, rule, fix."""
    return "\n".join(part for part in (problem, rule, f"Fix: {fix}" if fix else "") if part)


def char_column(lines: list[str], line: int, byte_column: int) -> int:
    """The character index of a UTF-8 byte offset on 1-based ``line``."""
    if not 0 < line <= len(lines):
        return 0
    return len(lines[line - 1].encode("utf-8")[:byte_column].decode("utf-8", "ignore"))


@dataclass(frozen=True)
class Finding:
    """One diagnostic: a line that will fail (or may fail) under jit, or a conversion hint."""

    span: Span
    severity: str
    message: str
    code: str            # the exception the user would get, e.g. "NonConcreteBooleanIndexError"

    def moved(self, lines: int) -> "Finding":
        return replace(self, span=self.span.moved(lines))


@dataclass(frozen=True)
class Conversion:
    """A user ``if``/``while``/``for`` and what py2lax makes of it."""

    keyword: str             # "if", "elif", "while", "for"
    header: str              # the statement's first line as written, e.g. "if x > 0:"
    span: Span               # from the keyword to the end of the header's code
    primitive: str | None    # "lax.cond", ... or None when it stays Python
    level: int               # how traced its condition is (see ``traced``)
    code: str = ""           # the runtime call that replaces it
    carried: tuple[str, ...] = ()
    reason: str = ""         # why it stays Python, when it does

    @property
    def family(self) -> str:
        return "if" if self.keyword == "elif" else self.keyword

    def moved(self, lines: int) -> "Conversion":
        """The same statement ``lines`` lower (``code`` keeps the helper names of where it
        was analysed, ``if_true_12``: ask for a new analysis when they matter)."""
        return replace(self, span=self.span.moved(lines))


@dataclass
class FunctionReport:
    """One function py2lax would rewrite (or fails to)."""

    name: str                # "f" or "Model.apply"
    span: Span               # first decorator to the end of the body
    def_line: int            # 0-based line of the ``def`` keyword
    rewritten: bool = False
    conversions: list[Conversion] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: ConversionError | None = None

    def moved(self, lines: int) -> "FunctionReport":
        """The report of the same text ``lines`` lower in the document (higher if < 0)."""
        if not lines:
            return self
        return FunctionReport(self.name, self.span.moved(lines), self.def_line + lines,
                              self.rewritten, [c.moved(lines) for c in self.conversions],
                              [f.moved(lines) for f in self.findings],
                              _moved_error(self.error, lines))


def _moved_error(error: ConversionError | None, lines: int) -> ConversionError | None:
    if error is None or error.location is None:
        return error
    moved = copy.copy(error)
    moved.location = replace(error.location, line=error.location.line + lines)
    return moved


@dataclass
class DocumentReport:
    """Everything the server shows for one version of a document."""

    text: str
    functions: list[FunctionReport] = field(default_factory=list)
    syntax_error: SyntaxError | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines() or [""]

    @property
    def findings(self) -> list[Finding]:
        return [finding for function in self.functions for finding in function.findings]


def function_span(function: S.AST, lines: list[str]) -> Span:
    first = min([d.lineno for d in function.decorator_list] + [function.lineno])
    end_line = function.end_lineno
    return Span(first - 1, 0, end_line - 1, len(lines[end_line - 1]) if end_line <= len(lines)
                else 0)
