"""``py2lax.divide``: a division inside a ``try`` that catches ``ZeroDivisionError``.

Python meaning::

    def divide(left, right, op):
        return left / right          # (or //, %): raises ZeroDivisionError for a zero right

``try: r = a / b except ZeroDivisionError: r = 0.0`` runs the handler in Python when
``b`` is zero. A traced ``b`` divides without raising (``inf``, ``nan``), so the handler
would never run and the result would silently differ from Python's. So a traced scalar
divisor is refused at the user's line, with the test to write instead. A Python zero
divisor raises Python's ZeroDivisionError also for a traced dividend (which would give
``inf``); other values (and arrays, whose division never raises in NumPy either) divide
as written.
"""

from __future__ import annotations

import operator
import sys

import numpy as np

from py2lax.diagnostics.errors import Location, TracedValueError
from py2lax.runtime.values import is_traced

_OPERATORS = {"/": operator.truediv, "//": operator.floordiv, "%": operator.mod}


def divide(left, right, op: str):
    """``left <op> right``; refused for a traced scalar ``right`` (see the module docstring).

    >>> divide(7, 2, "//")
    3
    """
    if isinstance(left, (str, bytes)):  # `"%d items" % n`: formatting, never a division
        return _OPERATORS[op](left, right)
    if is_traced(right) and np.ndim(right) == 0:
        frame = sys._getframe(1)
        raise TracedValueError(
            f"`{op}` by a traced value inside a `try` that catches ZeroDivisionError: "
            "Python raises for a zero divisor and runs the handler, but a compiled "
            "division never raises (it gives inf or nan), so the handler would never run",
            location=Location(frame.f_code.co_filename, frame.f_lineno),
            rule="exceptions are raised while tracing, never by the compiled program's "
            "values: `except ZeroDivisionError` cannot see a traced divisor that is zero.",
            fix="test the divisor instead of catching the error: `r = a / b if b != 0 else "
            "0.0` (py2lax makes it a lax.cond), or `jnp.where(b != 0, a / jnp.where(b != 0, "
            "b, 1.0), 0.0)`.")
    if type(right) in (int, float, bool) and right == 0 and is_traced(left):
        # (a NumPy zero divides to inf in Python too, with a warning: not raised)
        # (Python raises for a Python zero whatever the dividend; a traced dividend
        # would divide it to inf without raising)
        raise ZeroDivisionError("division by zero")
    return _OPERATORS[op](left, right)


def zero_divisor(right, left) -> bool:
    """Whether ``left / right`` (or ``//``, ``%``) raises ZeroDivisionError in Python where
    the compiled division would not: a traced bool, true where a traced scalar divisor is
    zero (it stands for a Python number), or ``True`` for a Python zero divisor of a traced
    dividend. ``False`` otherwise: Python values divide as written, and Python's own
    operator raises, with its own message.

    The decorator writes ``if py2lax.zero_divisor(b, a): raise ZeroDivisionError(...)``
    before a statement that divides inside a ``try`` catching ZeroDivisionError, so the
    error jumps to the handler as the user's own ``raise`` does (``normalize_exits``).

    >>> zero_divisor(0.0, 1.0)  # Python values: the division itself raises
    False
    """
    if isinstance(left, (str, bytes)):  # `"%d items" % n`: formatting, never a division
        return False
    if is_traced(right):
        return right == 0 if np.ndim(right) == 0 else False  # (arrays never raise)
    return type(right) in (int, float, bool) and right == 0 and is_traced(left)


def caught_math(function, *args, **kwargs):
    """``function(*args)`` (``math.sqrt(x)``, ``math.log(x)``, ``math.exp(x)``) inside a
    ``try`` that catches ``ValueError``, ``OverflowError`` or ``ArithmeticError``.

    Python raises for an argument outside the function's domain or range and runs the
    handler; the compiled ``jnp.sqrt`` of a traced value gives ``nan`` or ``inf`` instead,
    so the handler would silently never run. A traced argument is refused at the user's
    line, with the test to write; Python values call the function as written.

    >>> import math
    >>> caught_math(math.sqrt, 4.0)
    2.0
    """
    from py2lax.runtime.calls import converted

    traced = [a for a in (*args, *kwargs.values()) if is_traced(a)]
    if traced and getattr(function, "__module__", None) == "math":
        frame = sys._getframe(1)
        name = getattr(function, "__name__", "function")
        raise TracedValueError(
            f"`math.{name}` of a traced value inside a `try` that catches its error: Python "
            "raises for a value outside its domain (ValueError) or range (OverflowError) and "
            "runs the handler, but the compiled function never raises (it gives nan or inf), "
            "so the handler would never run",
            location=Location(frame.f_code.co_filename, frame.f_lineno),
            rule="exceptions are raised while tracing, never by the compiled program's "
            "values: an `except` cannot see a traced value that is out of the domain.",
            fix=f"test the value instead of catching the error, e.g. `r = math.{name}(x) if x "
            "> 0 else -1.0` (py2lax makes it a lax.cond), or `jnp.where(x > 0, "
            f"jnp.{name}(jnp.where(x > 0, x, 1.0)), -1.0)`.")
    return converted(function)(*args, **kwargs)
