"""The traced values an error carries, given their values when the program raises it.

``if i == 3: raise KeyError(i)`` under a traced condition makes the error while tracing,
so its arguments (and the attributes its class's ``__init__`` stored) hold tracers; the
compiled program raises that object when it runs, and the caller read ``KeyError:
JitTracer(~int32[])``, a leaked tracer, where Python says ``KeyError: 3``. The tracers
go into the callback that raises the error as its operands, and each is replaced there
by the value it has: a Python number where it is one number (Python's ``i`` is an
``int``), a NumPy array otherwise.

An error built by :func:`raised` (``transforms/raised_values``: ``raise
py2lax.raised(lambda x: ValueError(f"x={x:.2f}"), x)``) is built again there from the
values of the names it read, so its message is Python's (``x=5.00``) where formatting a
tracer wrote ``JitTracer(...)`` or raised TypeError. Only tracers of the trace being
built (or one around it) can go: a value the raising branch computed itself belongs to
that branch's trace, which lax discarded, and stays as it is.
"""

from __future__ import annotations

import jax
import numpy as np

from py2lax.runtime.conversions import enclosing_traces

_REBUILD = "__py2lax_rebuild__"


def raised(build, *values):
    """``build(*values)``: the exception a ``raise`` makes. Where a value is traced, the
    exception keeps ``build`` and the values, to be built again from what they are when
    the compiled program raises it. A message that cannot be written from a tracer
    (``f"{x:.2f}"``) is written from zeros in its place, and says so, until then.

    >>> raised(lambda x: ValueError(f"x={x:.2f}"), 5.0)
    ValueError('x=5.00')
    """
    try:
        traced = any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(values))
    except Exception:  # noqa: BLE001 - a value whose pytree cannot be flattened
        traced = False
    if not traced:
        return build(*values)
    try:
        error = build(*values)
    except TypeError as failed:
        error = _built_from_stand_ins(build, values, failed)
        if isinstance(error, BaseException):
            error.add_note("(py2lax: this message was written while tracing, with stand-ins "
                           "for the traced values it formats, whose values only the compiled "
                           "program knows)")
    if isinstance(error, BaseException):
        setattr(error, _REBUILD, (build, values))
    return error


def _built_from_stand_ins(build, values, failed: TypeError):
    """``build`` of zeros in place of the tracers, or of ones (``f"{1 / x:.2f}"``); the
    tracer's own error where neither builds."""
    for fill in (0, 1):
        def stand_in(value, fill=fill):
            if not isinstance(value, jax.core.Tracer):
                return value
            array = np.full(value.shape, fill, value.dtype)
            return array.item() if array.ndim == 0 else array
        try:
            return build(*jax.tree.map(stand_in, values))
        except Exception:  # noqa: BLE001 - try the next stand-in
            continue
    raise failed


class LateValues:
    """Values (a pytree) whose tracers the compiled program gives back as they are when
    it runs: ``tracers`` go into a callback, ``with_values`` rebuilds the values there.
    ``complete``: every tracer is of the trace being built (or one around it)."""

    def __init__(self, values):
        self.leaves, self.tree = jax.tree.flatten(values)
        traces = enclosing_traces()
        traced = [i for i, leaf in enumerate(self.leaves) if isinstance(leaf, jax.core.Tracer)]
        self.positions = [i for i in traced if any(
            getattr(self.leaves[i], "_trace", None) is t for t in traces)]
        self.complete = len(self.positions) == len(traced)

    @property
    def tracers(self) -> list:
        return [self.leaves[i] for i in self.positions]

    def with_values(self, concrete):
        leaves = list(self.leaves)
        for position, value in zip(self.positions, concrete):
            leaves[position] = _python_value(value)
        return jax.tree.unflatten(self.tree, leaves)

    def written(self, message, concrete):
        """``message`` of the values, as Python writes it when the ``assert`` fails."""
        return message(*self.with_values(concrete))


class TracedParts:
    """The tracers ``error`` holds (``tracers``), and ``filled`` to put values there."""

    def __init__(self, error: BaseException):
        self.error, self.build = error, None
        rebuild = getattr(error, _REBUILD, None)
        if rebuild is not None:
            self.late = LateValues(rebuild[1])
            if self.late.complete:  # built again from all of them
                self.build = rebuild[0]
                return
        try:
            attributes = {k: v for k, v in vars(error).items() if k != _REBUILD}
            self.late = LateValues((error.args, attributes))
        except Exception:  # noqa: BLE001 - an error whose parts are no pytree stays as is
            self.late = LateValues(())

    @property
    def tracers(self) -> list:
        return self.late.tracers

    def filled(self, values) -> BaseException:
        """The error to raise, with ``values`` for its tracers."""
        if not self.late.positions:
            return self.error
        rebuilt = self.late.with_values(values)
        if self.build is not None:
            try:
                error = self.build(*rebuilt)
            except Exception as failed:  # noqa: BLE001 - Python would raise this one
                error = failed
            return error if isinstance(error, BaseException) else self.error
        args, attributes = rebuilt
        self.error.args = tuple(args)
        for name, value in attributes.items():
            if name != "args":
                setattr(self.error, name, value)
        return self.error


def _python_value(value):
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array
