"""ExtractLoopOptions: ``py2lax.loop_options(...)`` as a loop's first statement.

A hint for the loop it opens, read once here and passed to the runtime call the loop
becomes::

    for i in range(n):
        py2lax.loop_options(max_iterations=100)
        x = step(x)

lowers to ``py2lax.fori_loop(0, n, loop_body_3, (x,), max_iterations=100)``. With a traced
trip count and ``max_iterations`` the runtime runs a masked ``lax.scan`` of that length,
which reverse-mode differentiation (``jax.grad``) supports, unlike ``lax.while_loop``.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import Location, UnsupportedSyntaxError
from py2lax.transforms.context import ConversionContext

LOOP_OPTIONS = "py2lax_loop_options"  # attribute set on a loop node: list of S.keyword
KNOWN_OPTIONS = {"max_iterations"}


def _is_options_call(statement) -> bool:
    if not (isinstance(statement, S.Expr) and isinstance(statement.value, S.Call)):
        return False
    function = statement.value.func
    name = function.attr if isinstance(function, S.Attribute) else getattr(function, "id", None)
    return name == "loop_options"


_NOT_LITERAL = object()


def _literal(node):
    """The value of a literal like ``10``, ``-1`` or ``"10"``; ``_NOT_LITERAL`` otherwise."""
    if isinstance(node, S.Constant):
        return node.value
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub) and isinstance(
            node.operand, S.Constant) and isinstance(node.operand.value, (int, float)):
        return -node.operand.value
    return _NOT_LITERAL


def _check_arguments(call, context: ConversionContext) -> None:
    """Keyword ``max_iterations`` only; a literal must be a positive integer."""
    unknown = [k.arg for k in call.keywords if k.arg not in KNOWN_OPTIONS]
    problem = None
    if call.args or unknown:
        problem = (f"`loop_options` takes the keyword argument(s) {sorted(KNOWN_OPTIONS)}, got "
                   f"{unknown or 'positional arguments'}")
    for keyword in call.keywords:
        value = _literal(keyword.value)
        if keyword.arg == "max_iterations" and value is not _NOT_LITERAL:
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
                problem = f"`max_iterations` must be a positive integer, got {value!r}"
    if problem is not None:
        raise UnsupportedSyntaxError(
            problem, location=Location(context.filename, call.lineno, call.col_offset),
            names=("max_iterations",),
            rule="the bound becomes the length of a compiled lax.scan, so it must be a Python int "
            "known when the function is converted and traced.",
            fix="write e.g. `py2lax.loop_options(max_iterations=100)` as the loop body's first "
            "statement.",
        )


def extract_loop_options(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Move each loop's options call into an attribute of the loop; return whether any."""
    changed = False
    for node in S.walk_same_scope_statements(function.body):
        if not isinstance(node, (S.For, S.While)) or not node.body or not _is_options_call(node.body[0]):
            continue
        call = node.body[0].value
        _check_arguments(call, context)
        setattr(node, LOOP_OPTIONS, list(call.keywords))
        node.body = node.body[1:] or [S.set_location(S.Pass(), node.body[0])]
        changed = True
    return changed
