"""Turning failures inside a converted function into the user's terms.

* A variable that no path assigned reaches the result as an ``Undefined`` marker;
  Python would have raised ``UnboundLocalError``, so that is raised instead.
* JAX errors that py2lax did not prevent (``bool(x)``, ``int(x)``, ``x[x > 0]`` on a
  traced ``x``...) become py2lax errors about the user's statement, or get a note naming
  it (see ``py2lax.jax_errors``).

The loader compiles these calls into the converted function (a ``try``/``except`` around
its body, and a check on its ``return`` values where needed); ``to_source`` does not
show them, and they cost nothing per call.
"""

from __future__ import annotations

import jax

from py2lax.jax_errors import restate
from py2lax.runtime.calls import is_user_file
from py2lax.runtime.undefined import Undefined

def _restate_error(error: Exception) -> None:
    """Called by a converted function's ``except`` clause before it re-raises ``error``.

    A JAX concretization error at a construct py2lax recognises is replaced by a py2lax
    error that keeps ``error``'s traceback (so it still ends at the user's line); other
    JAX errors get a note. Anything else passes through untouched.
    """
    restated = restate(error)
    if restated is not None:
        restated.jax_error = error  # JAX's own report, for whoever wants the details
        raise restated.with_traceback(_ending_in_user_code(error.__traceback__)) from None


def _ending_in_user_code(tb):
    """``tb`` cut after its innermost frame in the user's code (JAX's frames below it go)."""
    last_user = None
    entry = tb
    while entry is not None:
        if is_user_file(entry.tb_frame.f_code.co_filename):
            last_user = entry
        entry = entry.tb_next
    if last_user is not None:
        last_user.tb_next = None
    return tb


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
