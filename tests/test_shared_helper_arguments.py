"""One array passed to two parameters of a helper that updates one in place
(``bump(a, a)``): with NumPy the other name sees the write; a JAX array cannot change,
so the helper's other name would keep the old values. Refused at the helper's write."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def bump(a, b):
    a[0] = 10.0
    return b[0]


def caller(a):
    r = bump(a, a)
    return r, a


def test_one_array_for_two_parameters_of_an_updating_helper_is_refused():
    assert caller(np.array([1.0, 2.0]))[0] == 10.0  # NumPy: the write shows through b
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(caller)(jnp.array([1.0, 2.0]))
    message = str(caught.value)
    assert "'bump'" in message and "'a'" in message and "'b'" in message


def test_two_different_arrays_still_convert():
    def two(a, c):
        r = bump(a, c)
        return r, a

    r, a = py2lax.autograph_jit(two)(jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))
    assert float(r) == 3.0 and a.tolist() == [10.0, 2.0]
