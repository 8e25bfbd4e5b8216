"""The small runtime that generated code calls (``py2lax.cond``, ``py2lax.while_loop``, ...).

Each helper is documented with the Python it means; it runs that Python when the values
it depends on are concrete, and the matching ``lax`` primitive when they are traced.
"""

from py2lax.runtime.calls import converted
from py2lax.runtime.caught_division import caught_math, divide, zero_divisor
from py2lax.runtime.conditionals import cond, if_exp
from py2lax.runtime.containers import (
    append,
    augassign,
    extend,
    in_place_function,
    in_place_method,
    indices,
    setitem,
    with_out,
)
from py2lax.runtime.io import assert_, print_
from py2lax.runtime.masked import masked
from py2lax.runtime.masked_reads import masked_read
from py2lax.runtime.optional_values import is_none, is_not_none, present
from py2lax.runtime.text import formatted
from py2lax.runtime.raised_values import raised
from py2lax.runtime.objects import getattr_, setattr_
from py2lax.runtime.implicit_methods import item_, operate_, operate_in_place_
from py2lax.runtime.identity import contains, count, equal, object_id, same_object
from py2lax.runtime.logical import and_, compare, in_, not_, or_
from py2lax.runtime.loops import UNROLL_LIMIT, enumerate, for_each, fori_loop, while_loop, zip
from py2lax.runtime.options import loop_options
from py2lax.runtime.partial_carry import partial_carry
from py2lax.runtime.undefined import Undefined, bound, defined
from py2lax.runtime.user_scope import user_locals
from py2lax.runtime.holders import written_through
from py2lax.runtime.list_positions import getitem
from py2lax.runtime.reverse_mode import install as install_reverse_mode_error
from py2lax.diagnostics.tracebacks import hide_package_frames

hide_package_frames()
install_reverse_mode_error()

__all__ = [
    "cond", "if_exp", "and_", "or_", "not_", "while_loop", "fori_loop", "for_each",
    "enumerate", "zip", "Undefined", "bound", "defined", "UNROLL_LIMIT", "converted", "setitem", "indices", "append",
    "extend", "print_", "assert_", "compare", "in_", "setattr_", "getattr_", "loop_options",
    "item_", "operate_", "operate_in_place_",
    "augassign",
    "in_place_method", "with_out", "masked", "masked_read", "user_locals", "partial_carry", "written_through",
    "in_place_function", "getitem", "divide", "zero_divisor", "caught_math", "is_none", "is_not_none", "present", "formatted", "raised",
    "same_object", "equal", "contains", "object_id", "count",
]
