"""py2lax: Python control flow that keeps working under ``jax.jit``.

Public API (see DESIGN.md): :func:`autograph_jit`, :func:`convert`, :func:`to_source`,
:func:`transpile`, :func:`do_not_convert`. The names below them are the small runtime
that converted code calls (``py2lax.cond``, ``py2lax.while_loop``, ...); each is
documented with the Python it means.
"""

from py2lax.api import ConversionWarning, autograph_jit, convert, do_not_convert, to_source
from py2lax.errors import (
    CarryTypeError,
    ConversionError,
    Py2laxError,
    TracedTruthValueError,
    UndefinedVariableError,
    UnsupportedSyntaxError,
)
from py2lax.runtime import (
    Undefined,
    and_,
    append,
    assert_,
    compare,
    cond,
    converted,
    extend,
    enumerate,
    for_each,
    fori_loop,
    if_exp,
    not_,
    or_,
    print_,
    setattr_,
    setitem,
    while_loop,
    zip,
)
from py2lax.runtime.options import loop_options
from py2lax.guard import checked_result as _checked_result
from py2lax.guard import note_error as _note_error
from py2lax.tracebacks import hide_package_frames
from py2lax.transpile import transpile

hide_package_frames()

__version__ = "0.1.0"

__all__ = [
    "autograph_jit", "convert", "to_source", "transpile", "do_not_convert", "loop_options",
    "Py2laxError", "ConversionError", "UnsupportedSyntaxError", "UndefinedVariableError",
    "CarryTypeError", "TracedTruthValueError", "ConversionWarning",
    "cond", "if_exp", "while_loop", "fori_loop", "for_each", "enumerate", "zip",
    "and_", "or_", "not_", "Undefined", "converted", "setitem", "append", "extend",
    "print_", "assert_", "compare", "setattr_",
]
