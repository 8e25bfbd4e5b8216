"""Nested objects made in the branches of a traced `if`, checked against Python.

An object a branch makes holding only constants or the function's own traced values
(``State(Inner(x), "pos")``) was taken for one that existed before the statement, and
the `if` was refused with a message about "the object it held before"; an object that
did exist before (a global's) chosen on one path had the choice's traced values written
into it, which outlived the call (UnexpectedTracerError, and the global kept a tracer)."""

import numpy as np
import pytest
import jax.numpy as jnp

import py2lax


class Inner:
    def __init__(self, a):
        self.a = a


class State:
    def __init__(self, inner, b):
        self.inner = inner
        self.b = b


GLOBAL = Inner(7.0)


def static_label(x):
    if x > 0:
        s = State(Inner(x + 1.0), "pos")
    else:
        s = State(Inner(x - 1.0), "pos")
    return s.inner.a


def two_levels(x):
    if x > 0:
        s = State(State(Inner(x), 1.0), 2.0)
    else:
        s = State(State(Inner(-x), 3.0), 4.0)
    return s.inner.inner.a + s.inner.b + s.b


def constants_only(x):
    if x > 0:
        s = State(Inner(1.0), 2.0)
    else:
        s = State(Inner(3.0), 4.0)
    return s.inner.a + s.b


def kept_inner_changed_after(x):
    keep = Inner(x)
    if x > 0:
        s = State(keep, 1.0)
    else:
        s = State(Inner(5.0), 2.0)
    s.inner.a = s.inner.a + 100.0
    return keep.a + s.inner.a + s.b


def one_of_two_inners(x):
    a = Inner(1.0)
    b = Inner(2.0)
    if x > 0:
        s = State(a, 1.0)
    else:
        s = State(b, 2.0)
    s.inner.a = s.inner.a + x
    return a.a * 10 + b.a + s.inner.a


def global_inner(x):
    if x > 0:
        s = State(GLOBAL, 1.0)
    else:
        s = State(Inner(5.0), 2.0)
    return s.inner.a + s.b


def global_or_new(x):
    if x > 0:
        s = GLOBAL
    else:
        s = Inner(x)
    return s.a


@pytest.mark.parametrize("fn", [static_label, two_levels, constants_only,
                                kept_inner_changed_after, one_of_two_inners, global_inner,
                                global_or_new])
@pytest.mark.parametrize("x", [1.5, -1.5])
def test_nested_objects_made_in_branches_match_python(fn, x):
    want = fn(np.float32(x))
    got = py2lax.autograph_jit(fn)(jnp.float32(x))
    np.testing.assert_allclose(np.asarray(got), want)
    assert GLOBAL.a == 7.0  # the global object keeps Python's value, no tracer


class Box:
    def __init__(self, inner, n):
        self.inner = inner
        self.n = n


def inner_replaced_or_box_new(x):
    b = Box(Inner(x), 0)
    if x > 0:
        b = Box(Inner(x * 2), 1)
    else:
        b.inner = Inner(-x)
    return b.inner.a + b.n


def inner_changed_or_box_new(x):
    b = Box(Inner(x), 0)
    inner = b.inner
    if x > 0:
        b = Box(Inner(x * 2), 1)
    else:
        b.inner.a = 5.0
    return inner.a * 100 + b.inner.a


def count_changed_or_box_new(x):
    b = Box(Inner(x), 0)
    if x > 0:
        b = Box(Inner(x * 2), 1)
    else:
        b.n = 3
    return b.inner.a + b.n


def inner_changed_after(x):
    b = Box(Inner(x), 0)
    inner = b.inner
    if x > 0:
        b = Box(Inner(x * 2), 1)
    else:
        b.inner = Inner(7.0)
    b.inner.a = b.inner.a + 9.0
    return inner.a * 100 + b.inner.a


@pytest.mark.parametrize("fn", [inner_replaced_or_box_new, inner_changed_or_box_new,
                                count_changed_or_box_new, inner_changed_after])
@pytest.mark.parametrize("x", [1.5, -1.5])
def test_object_kept_on_one_path_with_a_nested_object(fn, x):
    """``b`` is kept (its nested object changed or replaced) on one path and a new
    object on the other: refused before ("the choice of its attribute 'inner' cannot
    follow it"), though no other name holds ``b``; a name holding ``b.inner`` sees the
    change made on the path that keeps it."""
    want = fn(np.float32(x))
    got = py2lax.autograph_jit(fn)(jnp.float32(x))
    np.testing.assert_allclose(np.asarray(got), want)


class Config:
    def __init__(self, scale):
        self.scale = scale
        self.name = "cfg"


def label_changed_in_branch(x):
    c = Config(x)
    if x > 0:
        c.name = "pos"
    return c.scale


def test_a_string_attribute_changed_in_one_branch_is_named():
    """The error named the structure as ``PyTreeDef(CustomNode(ObjectState[<..._Layout
    object at 0x...>]...`` instead of the attribute and its two values."""
    with pytest.raises(py2lax.CarryTypeError) as caught:
        py2lax.autograph_jit(label_changed_in_branch)(jnp.float32(1.5))
    message = str(caught.value)
    assert "c.name is 'pos' in the true branch but 'cfg' in the false branch" in message
    assert "0x" not in message


def objects_swapped_in_a_list(x):
    items = [Inner(x), Inner(2 * x)]
    if x > 0:
        items[0], items[1] = items[1], items[0]
    return items[0].a * 10 + items[1].a


def test_objects_swapped_in_a_list_are_refused_at_the_line():
    """The conversion recursed (carried as states, the branches still made objects inside
    the list, which asked for states again) until Python's RecursionError, reported as
    "the recursion in 'objects_swapped_in_a_list' stops on a traced condition"."""
    with pytest.raises(py2lax.CarryTypeError) as caught:
        py2lax.autograph_jit(objects_swapped_in_a_list)(jnp.float32(1.5))
    message = str(caught.value)
    assert "test_ob_nested_objects.py" in message and "'items'" in message
    assert "another Inner object" in message and "recursion" not in message
    assert "0x" not in message


class Tabled:
    def __init__(self, a):
        self.a = a
        self.table = {1: "one", "k": "kay"}  # keys jax cannot sort


def nested_with_mixed_key_table(x):
    if x > 0:
        s = State(Tabled(x + 1.0), 1.0)
    else:
        s = State(Tabled(x - 1.0), 2.0)
    return s.inner.a + s.b


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_nested_object_holding_a_dict_jax_cannot_sort(x):
    """Looking for the branch's traced values inside nested objects must not flatten
    their dicts as pytrees (ValueError: Comparator raised exception while sorting pytree
    dictionary keys)."""
    want = nested_with_mixed_key_table(np.float32(x))
    got = py2lax.autograph_jit(nested_with_mixed_key_table)(jnp.float32(x))
    np.testing.assert_allclose(np.asarray(got), want)
