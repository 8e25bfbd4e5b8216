"""The traced values an error carries, given their values when the program raises it.

``if i == 3: raise KeyError(i)`` under a traced condition makes the error while tracing,
so its arguments (and the attributes its class's ``__init__`` stored) hold tracers; the
compiled program raises that object when it runs, and the caller read ``KeyError:
JitTracer(~int32[])``, a leaked tracer, where Python says ``KeyError: 3``. The tracers
go into the callback that raises the error as its operands, and each is replaced there
by the value it has: a Python number where it is one number (Python's ``i`` is an
``int``), a NumPy array otherwise. Only tracers of the trace being built (or one around
it) can go: a value the raising branch computed itself (``raise ValueError(x + 1)``)
belongs to that branch's trace, which lax discarded, and stays as it is.
"""

from __future__ import annotations

import jax
import numpy as np

from py2lax.runtime.conversions import enclosing_traces


class TracedParts:
    """The tracers ``error`` holds (``tracers``), and ``fill`` to put values there."""

    def __init__(self, error: BaseException):
        self.error = error
        self.leaves, self.tree, self.positions = [], None, []
        try:
            attributes = dict(vars(error))
            self.leaves, self.tree = jax.tree.flatten((error.args, attributes))
        except Exception:  # noqa: BLE001 - an error whose parts are no pytree stays as is
            return
        traces = enclosing_traces()
        self.positions = [i for i, leaf in enumerate(self.leaves)
                          if isinstance(leaf, jax.core.Tracer)
                          and any(getattr(leaf, "_trace", None) is t for t in traces)]

    @property
    def tracers(self) -> list:
        return [self.leaves[i] for i in self.positions]

    def fill(self, values) -> None:
        """The error's arguments and attributes, with ``values`` for its tracers."""
        if not self.positions:
            return
        leaves = list(self.leaves)
        for position, value in zip(self.positions, values):
            leaves[position] = _python_value(value)
        args, attributes = jax.tree.unflatten(self.tree, leaves)
        self.error.args = tuple(args)
        for name, value in attributes.items():
            if name != "args":
                setattr(self.error, name, value)


def _python_value(value):
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array
