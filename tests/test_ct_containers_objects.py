"""Containers and objects written inside converted code, checked against Python.

Masked and selection writes follow NumPy (or are refused at the user's line where NumPy
raises), a user's list subclass keeps its items through a traced `if`, and objects of one
class made in both branches of a traced `if` are carried attribute-wise."""

import numpy as np
import pytest
import jax.numpy as jnp

import py2lax
from py2lax import ConversionError


def _same(got, want):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))


def int_masked_add(a):
    a = a.copy()
    a[a > 2] += 0.5
    return a


def int_slice_divide(a):
    a = a.copy()
    a[1:3] /= 2
    return a


MASK = np.array([True, False, True, False])


def concrete_mask_values(x, v):
    x = x.copy()
    x[MASK] = v
    return x


def concrete_mask_too_many(x, v):
    x = x.copy()
    x[MASK] = v
    return x


def list_of_bools_index(x):
    x = x.copy()
    x[[True, False, True, False]] = 5.0
    return x


@pytest.mark.parametrize("fn, args", [
    (int_masked_add, (np.array([1, 3, 5, 0]),)),
    (int_slice_divide, (np.array([1, 3, 5, 0]),)),
    (concrete_mask_too_many, (np.array([1., 2., 3., 4.]), np.array([1., 2., 3., 4.]))),
])
def test_writes_numpy_refuses_are_refused_at_the_line(fn, args):
    with pytest.raises(Exception):
        fn(*args)  # NumPy raises
    with pytest.raises(ConversionError) as info:
        py2lax.autograph_jit(fn)(*map(jnp.asarray, args))
    assert "test_ct_containers_objects.py" in str(info.value)


@pytest.mark.parametrize("fn, args", [
    (concrete_mask_values, (np.array([1., 2., 3., 4.]), np.array([9., 8.]))),
    (list_of_bools_index, (np.array([1., 2., 3., 4.]),)),
])
def test_concrete_masks_select_as_numpy(fn, args):
    _same(py2lax.autograph_jit(fn)(*map(jnp.asarray, args)), fn(*args))


class Path(list):
    pass


def list_subclass_item(x):
    p = Path([0.0, 0.0])
    if x > 0:
        p[0] = x
    else:
        p[1] = x
    return p[0] + 2 * p[1]


def list_subclass_appends(x):
    p = Path()
    for i in range(3):
        if x > i:
            p.append(x * i)
        else:
            p.append(0.0)
    return sum(p)


@pytest.mark.parametrize("fn", [list_subclass_item, list_subclass_appends])
@pytest.mark.parametrize("x", [1.5, -3.0])
def test_list_subclass_items_are_carried(fn, x):
    _same(py2lax.autograph_jit(fn)(x), fn(x))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class Other:
    def __init__(self, x, y):
        self.x, self.y = x, y


def point_in_both_branches(x):
    if x > 0:
        s = Point(x, 0.0)
    else:
        s = Point(0.0, x)
    s.x += 1.0
    return s.x - 2 * s.y


def point_ternary(x):
    s = Point(x, 1.0) if x > 0 else Point(-x, 2.0)
    return s.x * s.y


def other_classes(x):
    if x > 0:
        s = Point(x, 0.0)
    else:
        s = Other(0.0, x)
    return s.x


@pytest.mark.parametrize("fn", [point_in_both_branches, point_ternary])
@pytest.mark.parametrize("x", [2.5, -3.0])
def test_objects_made_in_both_branches_carried_by_attribute(fn, x):
    _same(py2lax.autograph_jit(fn)(x), fn(x))


def test_objects_of_different_classes_stay_refused():
    with pytest.raises(ConversionError, match="'s'"):
        py2lax.autograph_jit(other_classes)(1.0)
