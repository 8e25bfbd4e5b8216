"""py2lax: Python control flow that keeps working under ``jax.jit``.

Public API (see docs/design.md): :func:`autograph_jit`, :func:`convert`, :func:`to_source`,
:func:`transpile`, :func:`do_not_convert`, :func:`loop_options`. The other names are the
small runtime that converted code calls (``py2lax.cond``, ``py2lax.while_loop``, ...);
each is documented with the Python it means.

Names are loaded on first use, so the command line and the language server, which only
rewrite text, start without importing JAX.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_HOMES = {
    "py2lax.api": ["autograph_jit", "convert", "to_source", "do_not_convert", "ConversionWarning"],
    "py2lax.transpiler": ["transpile"],
    "py2lax.diagnostics.errors": ["Py2laxError", "ConversionError", "UnsupportedSyntaxError",
                      "UndefinedVariableError", "CarryTypeError", "TracedTruthValueError",
                      "TracedValueError", "ValueDependentShapeError", "InconsistentReturnError",
                      "OuterWriteError", "InPlaceArgumentError", "ShapeMismatchError"],
    "py2lax.runtime": ["cond", "if_exp", "while_loop", "fori_loop", "for_each", "enumerate",
                       "zip", "and_", "or_", "not_", "in_", "compare", "Undefined", "converted",
                       "setitem", "indices", "setattr_", "getattr_", "append", "extend",
                       "item_", "operate_", "operate_in_place_",
                       "print_", "assert_",
                       "loop_options", "augassign", "in_place_method", "with_out", "masked",
                       "masked_read",
                       "user_locals", "partial_carry", "written_through", "in_place_function",
                       "getitem", "bound", "defined", "divide", "zero_divisor", "caught_math", "is_none", "is_not_none",
                       "present", "formatted", "raised", "same_object", "equal", "contains",
                       "object_id", "count"],
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [name for names in _HOMES.values() for name in names if not name.startswith("_")]


def __getattr__(name: str):
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'py2lax' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOME_OF))


def load_ipython_extension(ipython) -> None:
    """``%load_ext py2lax``: register the ``%%py2lax`` cell magic (see ``py2lax.tools.notebook``)."""
    from py2lax.tools.notebook import load_ipython_extension as load

    load(ipython)
