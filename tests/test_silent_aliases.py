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


# -- a NumPy view held in a name, then a traced write into its array --------------------


def row_then_traced_write(x):
    grid = np.zeros((3, 3))
    row = grid[0]
    if x > 0:
        grid[0, 1] = x
    return row


def row_then_whole_row_written(x):
    grid = np.zeros((3, 3))
    row = grid[0]
    if x > 0:
        grid[0] = x
    return row, grid


def slice_then_traced_write(x):
    a = np.zeros(4)
    head = a[:2]
    if x > 0:
        a[1] = x
    return head


def column_then_traced_write(x):
    grid = np.zeros((3, 3))
    col = grid[:, 1]
    if x > 0:
        grid[0, 1] = x
    return col


def reshaped_then_traced_write(x):
    a = np.zeros(4)
    m = a.reshape(2, 2)
    if x > 0:
        a[3] = x
    return m


def row_then_traced_loop_writes(x):
    grid = np.zeros((3, 3))
    row = grid[0]
    i = 0
    while i < x:
        grid[0, i] = 1.0
        i += 1
    return row


def other_row_written(x):
    grid = np.zeros((3, 3))
    row = grid[0]
    if x > 0:
        grid[1, 1] = x
    return row, grid


def gaussian_elimination(x):
    a = np.array([[2.0, 1.0, 1.0], [4.0, 3.0, 3.0], [8.0, 7.0, 9.0]]) * x
    n = 3
    for k in range(n):
        pivot_row = a[k]
        for i in range(k + 1, n):
            f = a[i, k] / pivot_row[k]
            a[i] = a[i] - f * pivot_row
    return a


def elimination_with_row_swaps(x):
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]) * x
    n = 3
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(a[i, k]) > abs(a[p, k]):
                p = i
        if p != k:
            tmp = a[k].copy()
            a[k] = a[p]
            a[p] = tmp
        for i in range(k + 1, n):
            a[i] = a[i] - a[i, k] / a[k, k] * a[k]
    return a


@pytest.mark.parametrize("function", [
    row_then_traced_write, row_then_whole_row_written, slice_then_traced_write,
    column_then_traced_write, reshaped_then_traced_write, row_then_traced_loop_writes,
    other_row_written, gaussian_elimination, elimination_with_row_swaps,
])
def test_a_view_held_in_a_name_shows_a_traced_write_into_its_array(function):
    _agree(function, 1.5, -1.5)


def jax_row_then_traced_update(x):
    grid = jnp.zeros((3, 3))
    row = grid[0]
    if x > 0:
        grid = grid.at[0, 1].set(x)
    return row, grid


def test_a_row_of_a_jax_array_keeps_its_values():
    _agree(jax_row_then_traced_update, 1.5, -1.5)


# -- an object changed and then let go of in a traced branch -----------------------------


class Counter:
    def __init__(self):
        self.n = 0.0


def bump(c):
    c.n += 1


def bumped_then_rebound_in_a_branch(x):
    c = Counter()
    d = c
    if x > 0:
        bump(c)
        c = Counter()
    return d.n, c.n


def changed_then_rebound_in_a_branch(x):
    c = Counter()
    d = c
    if x > 0:
        c.n = c.n + x
        c = Counter()
    return d.n, c.n


def held_by_a_list_then_rebound(x):
    c = Counter()
    keep = [c]
    if x > 0:
        bump(c)
        c = Counter()
    return keep[0].n, c.n


def rebound_in_one_branch_changed_in_the_other(x):
    c = Counter()
    d = c
    if x > 0:
        bump(c)
        c = Counter()
    else:
        c.n = 5.0
    return d.n, c.n


class Model:
    def __init__(self):
        self.state = Counter()


def attribute_object_then_rebound(x):
    m = Model()
    s = m.state
    if x > 0:
        s.n = s.n + x
        s = Counter()
    return m.state.n, s.n


def bumped_before_rebinding(x):
    c = Counter()
    d = c
    bump(c)
    if x > 0:
        c = Counter()
    return d.n, c.n


@pytest.mark.parametrize("function", [
    bumped_then_rebound_in_a_branch, changed_then_rebound_in_a_branch,
    held_by_a_list_then_rebound, rebound_in_one_branch_changed_in_the_other,
    attribute_object_then_rebound, bumped_before_rebinding,
])
def test_an_object_changed_then_let_go_of_in_a_branch_keeps_the_change(function):
    _agree(function, 1.5, -1.5)


def bumped_then_rebound_in_a_loop(x):
    c = Counter()
    d = c
    i = 0
    while i < x:
        bump(c)
        c = Counter()
        i += 1
    return d.n, c.n


def test_an_object_changed_then_let_go_of_in_a_traced_loop_is_refused_at_the_loop():
    assert bumped_then_rebound_in_a_loop(1.5) == (1.0, 0.0)
    with pytest.raises(py2lax.CarryTypeError) as caught:
        py2lax.autograph_jit(bumped_then_rebound_in_a_loop)(jnp.float32(1.5))
    message = str(caught.value)
    assert "test_silent_aliases.py" in message and "'c'" in message
    assert "before the loop" in message


# -- a row of an array that is a JAX array here (traced values made it one) --------------


def row_of_a_traced_array(x):
    a = np.zeros((2, 2)) * x
    row = a[0]
    a[0, 1] = 5.0
    return row


