"""Lines of a jitted function that cannot work on traced values, found from the text alone.

py2lax converts ``if``/``while``/``for`` on traced values, but some Python inside them
(and anywhere else in a jitted function) still needs concrete values, and JAX raises
when the function is traced. The language server flags those lines as the user types:

* ``x[mask]`` (and ``x.at[mask]``) with a mask compared from traced values:
  NonConcreteBooleanIndexError;
* ``jnp.nonzero``, ``argwhere``, ``flatnonzero``, ``unique*``, one-argument ``where``
  without ``size=``; ``int()``, ``float()``, ``complex()``, ``.item()``, ``.tolist()``
  of a traced value: ConcretizationTypeError;
* ``bool()`` of a traced value: TracerBoolConversionError; a comprehension's ``if`` on one:
  ValueDependentShapeError;
* ``range(traced)`` anywhere but as the iterable of a ``for`` statement, and indexing a
  Python list or tuple with a traced index: TracerIntegerConversionError (except, in an
  ``autograph_jit`` function, the lists it makes and module-level ones, which the
  decorator reads at a traced position).

Each message is the one the runtime gives for the same expression: the
``TracedValueError``/``ValueDependentShapeError`` that ``py2lax.diagnostics.jax_errors`` raises
instead of JAX's error (built by the same functions, ``py2lax.diagnostics.messages``), or else the
note it adds to JAX's error. A value known to be traced gives an error; one that is
only likely traced (see ``traced``) gives a warning.
"""

from __future__ import annotations

import ast
from typing import Callable

from py2lax.diagnostics import messages
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.frontend import syntax as S
from py2lax.transforms.list_reads import lists_made
from py2lax.tools.lsp.model import ERROR, WARNING, Finding, Span, error_text
from py2lax.analysis.traced_values import CERTAIN, TracedValues, own_expressions

_SIZED = {"nonzero", "argwhere", "flatnonzero", "unique", "unique_values", "unique_counts",
          "unique_inverse", "unique_all", "extract"}
_COMPREHENSIONS = (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)


def message(error_name: str, lead: str = "") -> str:
    """The note the runtime adds to JAX's ``error_name``, as a diagnostic reads it."""
    why, fix = messages.GENERIC_REASONS[error_name]
    first = f"{lead}\n" if lead else ""
    return f"{first}{error_name} under jit: {why}.\nFix: {fix}."


def _shape(tree, kind):
    return messages.value_dependent_shape(tree, None)


def _conversion(tree, kind):
    return messages.python_conversion(tree, None, kind)


def check_function(function: S.FunctionDef, values: TracedValues,
                   lines: list[str], autograph: bool = False) -> list[Finding]:
    """Every finding in ``function``'s own body (nested ``def``\\ s are not entered).
    ``autograph``: the function is decorated with ``autograph_jit``, whose reads of lists
    at traced positions work (the command line's output leaves them to Python)."""
    readable = _read_at_positions(function) if autograph else frozenset()
    checker = _Checker(values, lines, _loop_ranges(function), readable)
    checker.block(function.body)
    return checker.findings


def _read_at_positions(function) -> frozenset[str]:
    """Lists and tables ``autograph_jit`` reads at a traced position (transforms/
    list_reads.py): those the function makes, and module-level names it never binds."""
    local = bound_names(function.body) | set(parameter_names(function.args))
    read = {node.id for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)}
    return lists_made(function) | frozenset(read - local)


def _loop_ranges(function) -> set[int]:
    """``range(...)`` calls that are a ``for`` statement's iterable: py2lax converts those."""
    return {id(node.iter) for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.For) and isinstance(node.iter, S.Call)}


