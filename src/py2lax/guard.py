"""The thin layer around a converted function that turns failures into the user's terms.

* A variable that no path assigned reaches the result as an ``Undefined`` marker;
  Python would have raised ``UnboundLocalError``, so that is raised instead.
* JAX errors that py2lax did not prevent (``bool(x)``, ``int(x)``, ``x[x > 0]`` on a
  traced ``x``...) get a note naming the user's statement and why py2lax left it as
  Python, with the usual fix.

The wrapper only runs while tracing (under ``jax.jit``), so it costs nothing per call.
"""

from __future__ import annotations

import functools
import linecache
import traceback

import jax

from py2lax.runtime.undefined import Undefined

_GENERIC_REASONS = {
    "TracerBoolConversionError": (
        "a traced value was used where Python needs a concrete bool, outside any `if`/`while` "
        "py2lax converts (e.g. `bool(x)`, a comprehension's `if`, or a lambda)",
        "use `jnp.where(cond, a, b)` or `lax.cond`, move the condition into an `if` statement "
        "of a converted function, or make the value static with `static_argnames=`",
    ),
    "TracerIntegerConversionError": (
        "a traced value was used where Python needs a concrete integer (e.g. `int(x)`, "
        "`range(x)` outside a `for` statement, or indexing a Python list with `x`)",
        "loop with `for i in range(x):` (which py2lax converts), index a jax array instead of a "
        "list, or make the value static with `static_argnames=`",
    ),
    "ConcretizationTypeError": (
        "a traced value was used where Python needs a concrete value (e.g. `float(x)` or a "
        "shape computed from array values)",
        "compute shapes from `x.shape` with NumPy, or make the value static with "
        "`static_argnames=`",
    ),
    "NonConcreteBooleanIndexError": (
        "`x[mask]` with a traced boolean mask has a shape that depends on the values",
        "select with `jnp.where(mask, x, 0)`, or use `jnp.nonzero(mask, size=N)` to get a "
        "fixed-size result",
    ),
}


def guarded(function, original, check_result: bool, left_as_python: dict[int, str]):
    filename = original.__code__.co_filename

    @functools.wraps(function)
    def converted(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - only annotated, always re-raised
            _annotate(error, filename, left_as_python)
            raise
        if check_result:
            _raise_for_unbound(result, original)
        return result

    return converted


def _raise_for_unbound(result, original):
    for leaf in jax.tree_util.tree_leaves(result):
        if isinstance(leaf, Undefined):
            raise UnboundLocalError(
                f"cannot access local variable {leaf.name!r} where it is not associated with a "
                f"value: {original.__qualname__} returns it, but the path the program took "
                "never assigned it"
            )


def _annotate(error: Exception, filename: str, left_as_python: dict[int, str]) -> None:
    generic = _GENERIC_REASONS.get(type(error).__name__)
    if generic is None:
        return
    line = _innermost_user_line(error, filename)
    if line is None:
        return
    why, fix = generic
    why = left_as_python.get(line, why)
    text = linecache.getline(filename, line).strip()
    error.add_note(f"py2lax: raised at {filename}:{line}: `{text}`\n"
                   f"py2lax left this as Python because {why}.\nFix: {fix}.")


def _innermost_user_line(error: Exception, filename: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line
