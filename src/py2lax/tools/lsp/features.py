"""The analysis as LSP messages: diagnostics, code lenses and hovers (lsprotocol types).

Everything here is a pure function of a :class:`~py2lax.tools.lsp.model.DocumentReport`; the
server decides which report to show (the current one, or the last one that parsed) and
converts positions to the client's encoding through ``to_range``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from lsprotocol import types

from py2lax.tools.lsp.model import (ERROR, HINT, INFORMATION, WARNING, Conversion, DocumentReport,
                              Finding, FunctionReport, Span)

PREVIEW_COMMAND = "py2lax.preview"
SOURCE = "py2lax"
_SEVERITIES = {ERROR: types.DiagnosticSeverity.Error, WARNING: types.DiagnosticSeverity.Warning,
               INFORMATION: types.DiagnosticSeverity.Information,
               HINT: types.DiagnosticSeverity.Hint}


@dataclass
class Settings:
    """The client's ``py2lax.*`` settings (``initializationOptions`` or configuration)."""

    hints: bool = True            # a Hint on every statement py2lax converts
    all_functions: bool = False   # like ``py2lax --all``: every function, not only jitted ones

    def update(self, values: object) -> None:
        if not isinstance(values, dict):
            return
        values = values.get("py2lax", values)
        if isinstance(values, dict):
            self.hints = bool(values.get("hints", self.hints))
            self.all_functions = bool(values.get("allFunctions", self.all_functions))


def hint_findings(report: DocumentReport) -> list[Finding]:
    """One Hint per statement py2lax converts, e.g. "if x > 0: -> lax.cond when traced"."""
    return [Finding(c.span, HINT, f"py2lax: `{c.header}` becomes {c.primitive} when traced",
                    "conversion")
            for function in report.functions for c in function.conversions if c.primitive]


def diagnostics(report: DocumentReport, settings: Settings,
                to_range: Callable[[Span], types.Range]) -> list[types.Diagnostic]:
    findings = report.findings + (hint_findings(report) if settings.hints else [])
    return [types.Diagnostic(range=to_range(f.span), message=f.message, source=SOURCE,
                             severity=_SEVERITIES[f.severity], code=f.code)
            for f in sorted(findings, key=lambda f: (f.span.line, f.span.column))]


def stale_diagnostic(error: SyntaxError, to_range: Callable[[Span], types.Range]
                     ) -> types.Diagnostic:
    """Why the results are those of an earlier version: the buffer does not parse."""
    line = max((error.lineno or 1) - 1, 0)
    column = max((error.offset or 1) - 1, 0)
    return types.Diagnostic(
        range=to_range(Span(line, column, line, column + 1)), source=SOURCE,
        severity=types.DiagnosticSeverity.Information, code="SyntaxError",
        message=f"syntax error: {error.msg}; py2lax shows its results for the last version "
        "of this file that parsed")


def lens_title(function: FunctionReport) -> str:
    """``py2lax: 2 if → cond, 1 for → fori_loop · Preview``."""
    if function.error is not None:
        problem = function.error.problem.splitlines()[0]
        problem = problem if len(problem) <= 60 else problem[:57] + "..."
        return f"py2lax: cannot convert ({problem}) · Preview"
    if not function.rewritten:
        return "py2lax: nothing to rewrite · Preview"
    counts = Counter((c.family, c.primitive.removeprefix("lax."))
                     for c in function.conversions if c.primitive)
    order = {"if": 0, "while": 1, "for": 2}
    parts = [f"{counts[key]} {key[0]} → {key[1]}"
             for key in sorted(counts, key=lambda k: (order.get(k[0], 3), k[1]))]
    summary = ", ".join(parts) if parts else "rewritten, no if/while/for to convert"
    return f"py2lax: {summary} · Preview"


def preview_arguments(uri: str, function: FunctionReport) -> list[dict]:
    return [{"uri": uri, "line": function.def_line, "function": function.name}]


def code_lenses(report: DocumentReport, uri: str,
                to_range: Callable[[Span], types.Range]) -> list[types.CodeLens]:
    """A lens above each function py2lax would rewrite (or cannot convert)."""
    lenses = []
    for function in report.functions:
        if not (function.rewritten or function.error is not None):
            continue
        line = function.span.line
        lenses.append(types.CodeLens(
            range=to_range(Span(line, 0, line, 0)),
            command=types.Command(title=lens_title(function), command=PREVIEW_COMMAND,
                                  arguments=preview_arguments(uri, function))))
    return lenses


def conversion_at(report: DocumentReport, line: int, column: int) -> Conversion | None:
    for function in report.functions:
        for conversion in function.conversions:
            span = conversion.span
            if span.line == line and span.column <= column <= span.end_column:
                return conversion
    return None


def hover(report: DocumentReport, line: int, column: int,
          to_range: Callable[[Span], types.Range]) -> types.Hover | None:
    """What the ``if``/``while``/``for`` under the cursor becomes."""
    conversion = conversion_at(report, line, column)
    if conversion is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                     value=hover_text(conversion)),
        range=to_range(conversion.span))


def hover_text(conversion: Conversion) -> str:
    header = f"`{conversion.header}`"
    if conversion.primitive is None:
        return (f"**py2lax** · {header} stays a Python `{conversion.family}`: "
                f"{conversion.reason}.")
    parts = [f"**py2lax** · {header} becomes `{conversion.primitive}` when its values are "
             "traced:", f"```python\n{conversion.code}\n```"]
    carried = [name for name in conversion.carried if name.isidentifier()]
    if carried:
        parts.append("Carries " + ", ".join(f"`{name}`" for name in carried) + ".")
    if not conversion.level:
        parts.append("Its condition looks static here, so it probably runs as plain Python "
                     "(the runtime decides when the function is traced).")
    return "\n\n".join(parts)
