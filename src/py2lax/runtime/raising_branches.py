"""A ``raise`` in a branch of a traced ``if``: raised when that branch runs, not while tracing.

``if x < 0: raise ValueError("negative")`` checks the input in Python: the error comes
only when ``x`` is negative. ``lax.cond`` traces *both* branches, so the ``raise`` would
fire while tracing, whatever ``x`` is. When a branch stops at one of the user's ``raise``
statements while it is traced, it is replaced by a branch that raises the same error
when it runs (through ``jax.debug.callback``, as ``assert`` does) and otherwise computes
what the other branch computes, so both branches still return the same types. Under
``jit`` the error reaches the caller as JAX's runtime error carrying the message.
"""

from __future__ import annotations

import linecache
import traceback

import jax

from py2lax.diagnostics.errors import ConversionError
from py2lax.runtime.calls import is_user_file


class BranchRaised(Exception):
    """Raised out of ``lax.cond`` when tracing a branch reached a user's ``raise``."""

    def __init__(self, error: BaseException, function, location: str):
        super().__init__(str(error))
        self.error, self.function, self.location = error, function, location


def raise_location(error: BaseException) -> str | None:
    """``file:line`` of the user's ``raise`` statement that raised ``error``, if it was one
    (or of the read of a variable the branch's path never assigned: Python's
    ``UnboundLocalError`` there also happens only if the branch runs)."""
    if getattr(error, "unbound_read", False):
        return str(error.location)
    innermost = None
    for frame in traceback.extract_tb(error.__traceback__):
        if is_user_file(frame.filename):
            innermost = frame
    if innermost is None:
        return None
    line = linecache.getline(innermost.filename, innermost.lineno).strip()
    if line == "raise" or line.startswith(("raise ", "raise(")):
        return f"{innermost.filename}:{innermost.lineno}"
    return None


def raising_when_run(raised: BranchRaised, other):
    """A branch that raises ``raised.error`` when it runs and otherwise computes ``other``."""

    def branch(*operands):
        jax.debug.callback(_Raiser(raised.error, raised.location))
        return other(*operands)

    branch.__wrapped__ = other
    return branch


class _Raiser:
    def __init__(self, error: BaseException, location: str):
        self.error, self.location = error, location

    def __call__(self):
        if not getattr(self.error, "__notes__", None) or self.location not in self.error.__notes__:
            self.error.add_note(f"raised at {self.location}, in a branch of a traced `if`")
        raise self.error


def caught_at_run_time_error(raised: BranchRaised, info) -> ConversionError:
    """The ``raise`` would have to be caught by a ``try`` around the traced ``if``."""
    kind = type(raised.error).__name__
    return ConversionError(
        f"this `if`, whose condition is traced, leads to `raise {kind}` ({raised.location}) "
        "inside a `try` block that catches exceptions",
        location=info.location, names=(kind,),
        rule="a traced condition is decided when the compiled program runs; an error raised "
        "then cannot be caught by the Python `try`/`except` around it, which ran while "
        "tracing.",
        fix="test for the failing case with values instead (e.g. `jnp.where(bad, fallback, "
        "value)`), or make the condition static so Python raises and catches it.",
    )
