"""What ``--standalone`` rewrites in a function before the pipeline reads it.

Some Python forms the runtime handles with state it keeps at run time (holders for the
arrays a helper writes into, choices for the strings or functions a traced statement
picks). Plain jax has no such state, so they are written here as the plain Python a
JAX user would write instead, with the same meaning; the pipeline and this backend
then lower the result like any other code. The command calls this for each function
it converts with ``--standalone`` (``transpiler._rewrite``).
"""

from __future__ import annotations

from py2lax.backends.plain_lax.chosen_functions import switch_chosen_functions
from py2lax.backends.plain_lax.helper_writes import write_back_helper_calls
from py2lax.backends.plain_lax.string_modes import strings_as_positions
from py2lax.frontend import syntax as S
from py2lax.transforms.records import Records


def prepare_for_plain_jax(function: S.FunctionDef, module: S.Module | None,
                          jax_name: str, records: Records) -> bool:
    """Rewrite ``function`` (a copy the command converts) in place; return whether its
    text changed, and record each rewrite in ``records``. ``module``: the module as
    written, whose helpers it may call; ``jax_name``: what the module calls ``jax`` (for
    a rewrite that calls it)."""
    written_back = write_back_helper_calls(function, module)
    positions = strings_as_positions(function)
    switched = switch_chosen_functions(function, module, jax_name)
    for done, why in ((written_back, "helper written back"),
                      (positions, "strings as positions"), (switched, "jax.lax.switch")):
        if done:
            records.change(0, why, calls_jax=why == "jax.lax.switch")
    return written_back or positions or switched