class _Checker:
    def __init__(self, values: TracedValues, lines: list[str], loop_ranges: set[int],
                 read_at_positions: frozenset[str] = frozenset()):
        self.values, self.lines, self.loop_ranges = values, lines, loop_ranges
        self.read_at_positions = read_at_positions
        self.findings: list[Finding] = []

    def block(self, statements) -> None:
        for statement in statements:
            if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
                continue
            state = self.values.before.get(id(statement), {})
            for expression in own_expressions(statement):
                for node, node_state in self.values.walk(expression, state):
                    self.node(node, node_state)
            for _field, nested in S.statement_lists(statement):
                self.block(nested)
            for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
                self.block(part.body)

    def node(self, node, state) -> None:
        if isinstance(node, S.Subscript):
            self._subscript(node, state)
        elif isinstance(node, S.Call):
            self._call(node, state)
        elif isinstance(node, _COMPREHENSIONS):
            inner = self.values.comprehension_state(node, state)
            conditions = [c for g in node.generators for c in g.ifs]
            level = max((self.values.level(c, inner) for c in conditions), default=0)
            self._flag(node, level, "TracerBoolConversionError", restate=_order)

    def _subscript(self, node, state) -> None:
        parts = node.slice.elts if isinstance(node.slice, S.Tuple) else [node.slice]
        for part in parts:
            if self.values.kind(part, state) == "mask":
                self._flag(node, self.values.level(part, state), "NonConcreteBooleanIndexError",
                           restate=_shape)
                return
        if self.values.kind(node.value, state) == "sequence" and not (
                isinstance(node.value, S.Name) and node.value.id in self.read_at_positions):
            self._flag(node, self.values.level(node.slice, state),
                       "TracerIntegerConversionError",
                       "A Python list or tuple cannot be indexed with a traced value.",
                       restate=_conversion)

    def _call(self, node: S.Call, state) -> None:
        values = self.values
        name = values.qualified(node.func, state)
        first = node.args[0] if node.args else None
        # (`int(x)`, `float(x)`, `bool(x)`, `x.item()` of a traced scalar work: the
        # runtime gives the traced value of that type)
        if name == "range" and id(node) not in self.loop_ranges:
            level = max((values.level(a, state) for a in node.args), default=0)
            self._flag(node, level, "TracerIntegerConversionError",
                       "`range(...)` of a traced value is converted only as the iterable of "
                       "a `for` statement.", restate=_conversion)
        elif isinstance(node.func, S.Attribute) and name is None:
            method, owner = node.func.attr, node.func.value
            if method == "nonzero" and not _has_size(node):
                self._sized(node, f".{method}()", values.level(owner, state))
        elif name and name.startswith("jax.numpy.") and first is not None:
            short = name.rsplit(".", 1)[1]
            one_argument_where = short == "where" and len(node.args) == 1 and not node.keywords
            if (short in _SIZED or one_argument_where) and not _has_size(node):
                self._sized(node, f"jnp.{short}", values.level(first, state))

    def _sized(self, node, shown: str, level: int) -> None:
        self._flag(node, level, "ConcretizationTypeError",
                   f"`{shown}` without `size=` returns an array whose shape depends on the "
                   "values; pass `size=N` (and `fill_value=`) for a fixed-size result.",
                   restate=_shape)

    def _flag(self, node, level: int, error_name: str, lead: str = "",
              restate: Callable | None = None) -> None:
        """Report ``node`` in the words of the error the runtime raises for it."""
        if not level:
            return
        severity = ERROR if level >= CERTAIN else WARNING
        error = restate(_standard(node), error_name) if restate is not None else None
        if error is not None:
            text, code = error_text(error.problem, error.rule, error.fix), type(error).__name__
        else:
            text, code = message(error_name, lead), error_name
        self.findings.append(Finding(Span.of(node, self.lines), severity, text, code))


def _standard(node) -> ast.AST:
    """``node`` as the standard ``ast`` the runtime parses the failing line into."""
    return ast.parse(S.unparse(node).strip(), mode="eval")


def _order(tree, error_name: str):
    return messages.traced_order(tree, None, error_name)


def _has_size(node: S.Call) -> bool:
    return any(k.arg == "size" for k in node.keywords)
