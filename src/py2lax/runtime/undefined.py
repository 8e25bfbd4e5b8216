"""The value of a variable that is not bound yet.

Lowered statements pass their carried variables to branch and body functions, so every
one of them needs a value when the statement starts. A variable first assigned inside
the statement starts as ``Undefined("name")``. Running as Python (a static condition),
the marker only survives where Python itself would leave the variable unbound, and any
use of it raises ``NameError`` naming the variable. Lowered to lax, a marker that would
have to flow through the primitive is reported by the runtime with the user's line.

``Undefined(name, fill=True)`` marks a variable py2lax introduced itself (the function's
result when ``return`` sits inside a loop). It is only read on paths that assigned it,
so where lax needs a value of the right type the runtime may use zeros of that type.
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np

from py2lax.diagnostics.errors import ConversionError, Location, UndefinedVariableError


class Undefined:
    """Placeholder for the unbound variable ``name``.

    >>> y = Undefined("y")
    >>> y
    Undefined('y')
    >>> y + 1
    Traceback (most recent call last):
    ...
    py2lax.UndefinedVariableError: ...: variable 'y' is used but is not defined ...
    """

    __slots__ = ("name", "fill", "location")

    def __init__(self, name: str, fill: bool = False):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "fill", fill)
        caller = sys._getframe(1)  # the user's statement that made the marker
        object.__setattr__(self, "location",
                           Location(caller.f_code.co_filename, caller.f_lineno))

    def __repr__(self) -> str:
        return f"Undefined({self.name!r})"

    def _fail(self, *args, **kwargs):
        for reads in _WATCHES:
            reads.append(self.name)
        error = UndefinedVariableError(
            f"variable {self.name!r} is used but is not defined on the path the program took "
            "(Python would raise UnboundLocalError here)",
            location=self.location, names=(self.name,),
            rule="a variable must be assigned before it is read.",
            fix=f"assign {self.name!r} before the `if`/loop that defines it, or on every path.",
        )
        error.unbound_read = True  # a branch reading it raises only if it runs
        raise error

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)  # protocols probed by copy, pickle, jax...
        self._fail()

    __bool__ = __index__ = __int__ = __float__ = __len__ = __iter__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __pow__ = _fail
    __matmul__ = __rmatmul__ = __neg__ = __pos__ = __abs__ = __getitem__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __call__ = __array__ = _fail


def bound(value, flag, name: str):
    """``value``, read where the variable ``name`` may be unbound; ``flag``: whether it
    is bound (see ``transforms/unbound_reads.py``).

    As Python, a false ``flag`` raises UnboundLocalError here; a traced one makes the
    compiled program raise it when this read runs with the flag false (inside a traced
    branch: only if the branch runs), noted as raised at the user's line.

    >>> bound(2.0, True, "i")
    2.0
    >>> bound(Undefined("i", fill=True), False, "i")
    Traceback (most recent call last):
    ...
    UnboundLocalError: cannot access local variable 'i' where it is not associated with a value
    """
    if isinstance(flag, (bool, np.bool_)):
        if not flag:
            raise _unbound(name, sys._getframe(1))
        return value
    import jax
    import jax.numpy as jnp

    from py2lax.runtime.conversions import where_python_runs
    from py2lax.runtime.raising_branches import raised_if

    try:
        known = bool(flag)  # a concrete array: decided now
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError):
        error = _unbound(name, sys._getframe(1))
        _refuse_if_caught(error, name)
        # (a later operand of a traced `and`/`or` is traced whichever way the earlier
        # ones go: it raises only where Python evaluates it)
        raised_if(where_python_runs(jnp.logical_not(flag)), error, str(error.location),
                  "a read of a variable that is bound only on some paths")
        return value
    if not known:
        raise _unbound(name, sys._getframe(1))
    return value


def defined(value, name: str):
    """``value``, read where an ``if`` may have left the variable ``name`` unbound (see
    ``transforms/unbound_reads.py``): Python's UnboundLocalError where it is still the
    ``Undefined`` marker.

    >>> defined(2.0, "y")
    2.0
    >>> defined(Undefined("y"), "y")
    Traceback (most recent call last):
    ...
    UnboundLocalError: cannot access local variable 'y' where it is not associated with a value
    """
    if isinstance(value, Undefined):
        raise _unbound(name, sys._getframe(1))
    return value


def _refuse_if_caught(error: UnboundLocalError, name: str) -> None:
    """Refuse (located) a read whose traced flag decides whether it raises, when a ``try``
    around it, here or in a converted caller, catches UnboundLocalError: Python runs the
    handler then, but the compiled program raises it only when it runs, past every
    ``except`` (which ran while tracing)."""
    from py2lax.runtime.raising_branches import BranchRaised, caught_by_a_try, kept

    class _NoStatement:
        inside_try = False

    if caught_by_a_try(BranchRaised(error, None, str(error.location)), _NoStatement) is None:
        return
    # (a ConversionError, not the NameError UndefinedVariableError is: the handler the
    # refusal is about, `except NameError:`, must not swallow it where nothing keeps it)
    raise kept(ConversionError(
        f"variable {name!r} may be unbound at this read, depending on a traced value, and "
        "the `try` around it catches the UnboundLocalError Python would raise here",
        location=error.location, names=(name,),
        rule="a traced value is decided when the compiled program runs; an error raised "
        "then cannot be caught by the Python `try`/`except` around it, which ran while "
        "tracing.",
        fix=f"assign {name!r} before the loop or `if` that binds it (e.g. `{name} = 0.0`), "
        "and test the case the handler was for with values.")) from None


def _unbound(name: str, caller) -> UnboundLocalError:
    """Python's error for a read of ``name`` at ``caller``'s line; a traced branch that
    makes it while tracing raises it only if the branch runs (``unbound_read``)."""
    error = UnboundLocalError(f"cannot access local variable {name!r} where it is not "
                              "associated with a value")
    error.unbound_read = True
    error.location = Location(caller.f_code.co_filename, caller.f_lineno)
    return error


def is_placeholder(value) -> bool:
    """An ``Undefined`` that may be replaced by zeros of the right type."""
    return isinstance(value, Undefined) and value.fill


_WATCHES: list[list[str]] = []


@contextlib.contextmanager
def watching_reads():
    """The names of the markers read (used in any way) inside the block, even where the
    error that read raised was caught or deferred (a branch that raises only if it
    runs)."""
    reads: list[str] = []
    _WATCHES.append(reads)
    try:
        yield reads
    finally:
        _WATCHES.remove(reads)
