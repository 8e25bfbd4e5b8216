"""Strings a jitted function returns: ``return total, used`` with ``used = ["a", "c"]``.

``jax.jit`` returns arrays only: a ``str`` among the outputs is a ``TypeError`` after
tracing. A string the function computes while it is traced (from static arguments,
constants, a loop over a dict's keys) is the same every time the compiled program
runs, so it can leave ``jax.jit`` as part of the output's *structure*: each string is
wrapped in :class:`PythonValue`, a pytree node with no leaves whose auxiliary data is
the string, and unflattening the output gives the string back. (A string a traced
condition chose is a ``runtime.choices.StringChoice``, which leaves as its traced index.)

Python meaning: the function's own return value.

>>> import jax, jax.numpy as jnp
>>> jax.jit(with_python_outputs(lambda x: (x * 2, "doubled")))(jnp.float32(1.5))
(Array(3., dtype=float32), 'doubled')
"""

from __future__ import annotations

import functools

import jax

_CARRIED_AS_STRUCTURE = (str, bytes)


class PythonValue:
    """A string in a jitted function's output, kept in the output's tree structure."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


jax.tree_util.register_pytree_node(
    PythonValue, lambda kept: ((), kept.value), lambda value, _children: value)


def with_python_outputs(function):
    """``function``, its string outputs wrapped for ``jax.jit`` (see the module)."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        return jax.tree_util.tree_map(_kept, function(*args, **kwargs))

    return call


def _kept(leaf):
    return PythonValue(leaf) if isinstance(leaf, _CARRIED_AS_STRUCTURE) else leaf
