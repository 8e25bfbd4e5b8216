"""Built-in methods called with traced values, list subclasses, concrete masks.

Each was a silent wrong answer or an internal error under jit:

* ``super().__init__(items)`` of a ``list`` subclass (and ``d.__setitem__(k, x)``,
  ``object.__setattr__(self, "v", x)``) did nothing with traced arguments: a method
  wrapper has no ``__module__``, and ``getattr(None, "__init__")`` was taken for a
  ``jax.numpy`` twin of a NumPy function;
* a ``list`` subclass changed in a traced branch lost the change: it was carried as an
  object, by its attributes only (now its items are carried too);
* ``a[m] = a[m] * t`` with a concrete NumPy mask went through the traced-mask
  ``jnp.where``, which cannot take the selected elements' values (a raw ValueError);
* ``ints[m] += 0.5`` silently truncated where NumPy raises (the selected part is an
  array updated in place, which cannot hold a float).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class History(list):
    def __init__(self, items):
        super().__init__(items)
        self.best = 0.0


class Plain(list):
    pass


class Box:
    def __init__(self, v):
        object.__setattr__(self, "v", v)


class Defaults(dict):
    def __init__(self, x):
        super().__init__(a=x)


def built(x):
    h = History([x, x * 2.0])
    d = {}
    d.__setitem__("k", x)
    return len(h) * 1.0 + h[1] + Box(x * 3.0).v + d["k"] + Defaults(x)["a"]


def items_in_branch(x):
    items = Plain([x, x])
    if x > 1.0:
        items[0] = items[0] + 1.0
    return items[0] + items[1]


def items_and_attribute_in_branch(x):
    h = History([x, x])
    if x > 1.0:
        h.best = x * 2.0
        h[1] = x + 3.0
    return h.best + h[1]


def attribute_in_loop(x):
    h = History([x, x])
    for i in range(3):
        if x > i:
            h.best = h.best + x
    return h.best + h[0]


@pytest.mark.parametrize("function", [built, items_in_branch,
                                      items_and_attribute_in_branch, attribute_in_loop])
@pytest.mark.parametrize("x", [1.5, 0.5])
def test_matches_python(function, x):
    expected = function(np.float32(x))
    np.testing.assert_allclose(float(jax.jit(py2lax.convert(function))(x)), expected,
                               rtol=1e-6)
    assert py2lax.convert(function)(x) == function(x)


MASK = np.array([True, False, True, False])


def scaled_by_concrete_mask(a, t):
    a = a.copy()
    a[MASK] = a[MASK] * t
    return a


def shifted_by_concrete_mask(a, t):
    a = a.copy()
    a[MASK] += t
    return a


@pytest.mark.parametrize("function", [scaled_by_concrete_mask, shifted_by_concrete_mask])
def test_concrete_mask_takes_the_selected_values_in_order(function):
    a = np.array([0.5, -1.0, 2.0, 3.0], np.float32)
    expected = function(a, np.float32(2.0))
    got = jax.jit(py2lax.convert(function))(jnp.asarray(a), 2.0)
    np.testing.assert_allclose(np.asarray(got), expected)


def bump_large(a, t):
    a = a.copy()
    a[a > t] += 0.5
    return a


def test_float_into_selected_ints_in_place_is_refused_as_numpy_refuses():
    a = np.array([1, 5, 2, 7], np.int32)
    with pytest.raises(TypeError):  # NumPy: UFuncTypeError (same_kind casting)
        bump_large(a, 3)
    with pytest.raises(py2lax.InPlaceArgumentError, match=r"test_builtin_methods_and_subclasses"
                       r"\.py:\d+: `\+=` on a part of a int32 array"):
        jax.jit(py2lax.convert(bump_large))(jnp.asarray(a), 3)


def bump_ints(a, t):
    a = a.copy()
    a[a > t] += 2
    a[0] += 0.5  # one element: a scalar, cast on assignment (no error in NumPy)
    return a


def test_same_kind_updates_of_int_arrays_convert():
    a = np.array([1, 5, 2, 7], np.int32)
    got = jax.jit(py2lax.convert(bump_ints))(jnp.asarray(a), 3)
    np.testing.assert_array_equal(np.asarray(got), bump_ints(a, 3))
