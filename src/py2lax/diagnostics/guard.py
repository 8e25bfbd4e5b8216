"""Turning failures inside a converted function into the user's terms.

* A variable that no path assigned reaches the result as an ``Undefined`` marker;
  Python would have raised ``UnboundLocalError``, so that is raised instead.
* JAX errors that py2lax did not prevent (``bool(x)``, ``int(x)``, ``x[x > 0]`` on a
  traced ``x``...) become py2lax errors about the user's statement, naming
  it (see ``py2lax.diagnostics.jax_errors``).

:func:`guarded` wraps the converted function for this. The wrapper lives in py2lax's
package, whose frames JAX hides from tracebacks, so a traceback still ends at the user's
failing line. It runs once per trace under ``jax.jit``, never per compiled call.
"""

from __future__ import annotations

import functools


from py2lax.runtime.caught_errors import caught_tracer_errors_refused
from py2lax.diagnostics.jax_errors import restate
from py2lax.runtime.calls import is_user_file
from py2lax.runtime.effects import outliving_writes_checked
from py2lax.runtime.holders import replacements_scope
from py2lax.runtime.optional_values import check_not_returned
from py2lax.runtime.raising_branches import refusals_kept
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import leaves

def guarded(function, check_result: bool):
    """``function`` (converted) with its failures restated in the user's terms."""

    @functools.wraps(function)
    def converted(*args, **kwargs):
        try:
            # (a refusal a user's `with` suppressed while tracing; a JAX tracer error the
            # user's `except`/`with` caught; the alias records of one outermost call)
            with refusals_kept(), caught_tracer_errors_refused(), replacements_scope():
                result = outliving_writes_checked(
                    function, args + tuple(kwargs.values()), lambda: function(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - restated or re-raised untouched
            _restate(error)
            raise
        if not refusals_kept.depth:  # the outermost: its result leaves the conversion
            check_not_returned(result, function.__qualname__)
        return _checked_result(result, function.__qualname__) if check_result else result

    converted.__defaults__, converted.__kwdefaults__ = function.__defaults__, function.__kwdefaults__
    return converted


def _restate(error: Exception) -> None:
    """Raise a py2lax error in place of a JAX concretization error py2lax recognises.

    The new error keeps ``error``'s traceback, cut after the user's innermost frame, so
    it still ends at the user's line. Anything else passes
    through untouched.
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
    for leaf in leaves(result):
        if isinstance(leaf, Undefined):
            raise UnboundLocalError(
                f"cannot access local variable {leaf.name!r} where it is not associated with a "
                f"value: {function_name} returns it, but the path the program took never "
                "assigned it"
            )
    return result
