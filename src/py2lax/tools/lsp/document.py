"""The facts of one function py2lax would rewrite, through the real pipeline.

The function goes through ``pipeline.convert_function_tree`` with the same context the
transpiler builds, so what the editor shows is what the command line, ``to_source`` and
the decorator produce. The text is parsed, never imported or executed.

The report holds the statements py2lax lowers (read from the pipeline's output), the
lines that would fail under jit (``checks``, ``paths``) and the ``ConversionError`` that
stops its conversion, if any. It depends on the function's text and module context, and
on its position only through line numbers, which ``FunctionReport.moved`` shifts:
``reports`` caches it by everything else, and asks for a new one only when that changes.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names
from py2lax.analysis.static_values import is_static
from py2lax.diagnostics.errors import ConversionError
from py2lax.tools.lsp.checks import check_function
from py2lax.tools.lsp.model import (ERROR, Conversion, Finding, FunctionReport, Span, char_column,
                              error_text, function_span)
from py2lax.tools.lsp.paths import one_path_findings
from py2lax.analysis.traced_values import CERTAIN, LIKELY, STATIC, TracedValues
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.analysis.targets import Imports, Target

_KINDS = {S.If: "if", S.While: "while", S.For: "for"}


def qualified_name(function: S.AST, owner: str | None) -> str:
    return f"{owner}.{function.name}" if owner else function.name


def function_report(target: Target, owner: str | None, imports: Imports,
                    sequences: frozenset[str], filename: str, lines: list[str]) -> FunctionReport:
    """The report of ``target``, whose tree has the document's line numbers (``lines``)."""
    function = target.function
    report = FunctionReport(qualified_name(function, owner), function_span(function, lines),
                            function.lineno - 1)
    jitted = any(decorator is not None for decorator, _ in target.decorators)
    values = TracedValues(imports, target.static_names - bound_names(function.body),
                          cap=CERTAIN if jitted else LIKELY, sequences=sequences)
    values.analyse(function, first_static=owner is not None)
    report.findings.extend(check_function(function, values, lines, target.has_autograph))
    tree = S.deep_copy(function)
    tree.decorator_list = []
    context = new_context(tree, filename, target.static_names)
    try:
        convert_function_tree(tree, context)
    except ConversionError as error:
        report.error = error
        report.findings.append(error_finding(error, lines))
        return report
    # (what changed, the records say, as they do for the command line)
    report.rewritten = bool(context.records.changes()) or target.has_autograph
    report.conversions = _conversions(function, context, values, lines)
    by_line = {(c.span.line + 1, c.family): c for c in report.conversions if c.primitive}
    user_names = {n.id for n in S.walk(function) if isinstance(n, S.Name)}
    report.findings.extend(one_path_findings(
        context.records.lowered, user_names,
        lambda record: by_line.get((record.line, record.kind))))
    return report


def error_finding(error: ConversionError, lines: list[str]) -> Finding:
    """A ``ConversionError`` as a diagnostic, in the words the runtime raises it with."""
    location = error.location
    line = location.line if location else 1
    column = location.column if location else 0
    return Finding(Span.line_of(lines, line, column), ERROR,
                   error_text(error.problem, error.rule, error.fix), type(error).__name__)


def _conversions(function, context, values: TracedValues,
                 lines: list[str]) -> list[Conversion]:
    """A ``Conversion`` for each ``if``/``while``/``for`` of the user's function: what its
    record says (or why it was left as written)."""
    lowered = {(r.line, r.kind): r for r in context.records.lowered}
    reasons = {(r.line, r.kind): r.reason for r in context.records.kept}
    found = []
    for node in S.walk_same_scope_statements(function.body):
        kind = _KINDS.get(type(node))
        if kind is None:
            continue
        record = lowered.get((node.lineno, kind))
        reason = reasons.get((node.lineno, kind), "py2lax keeps it as Python")
        found.append(_conversion(node, record, reason, values, lines))
    return sorted(found, key=lambda c: (c.span.line, c.span.column))


def _conversion(node, record, reason: str, values, lines) -> Conversion:
    state = values.before.get(id(node), {})
    if isinstance(node, S.For):
        level = values.for_levels(node, state)[0]
    else:
        level = STATIC if is_static(node.test, values.static_names) else values.level(
            node.test, state)
    span = _header_span(node, lines)
    header = lines[span.line][span.column:span.end_column] if span.line < len(lines) else ""
    keyword = header.split(None, 1)[0] if header else type(node).__name__.lower()
    keyword = keyword if keyword in ("if", "elif", "while", "for") else "if"
    if record is None:
        return Conversion(keyword, header, span, None, level, reason=reason)
    return Conversion(keyword, header, span, record.primitive, level,
                      S.unparse(record.call).strip(), record.carried)


def _header_span(node, lines: list[str]) -> Span:
    """From the keyword to the end of the condition (or iterable) and its colon."""
    part = getattr(node, "test", None) or getattr(node, "iter", None)
    start = char_column(lines, node.lineno, node.col_offset)
    if part is not None and part.end_lineno == node.lineno:
        end = char_column(lines, node.lineno, part.end_col_offset)
        text = lines[node.lineno - 1]
        rest = text[end:]
        end += len(rest) - len(rest.lstrip()) + 1 if rest.lstrip().startswith(":") else 0
        return Span(node.lineno - 1, start, node.lineno - 1, end)
    return Span.line_of(lines, node.lineno, node.col_offset)
