"""``a[m] += b[m]`` and ``a[m] = b[m]`` with a traced boolean mask ``m``.

``b[m]`` alone has a traced length, which jit cannot make (JAX's
NonConcreteBooleanIndexError, refused at the line before). Read at the very index
written, the update has one element-wise meaning: ``jnp.where(m, a + b, a)``. On concrete
values (and masks that do not fit) ``b[m]`` is read as Python reads it.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit, convert


def masked_add(a, b):
    a = a.copy()
    m = b > 0
    a[m] += b[m]
    return a


def masked_copy(a, b):
    a = a.copy()
    a[a > b] = b[a > b]
    return a


def rows_masked(a, b, t):
    a = a.copy()
    keep = a[:, 0] > t
    a[keep] += b[keep]
    return a


def masked_in_a_branch(a, b, s):
    a = a.copy()
    if s > 0:
        m = a < b
        a[m] = b[m]
    return a


A = np.array([1.0, 5.0, 3.0, 8.0], np.float32)
B = np.array([-2.0, 2.0, 4.0, 9.0], np.float32)


@pytest.mark.parametrize("function", [masked_add, masked_copy])
def test_mask_read_at_the_written_index(function):
    want = function(A.copy(), B)
    np.testing.assert_allclose(autograph_jit(function)(jnp.asarray(A), jnp.asarray(B)), want)
    np.testing.assert_allclose(convert(function)(A.copy(), B), want)


def test_mask_over_leading_axis():
    a, b = np.arange(6.0, dtype=np.float32).reshape(3, 2), np.ones((3, 2), np.float32)
    want = rows_masked(a.copy(), b, 1.5)
    np.testing.assert_allclose(
        autograph_jit(rows_masked)(jnp.asarray(a), jnp.asarray(b), jnp.float32(1.5)), want)


@pytest.mark.parametrize("s", [1.0, -1.0])
def test_masked_update_in_a_traced_branch(s):
    want = masked_in_a_branch(A.copy(), B, s)
    got = autograph_jit(masked_in_a_branch)(jnp.asarray(A), jnp.asarray(B), jnp.float32(s))
    np.testing.assert_allclose(got, want)
