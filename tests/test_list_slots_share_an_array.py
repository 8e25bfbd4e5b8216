"""Two slots of one list or dict that hold the very same NumPy array.

``L[0] = L[1]`` then ``L[0][0] = x``: NumPy changes the one array both slots hold, so
``L[1][0]`` is ``x`` too. Under jit the write gives ``L[0]`` a new array (a NumPy array
cannot hold a traced value); ``L[1]`` kept the old one, a silent wrong answer. The other
slots of the same container that held the array now get the new one.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit, convert


def aliased_slots(x):
    slots = [np.zeros(2), np.ones(2)]
    slots[0] = slots[1]
    slots[0][0] = x
    return slots[1]


def repeated_row(x):
    grid = [np.zeros(3)] * 2
    grid[1][2] = x * 2.0
    return np.stack(grid)


def dict_values(x):
    d = {"a": np.zeros(2)}
    d["b"] = d["a"]
    d["a"][1] = x
    return d["b"] + d["a"]


def in_a_traced_branch(x):
    slots = [np.zeros(2), np.ones(2)]
    slots[0] = slots[1]
    if x > 0.0:
        slots[0][0] = x
    return slots[1]


def rebound_slot_keeps_its_own(x):
    slots = [np.zeros(2), np.ones(2)]
    slots[0] = slots[1]
    slots[1] = np.full(2, 3.0)  # no longer the array slots[0] holds
    slots[0][0] = x
    return slots[1] + slots[0]


@pytest.mark.parametrize("function", [aliased_slots, repeated_row, dict_values,
                                      in_a_traced_branch, rebound_slot_keeps_its_own])
@pytest.mark.parametrize("x", [-1.5, 2.0])
def test_every_slot_that_held_the_array_sees_the_write(function, x):
    expected = function(np.float32(x))
    np.testing.assert_allclose(np.asarray(autograph_jit(function)(jnp.float32(x))), expected)
    np.testing.assert_allclose(np.asarray(convert(function)(x)), expected)
