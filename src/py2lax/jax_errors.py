"""JAX's concretization errors, restated as py2lax errors about the user's statement.

When traced code reaches Python that needs a concrete value (``int(x)``, ``x[x > 0]``,
``jnp.nonzero(x)``, ``WEIGHTS[i]``...), JAX raises an error about tracers. If the
failing line of the user's code shows one of the constructs py2lax knows, the error
becomes a :class:`~py2lax.errors.TracedValueError` or
:class:`~py2lax.errors.ValueDependentShapeError` naming the file, line, statement,
variables, the rule and the fix; JAX's own error stays attached as its cause. Other
JAX errors keep their type and get a note saying which statement was involved and why
py2lax left it as Python.
"""

from __future__ import annotations

import ast
import traceback

from py2lax.errors import Location, TracedValueError, ValueDependentShapeError
from py2lax.runtime.calls import is_user_file
from py2lax.statements import left_as_python_reason

_CONCRETIZATION = {"TracerBoolConversionError", "TracerIntegerConversionError",
                   "ConcretizationTypeError", "NonConcreteBooleanIndexError"}
_CONVERSIONS = {"int", "float", "bool", "complex", "range", "len"}
_SIZED = {"nonzero", "argwhere", "flatnonzero", "unique", "where"}

_GENERIC = {
    "TracerBoolConversionError": (
        "a traced value was used where Python needs a concrete bool, outside any `if`/`while` "
        "py2lax converts (e.g. `bool(x)`, a comprehension's `if`, or a lambda)",
        "use `jnp.where(cond, a, b)` or `lax.cond`, move the condition into an `if` statement "
        "of a converted function, or make the value static with `static_argnames=`"),
    "TracerIntegerConversionError": (
        "a traced value was used where Python needs a concrete integer (e.g. `int(x)`, "
        "`range(x)` outside a `for` statement, or indexing a Python list with `x`)",
        "loop with `for i in range(x):` (which py2lax converts), index a jax array instead of a "
        "list, or make the value static with `static_argnames=`"),
    "ConcretizationTypeError": (
        "a traced value was used where Python needs a concrete value (e.g. `float(x)` or a "
        "shape computed from array values)",
        "compute shapes from `x.shape` with NumPy, or make the value static with "
        "`static_argnames=`"),
    "NonConcreteBooleanIndexError": (
        "`x[mask]` with a traced boolean mask has a shape that depends on the values",
        "select with `jnp.where(mask, x, 0)`, or use `jnp.nonzero(mask, size=N)` to get a "
        "fixed-size result"),
}


def restate(error: Exception) -> Exception | None:
    """A py2lax error to raise instead of ``error``, or None (``error`` may get a note)."""
    if type(error).__name__ not in _CONCRETIZATION:
        return None
    frame = _innermost_user_frame(error)
    if frame is None:
        return None
    location = Location(frame.filename, frame.lineno)
    expression = _parse(frame.line or "")
    if expression is not None:
        restated = _value_dependent_shape(expression, location) or _python_conversion(
            expression, location, type(error).__name__)
        if restated is not None:
            return restated
    _add_note(error, frame)
    return None


def _add_note(error, frame) -> None:
    why, fix = _GENERIC[type(error).__name__]
    why = left_as_python_reason(frame.filename, frame.lineno) or why
    note = (f"py2lax: raised at {frame.filename}:{frame.lineno}: `{(frame.line or '').strip()}`\n"
            f"py2lax left this as Python because {why}.\nFix: {fix}.")
    if note not in getattr(error, "__notes__", []):
        error.add_note(note)


def _value_dependent_shape(tree, location):
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_comparison_mask(node.slice):
            names = _names(node.slice)
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` selects the elements where a traced condition holds, so "
                "its shape depends on the values",
                location=location, names=names,
                rule="jit compiles one program with fixed shapes; the number of selected "
                "elements is only known at run time.",
                fix=f"keep the shape fixed: `jnp.where({ast.unparse(node.slice)}, "
                f"{ast.unparse(node.value)}, 0)` selects element-wise, or "
                f"`jnp.nonzero({ast.unparse(node.slice)}, size=N, fill_value=0)` gives at most N "
                "indices.",
            )
        if isinstance(node, ast.Call) and _called_name(node) in _SIZED and not any(
            k.arg == "size" for k in node.keywords
        ) and not (_called_name(node) == "where" and len(node.args) != 1):
            name = _called_name(node)
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` returns as many elements as the traced values select, "
                "so its shape depends on the values",
                location=location, names=_names(node),
                rule="jit compiles one program with fixed shapes.",
                fix=f"pass a static bound: `{name}(..., size=N, fill_value=...)`, or use "
                "`jnp.where(cond, a, b)` to select element-wise.",
            )
    return None


def _python_conversion(tree, location, kind: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) in _CONVERSIONS and isinstance(
            node.func, ast.Name
        ):
            function = node.func.id
            return TracedValueError(
                f"`{ast.unparse(node)}` needs a concrete Python value, but "
                f"{_list(_names(node))} is traced here",
                location=location, names=_names(node),
                rule="under jit, arrays are tracers standing for values known only at run time; "
                f"`{function}()` must produce a Python value while the program is compiled.",
                fix=_conversion_fix(function),
            )
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
            kind == "TracerIntegerConversionError"
        ):
            return TracedValueError(
                f"`{ast.unparse(node)}` indexes the Python container {node.value.id!r} with a "
                "traced index",
                location=location, names=(node.value.id, *_names(node.slice)),
                rule="a Python list or tuple needs a concrete integer index; a traced index is "
                "only known at run time.",
                fix=f"make {node.value.id!r} a jax array (`jnp.asarray({node.value.id})`) and index "
                "that, or make the index static.",
            )
    return None


def _conversion_fix(function: str) -> str:
    if function == "range":
        return "write the loop as `for i in range(n):` (py2lax converts it), or make `n` static."
    if function == "bool":
        return "use the value in an `if`/`while` condition (py2lax converts those) or " \
               "`jnp.where(cond, a, b)`."
    return (f"keep the value as an array (e.g. `x.astype(jnp.int32)` instead of `{function}(x)`), "
            "or make it static with `static_argnames=`.")


def _is_comparison_mask(node) -> bool:
    return isinstance(node, ast.Compare) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr))
        and (_is_comparison_mask(node.left) or _is_comparison_mask(node.right)))


def _called_name(node: ast.Call) -> str | None:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)


def _names(node) -> tuple[str, ...]:
    seen = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id not in seen and child.id not in (
            _CONVERSIONS | {"jnp", "np", "jax", "lax"}
        ):
            seen.append(child.id)
    return tuple(seen)


def _list(names) -> str:
    return ", ".join(repr(n) for n in names) or "a value"


def _parse(line: str):
    text = line.strip()
    for candidate in (text, text.rstrip(":"), text.removeprefix("return ")):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def _innermost_user_frame(error: Exception):
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if is_user_file(frame.filename):
            found = frame
    return found
