"""User-facing errors: each names the user's file and line, the variables, the rule and the fix.

Every error raised because of how the user's code is written is a :class:`ConversionError`.
The message reads top to bottom as: where, what, which rule of lax, how to fix it.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    filename: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}"

    @property
    def source_line(self) -> str:
        return linecache.getline(self.filename, self.line).strip()


class Py2laxError(Exception):
    """Base class of every py2lax error."""


class ConversionError(Py2laxError):
    """The user's code cannot mean under jit what it means in Python.

    Attributes: ``location`` (file and line), ``names`` (the variables involved),
    ``rule`` (the constraint lax imposes) and ``fix`` (what to change).
    """

    def __init__(self, problem: str, *, location: Location | None = None,
                 names: tuple[str, ...] = (), rule: str = "", fix: str = ""):
        self.problem, self.location, self.names = problem, location, tuple(names)
        self.rule, self.fix = rule, fix
        # Exception's own __init__, whatever else the error class is (a JAX error class
        # takes a tracer, not a message; see py2lax.diagnostics.jax_errors)
        Exception.__init__(self, self._format())

    def _format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        lines = [where + self.problem]
        if self.location and self.location.source_line:
            lines.append(f"    {self.location.source_line}")
        if self.rule:
            lines.append(self.rule)
        if self.fix:
            lines.append(f"Fix: {self.fix}")
        return "\n".join(lines)


class UnsupportedSyntaxError(ConversionError):
    """A construct that cannot become lax, found before any rewriting."""


class UndefinedVariableError(ConversionError, NameError):
    """A variable that traced control flow needs is not defined on every path."""


class CarryTypeError(ConversionError, TypeError):
    """Branches or loop iterations produce values of different shape, dtype or structure."""


class InconsistentReturnError(ConversionError, TypeError):
    """A traced condition chooses between returning a value and returning ``None``."""


class OuterWriteError(ConversionError):
    """A traced statement would store a traced value outside the function (a global, a
    nonlocal, or a Python object that outlives the call)."""


class InPlaceArgumentError(ConversionError, TypeError):
    """An update in place that NumPy would show through another name (a helper's
    argument, a row taken from an array) on a JAX array, which cannot change; or one
    NumPy refuses (``ints[m] += 0.5``: a float result cast into an integer array)."""


class TracedTruthValueError(ConversionError, ValueError):
    """A traced condition that is not a single truth value (e.g. an array of several)."""


class TracedValueError(ConversionError, TypeError):
    """Python needed a concrete value (``int(x)``, ``range(n)``, a list index) of a traced one."""


class ValueDependentShapeError(ConversionError, TypeError, IndexError):
    """An operation whose result shape depends on traced values (``x[x > 0]``, ``jnp.nonzero``)."""


class ShapeMismatchError(ConversionError, ValueError):
    """A value that cannot broadcast to the part of the array it is written into
    (``a[1:3] = b`` with ``b`` of three items: NumPy's ``ValueError``)."""


# The errors are public as `py2lax.ConversionError`, ...: tracebacks name them so.
for _error in (Py2laxError, ConversionError, UnsupportedSyntaxError, UndefinedVariableError,
               CarryTypeError, InconsistentReturnError, OuterWriteError, InPlaceArgumentError,
               TracedTruthValueError, TracedValueError, ValueDependentShapeError,
               ShapeMismatchError):
    _error.__module__ = "py2lax"