def row_then_write_in_a_branch(x):
    a = np.zeros((2, 2)) + x
    row = a[0]
    if x > 0:
        a[0, 1] = 5.0
    return row


def row_taken_in_a_compiled_loop(x):
    grid = np.zeros((2, 3))
    for r in range(2):
        row = grid[r]
        if x > 0:
            grid[r, 0] = x
        grid[r, 2] = row[0] + 1
    return grid


def later_plain_write_after_a_traced_one(x):
    grid = np.zeros((2, 2))
    row = grid[0]
    if x > 0:
        grid[1, 1] = x
    grid[0, 0] = 3.0
    return row


def pivot_row_normalized_in_place(x):
    a = np.array([[2.0, 1.0], [4.0, 3.0]]) * x
    n = 2
    for k in range(n):
        pivot_row = a[k]
        a[k] = a[k] / a[k, k]
        for i in range(k + 1, n):
            a[i] = a[i] - a[i, k] * pivot_row
    return a


@pytest.mark.parametrize("function", [
    row_of_a_traced_array, row_then_write_in_a_branch, row_taken_in_a_compiled_loop,
    later_plain_write_after_a_traced_one, pivot_row_normalized_in_place,
])
def test_a_row_taken_from_an_array_that_is_jax_here_shows_later_writes(function):
    _agree(function, 1.5, -1.5)


def normalize_rows(a, n):
    for k in range(n):
        pivot_row = a[k]
        a[k] = a[k] / a[k, k]
        for i in range(k + 1, n):
            a[i] = a[i] - a[i, k] * pivot_row
    return a


def double_rows(a, n):
    k = 0
    while k < n:
        row = a[k]
        a[k, :] = row * 2.0
        a[k, 0] = row[1]
        k += 1
    return a


@pytest.mark.parametrize("function", [normalize_rows, double_rows])
def test_a_row_of_an_array_argument_shows_writes_with_a_traced_trip_count(function):
    a0 = np.array([[2.0, 1.0, 1.0], [4.0, 3.0, 3.0], [8.0, 7.0, 9.0]])
    expected = function(a0.copy(), 3)
    assert_tree_close(py2lax.convert(function)(a0.copy(), 3), expected)
    jitted = py2lax.autograph_jit(function)(jnp.asarray(a0, jnp.float32), jnp.int32(3))
    assert_tree_close(jitted, expected, rtol=1e-5, atol=1e-5)


def filled_in_place(x):
    grid = np.zeros((2, 2))
    row = grid[0]
    if x > 0:
        grid.fill(x)
    return row


def augmented_whole_array(x):
    grid = np.zeros((2, 2))
    row = grid[0]
    if x > 0:
        grid += x
    return row


def copied_into(x):
    grid = np.zeros((2, 2))
    row = grid[0]
    if x > 0:
        np.copyto(grid, np.ones((2, 2)) * x)
    return row


def put(g, v):
    g[0, 0] = v
    return g


def written_by_a_helper(x):
    grid = np.zeros((2, 2))
    row = grid[0]
    if x > 0:
        grid = put(grid, x)
    return row


def view_of_a_view(x):
    grid = np.zeros((3, 3))
    row = grid[1]
    cell = row[1:]
    if x > 0:
        grid[1, 2] = x
    return cell


def transposed(x):
    a = np.zeros((2, 3))
    t = a.T
    if x > 0:
        a[0, 2] = x
    return t


def rows_walked(x):
    grid = np.zeros((2, 3))
    total = 0.0
    for row in grid:
        if x > 0:
            grid[0, 0] = x
        total = total + row[0]
    return total


@pytest.mark.parametrize("function", [
    filled_in_place, augmented_whole_array, copied_into, written_by_a_helper, view_of_a_view,
    transposed, rows_walked,
])
def test_a_view_shows_every_kind_of_write_into_its_array(function):
    _agree(function, 1.5, -1.5)


# -- JR1: the variable of a loop that ran zero times, read under a traced test ----------


def zero_trip_variable_copied_in_a_branch(x):
    y = 0.0
    for i in range(0):
        pass
    if x > 0:
        y = i  # noqa: F821 - unbound, as in Python
    return y


def zero_trip_variable_read_under_an_unrelated_test(x):
    y = 0.0
    for i in range(0):
        pass
    z = x
    if x > 0:
        z = z * 2
    if x > 5:
        y = i  # noqa: F821
    return y, z


def zero_trip_variable_in_a_conditional_expression(x):
    for k in range(0):
        pass
    return k if x > 0 else 0.0  # noqa: F821


@pytest.mark.parametrize("function", [
    zero_trip_variable_copied_in_a_branch, zero_trip_variable_read_under_an_unrelated_test,
    zero_trip_variable_in_a_conditional_expression,
])
def test_an_unbound_loop_variable_read_in_a_traced_branch_raises_only_if_it_runs(function):
    _agree(function, -1.5)  # the branch that reads it does not run: Python's value
    if function is zero_trip_variable_read_under_an_unrelated_test:
        _agree(function, 1.5)
        return
    with pytest.raises(UnboundLocalError):
        function(1.5)
    with pytest.raises(Exception, match="UnboundLocalError"):  # Python's, when it runs
        np.asarray(py2lax.autograph_jit(function)(jnp.float32(1.5)))
