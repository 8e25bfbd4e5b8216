"""Pytrees as carried state: tuples, lists, dicts, NamedTuples, registered dataclasses.

The oracle is the original function run eagerly; each function carries a mixture of
containers holding arrays of different shapes and dtypes through a traced ``if``, a
traced ``while`` and a ``scan`` over rows.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class State(NamedTuple):
    position: jax.Array   # float32[2]
    velocity: jax.Array   # float32[2]
    steps: jax.Array      # int32[]


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class Params:
    gain: jax.Array
    damping: jax.Array


def simulate(state, params, limit):
    history = {"peaks": jnp.zeros(3), "flags": [jnp.int32(0), jnp.bool_(False)]}
    while state.steps < limit:                          # traced while over a NamedTuple
        state = State(state.position + params.gain * state.velocity,
                      state.velocity * params.damping, state.steps + 1)
        if state.position[0] > 1.0:                     # traced if over a nested dict/list
            history["flags"][0] = history["flags"][0] + 1
            history["flags"][1] = True
            params = Params(params.gain * 0.5, params.damping)
    for row in jnp.arange(6.0).reshape(3, 2):           # scan carrying the same mixture
        history = {"peaks": history["peaks"] + row.sum(), "flags": history["flags"]}
        state = state._replace(position=state.position + row)
    return state, params, history


def initial():
    state = State(jnp.zeros(2, jnp.float32), jnp.array([0.7, -0.2], jnp.float32), jnp.int32(0))
    return state, Params(jnp.float32(1.0), jnp.float32(0.9))


def assert_tree_equal(expected, actual):
    assert jax.tree_util.tree_structure(expected) == jax.tree_util.tree_structure(actual)
    for e, a in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(actual)):
        assert np.asarray(e).dtype == np.asarray(a).dtype
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("limit", [0, 1, 4, 9])
def test_mixed_pytrees_through_while_if_and_scan(limit):
    state, params = initial()
    expected = simulate(state, params, jnp.int32(limit))
    actual = py2lax.autograph_jit(simulate)(state, params, jnp.int32(limit))
    assert_tree_equal(expected, actual)


def test_the_jaxpr_really_carries_the_pytrees():
    state, params = initial()
    jaxpr = jax.make_jaxpr(py2lax.convert(simulate))(state, params, jnp.int32(4))
    names = {eqn.primitive.name for eqn in jaxpr.jaxpr.eqns}
    assert {"while", "scan"} <= names
