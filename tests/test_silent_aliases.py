"""Silent wrong answers through objects that two places hold (issue 12).

Python is the oracle: each program runs eagerly on Python/NumPy values, through
``convert`` on the same values, and through ``autograph_jit`` on JAX values; the three
must agree, or the converted run must raise a located py2lax error.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close

import py2lax


def _agree(function, *xs):
    for x in xs:
        expected = function(x)
        assert_tree_close(py2lax.convert(function)(x), expected)
        jitted = py2lax.autograph_jit(function)(jnp.float32(x))
        assert_tree_close(jitted, expected, rtol=1e-5, atol=1e-5)


# -- W2b: arrays a Python loop walks, written under a traced test ------------------------


def loop_over_tuple(x):
    a = np.zeros(3)
    b = np.zeros(3)
    for arr in (a, b):
        if x > 0:
            arr[0] = x
    return a, b


def loop_over_list(x):
    a = np.zeros(3)
    b = np.ones(3)
    for arr in [a, b]:
        if x > 0:
            arr[2] = x
        else:
            arr[1] = -x
    return a, b


def loop_over_enumerate(x):
    a = np.zeros(3)
    b = np.zeros(3)
    for i, arr in enumerate([a, b]):
        if x > 0:
            arr[i] = x
    return a, b


def loop_over_dict_values(x):
    d = {"a": np.zeros(3), "b": np.zeros(3)}
    for arr in d.values():
        if x > 0:
            arr[0] = x
    return d["a"], d["b"]


def loop_over_dict_items(x):
    d = {"a": np.zeros(3), "b": np.ones(3)}
    for _key, arr in d.items():
        if x > 0:
            arr[1] = x
    return d


def loop_over_zip(x):
    a, b, c, e = np.zeros(3), np.ones(3), np.zeros(3), np.zeros(3)
    for p, q in zip([a, b], [c, e]):
        if x > 0:
            p[0] = x
            q[1] = x
    return a, b, c, e


def loop_over_reversed(x):
    a = np.zeros(3)
    b = np.ones(3)
    for arr in reversed((a, b)):
        if x > 0:
            arr[2] = x
    return a, b


def item_taken_by_index(x):
    a = np.zeros(3)
    b = np.ones(3)
    arrs = [a, b]
    for i in range(2):
        arr = arrs[i]
        if x > 0:
            arr[i] = x
    return a, b


def augmented_in_place(x):
    a = np.zeros(3)
    b = np.ones(3)
    for arr in [a, b]:
        if x > 0:
            arr += x
    return a, b


def written_then_read(x):
    a = np.zeros(3)
    b = np.ones(3)
    total = 0.0
    for arr in (a, b):
        if x > 0:
            arr[0] = x
        total = total + arr.sum()
    return total, a, b


@pytest.mark.parametrize("function", [
    loop_over_tuple, loop_over_list, loop_over_enumerate, loop_over_dict_values,
    loop_over_dict_items, loop_over_zip, loop_over_reversed, item_taken_by_index,
    augmented_in_place, written_then_read,
])
def test_a_write_through_a_loop_variable_reaches_every_array_walked(function):
    _agree(function, 1.5, -1.5)


def jax_arrays_rebound(x):
    a = jnp.zeros(3)
    b = jnp.ones(3)
    arrs = [a, b]
    for _i, arr in enumerate(arrs):
        if x > 0:
            arr = arr.at[0].set(x)
        arr = arr + 1
    return a, b, arrs


def test_jax_arrays_rebound_through_a_loop_variable_keep_python_meaning():
    _agree(jax_arrays_rebound, 1.5, -1.5)
