"""An array two places hold (``hist = [acc, tot]``) is written through only by a write.

A nested traced ``if`` whose branches all leave ``acc`` as it was carries its contents
out of the statement (``holders.record_kept_contents`` with ``written=False``); the
enclosing branch then finds ``acc`` at its place, and must not count that as a write
through ``acc``'s other holder: the enclosing traced loop, which returns ``acc`` rebound
and ``hist[0]`` untouched (read through a static method), was refused as if a write had
parted them (rg p_c94).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import assert_tree_close


class Stepper:
    @staticmethod
    def clamp(z, lo, hi):
        return jnp.minimum(jnp.maximum(z, lo), hi)


def first_above(arr, t):
    for idx in range(arr.shape[0]):
        if arr[idx] > t:
            return idx
    return -1


def kernel(p, q, data, reps):
    acc = p * 0.5
    tot = jnp.tanh(q)
    buf = data.copy()
    hist = [acc, tot]
    for _ in range(reps):
        for i2 in range(reps):
            if buf[reps % 5] > tot:
                k4 = first_above(buf, 0.5)
                acc = acc + 0.1 * buf[k4 % 5]
            else:
                buf[i2 % 5] += 0.2 * jnp.tanh(Stepper.clamp(hist[0], -1.0, 1.0))
    return acc, buf, hist[0]


@pytest.mark.parametrize("reps", [2, 3])
@pytest.mark.parametrize("q", [-1.0, 1.0])
def test_a_nested_if_that_keeps_an_array_is_no_write_through_it(reps, q):
    data = np.array([0.3, -0.2, 0.9, 0.1, -0.5], np.float32)
    got = py2lax.autograph_jit(kernel)(jnp.float32(0.4), jnp.float32(q), jnp.asarray(data),
                                       jnp.int32(reps))
    assert_tree_close(got, kernel(0.4, q, data, reps))
