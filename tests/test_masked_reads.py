"""``a[m] = b[m] * 2.0`` and ``v[m] -= lr * g[m]`` with a traced boolean mask ``m``.

Each read ``X[m]`` alone has a traced length, which jit cannot make, so these were
refused; the statement has one element-wise meaning (the k-th selected value comes from
the k-th selected place), which ``runtime/masked_reads`` computes. A value that needs
the selected elements themselves (``jnp.sum(b[m])``) is still refused at the user's line.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def sgd_step(v, g, lr):
    v = v.copy()
    m = g > 0
    v[m] -= lr * g[m]
    return v


def rows_kept(X, Y, w):
    X = X.copy()
    keep = X[:, 0] > 0
    X[keep] = Y[keep] * w + 1.0
    return X


def negatives(a, b):
    a = a.copy()
    a[a < 0] = -b[a < 0] / 2.0 - b[a < 0] ** 2
    return a


A = np.array([0.5, -1.0, 2.0, -3.0], np.float32)
B = np.array([10.0, -20.0, 30.0, 40.0], np.float32)
X = np.array([[1.0, 2.0], [-1.0, 3.0], [4.0, 5.0]], np.float32)

CASES = [(sgd_step, (A, B, np.float32(0.1))), (rows_kept, (X, X * 10, np.float32([0.5, 2.0]))),
         (negatives, (A, B))]


@pytest.mark.parametrize("function, arguments", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_element_wise_values_at_a_traced_mask(function, arguments):
    expected = function(*arguments)
    got = jax.jit(py2lax.convert(function))(*map(jnp.asarray, arguments))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)
    np.testing.assert_array_equal(py2lax.convert(function)(*arguments), expected)


def reduced(a, b):
    a = a.copy()
    a[a > 0] = jnp.sum(b[a > 0])
    return a


def test_a_value_that_needs_the_selected_elements_is_refused_at_its_line():
    with pytest.raises(py2lax.ValueDependentShapeError, match=r"test_masked_reads\.py:\d+"):
        jax.jit(py2lax.convert(reduced))(jnp.asarray(A), jnp.asarray(B))
