"""Turning failures inside a converted function into the user's terms.

* A variable that no path assigned reaches the result as an ``Undefined`` marker;
  Python would have raised ``UnboundLocalError``, so that is raised instead.
* JAX errors that py2lax did not prevent (``bool(x)``, ``int(x)``, ``x[x > 0]`` on a
  traced ``x``...) get a note naming the user's statement and why py2lax left it as
  Python, with the usual fix.

The loader compiles these calls into the converted function (a ``try``/``except`` around
its body, and a check on its ``return`` values where needed); ``to_source`` does not
show them, and they cost nothing per call.
"""

from __future__ import annotations

import traceback

import jax

from py2lax.runtime.calls import is_user_file
from py2lax.statements import left_as_python_reason
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


def _note_error(error: Exception) -> None:
    """Add py2lax's note to a JAX error raised inside a converted function (then re-raised)."""
    generic = _GENERIC_REASONS.get(type(error).__name__)
    if generic is None:
        return
    frame = _innermost_user_frame(error)
    if frame is None:
        return
    why, fix = generic
    why = left_as_python_reason(frame.filename, frame.lineno) or why
    note = (f"py2lax: raised at {frame.filename}:{frame.lineno}: `{(frame.line or '').strip()}`\n"
            f"py2lax left this as Python because {why}.\nFix: {fix}.")
    if note not in getattr(error, "__notes__", []):
        error.add_note(note)


def _checked_result(result, function_name: str):
    """Python raises UnboundLocalError for a returned variable that no path assigned."""
    for leaf in jax.tree_util.tree_leaves(result):
        if isinstance(leaf, Undefined):
            raise UnboundLocalError(
                f"cannot access local variable {leaf.name!r} where it is not associated with a "
                f"value: {function_name} returns it, but the path the program took never "
                "assigned it"
            )
    return result


def _innermost_user_frame(error: Exception):
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if is_user_file(frame.filename):
            found = frame
    return found
