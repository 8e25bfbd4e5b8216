"""``a[m] = values`` with a traced mask ``m`` and one value per selected position.

NumPy gives the k-th value to the k-th position ``m`` selects, and raises ``ValueError``
unless ``m`` selects exactly as many. py2lax refused every such write at trace time
(the count is traced), even where Python succeeds; it now writes the values in order and
raises NumPy's error when the program runs, at the user's line."""

import jax
import numpy as np
import pytest
import jax.numpy as jnp

import py2lax


def first_two(a, b):
    a = a.copy()
    a[a > 2] = b[:2]
    return a


def rows(a, b):
    a = a.copy()
    a[a[:, 0] > 2] = b[:2]
    return a


def full(a, b):
    a = a.copy()
    a[a > 2] = b
    return a


def in_loop(a, b):
    a = a.copy()
    for i in range(2):
        a[a > 2 + i] = b[:2 - i]
    return a


F32 = np.float32
CASES = [
    (first_two, np.array([1., 3., 0., 5.], F32), np.array([10., 20., 30.], F32)),
    (rows, np.array([[1., 1.], [3., 3.], [5., 0.]], F32),
     np.array([[7., 8.], [9., 10.], [0., 0.]], F32)),
    (rows, np.array([[1., 1.], [3., 3.], [5., 0.]], F32), np.array([[7.], [9.], [0.]], F32)),
    (full, np.array([3., 4., 5.], F32), np.array([7., 8., 9.], F32)),
    (first_two, np.array([1, 3, 0, 5], np.int32), np.array([1.5, 2.5, 3.5], F32)),
    (in_loop, np.array([1., 3., 0., 5.], F32), np.array([10., 20., 30.], F32)),
]


@pytest.mark.parametrize("fn, a, b", CASES)
def test_values_in_order_where_numpy_succeeds(fn, a, b):
    want = fn(a, b)
    got = py2lax.autograph_jit(fn)(a, b)
    np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("fn, a, b", [
    (first_two, np.array([1., 3., 0., 1.], F32), np.array([10., 20., 30.], F32)),
    (full, np.array([3., 1., 5.], F32), np.array([7., 8., 9.], F32)),
])
def test_a_count_that_differs_raises_numpys_error_when_run(fn, a, b):
    with pytest.raises(ValueError) as numpy_error:
        fn(a, b)
    with pytest.raises(Exception) as caught:
        jax.block_until_ready(py2lax.autograph_jit(fn)(a, b))
    assert str(numpy_error.value) in str(caught.value)
    assert "test_ob_masked_in_order.py" in str(caught.value)


def two_axes(a, b):
    a = a.copy()
    a[a > 2] = b
    return a


def test_a_value_with_two_count_axes_stays_refused():
    a = jnp.zeros((4,))
    with pytest.raises(py2lax.ValueDependentShapeError, match="test_ob_masked_in_order"):
        py2lax.autograph_jit(two_axes)(a, jnp.ones((2, 2, 4)))
