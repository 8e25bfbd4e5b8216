"""NumPy arrays made inside a converted function, and JAX's errors restated at the user's line.

A NumPy work buffer the function makes itself (``parent = np.arange(n)``, ``visited =
np.zeros(n, bool)``) means, under jit, what it means in Python: read with a traced index
it gives the element NumPy would give (nobody else holds the array), and a traced value
written into it makes it a JAX array from there on. An array the function did not make (a
global) is refused at the user's line, naming the array and the fix. Each program runs
three ways: the original on NumPy values (the oracle), ``py2lax.convert`` on the same
values, and ``py2lax.autograph_jit`` on JAX values.
"""

from __future__ import annotations

import importlib.util

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close

import py2lax


def three_ways(function, *args, static_argnums=()):
    """The original's result; ``convert`` and ``autograph_jit`` must give the same."""
    expected = function(*args)
    assert_tree_close(expected, py2lax.convert(function)(*args))
    jax_args = [a if i in static_argnums else jnp.asarray(a) for i, a in enumerate(args)]
    jitted = py2lax.autograph_jit(function, static_argnums=static_argnums)
    assert_tree_close(expected, jitted(*jax_args))
    return expected


# ------------------------------------------------------ buffers read with a traced index
def union_find_array(edges, n):
    parent = np.arange(n)
    rank = np.zeros(n, dtype=np.int64)
    merges = 0
    for k in range(edges.shape[0]):
        a, b = edges[k, 0], edges[k, 1]
        while parent[a] != a:
            a = parent[a]
        while parent[b] != b:
            b = parent[b]
        if a == b:
            continue
        if rank[a] < rank[b]:
            a, b = b, a
        parent[b] = a
        if rank[a] == rank[b]:
            rank[a] += 1
        merges += 1
    return merges


def linked_next_pointer(nxt, start):
    visited = np.zeros(len(nxt), dtype=bool)
    node = start
    steps = 0
    while not visited[node]:
        visited[node] = True
        node = nxt[node]
        steps += 1
    return steps, node


def square_of(k):
    table = np.arange(10) ** 2  # an array NumPy computes from the function's own
    return table[k]


def read_then_write(k):
    buf = np.array([1.0, 2.0, 3.0])
    a = buf[k]
    buf[0] = 10.0  # a concrete write after the traced read: the next read sees it
    return a + buf[k]


def grid_walk(r, c, steps):
    grid = np.arange(16).reshape(4, 4)
    total = 0
    for _ in range(steps):
        total += grid[r, c]
        r = (r + 1) % 4
        c = (c + 3) % 4
    return total


def histogram_mode(x):
    counts = np.zeros(5, dtype=np.int32)
    for v in x:
        counts[v] += 1
    return counts[x[0]], counts


def nested_helper_reads(k):
    lut = np.linspace(0.0, 1.0, 5)

    def at(j):
        return lut[j]

    return at(k) + at(k + 1)


def comprehension_reads(idx):
    lut = np.array([3, 1, 4, 1, 5])
    return sum([lut[i] for i in idx])


EDGES = np.array([[0, 1], [1, 2], [0, 2], [3, 4]], np.int32)


@pytest.mark.parametrize("function, args, static", [
    (union_find_array, (EDGES, 5), (1,)),
    (linked_next_pointer, (np.array([1, 2, 0, 2], np.int32), 3), ()),
    (linked_next_pointer, (np.array([1, 2, 0, 2], np.int32), 0), ()),
    (square_of, (3,), ()),
    (read_then_write, (0,), ()),
    (read_then_write, (2,), ()),
    (grid_walk, (1, 2, 6), ()),
    (histogram_mode, (np.array([1, 2, 2, 4, 1, 1], np.int32),), ()),
    (nested_helper_reads, (2,), ()),
    (comprehension_reads, (np.array([0, 2, 4], np.int32),), ()),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_buffer_the_function_makes_is_read_with_a_traced_index(function, args, static):
    three_ways(function, *args, static_argnums=static)


def fill_and_return(n):
    out = np.zeros(n)
    for i in range(n):
        out[i] = i * 2.0
    return out, out[1:]


def test_convert_on_numpy_values_keeps_plain_numpy_arrays_written_in_place():
    out, tail = py2lax.convert(fill_and_return)(5)
    assert type(out) is np.ndarray and type(tail) is np.ndarray
    assert np.shares_memory(out, tail)  # the slice is still a view, as in Python
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0, 6.0, 8.0])


def owned_buffer_shown(k):
    buf = np.zeros(3)
    total = buf.sum()  # a NumPy scalar, hashable, as in Python
    return repr(buf), {total: 1}[0.0], type(buf[0]).__name__, buf[k]


def test_a_buffer_under_jit_looks_like_numpy_s_array():
    seen = []

    def traced(k):
        shown, count, element, value = py2lax.convert(owned_buffer_shown)(k)
        seen.append((shown, count, element))
        return value

    assert float(jax.jit(traced)(jnp.int32(1))) == 0.0
    assert seen == [("array([0., 0., 0.])", 1, "float64")]


# ------------------------------------------- arrays the function did not make: read a copy
TABLE = np.arange(10) ** 2


def global_read(k):
    return TABLE[k]


@pytest.mark.parametrize("k", [3, -2])
def test_a_global_numpy_table_read_with_a_traced_index_gives_numpy_s_value(k):
    assert int(py2lax.autograph_jit(global_read)(jnp.int32(k))) == global_read(k)


def test_a_global_numpy_table_read_outside_its_axis_raises_index_error_when_run():
    with pytest.raises(Exception, match="out of bounds for axis 0 with size 10"):
        jax.block_until_ready(py2lax.autograph_jit(global_read)(jnp.int32(12)))


class _Holder:
    table = np.arange(10) ** 2


def attribute_read(k):
    return _Holder.table[k]


def test_an_attribute_numpy_array_read_with_a_traced_index_is_refused_with_the_fix():
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(attribute_read)(jnp.int32(3))
    message = str(caught.value)
    assert f"{__file__}:" in message and "_Holder.table" in message


BUFFER = np.zeros(3)


def write_through_a_global_alias(x, n):
    b = BUFFER
    for i in range(n):
        b[i] = x
    return b.sum()


def test_a_traced_write_through_a_second_name_for_a_global_array_is_refused():
    """``b = BUFFER; b[i] = x``: Python changes the module's array. Under jit the write
    would make ``b`` a JAX array and leave ``BUFFER`` as it was (a silent wrong side
    effect), so it is refused at the write, naming the global; on concrete values the
    converted function writes the global in place as Python does."""
    BUFFER[:] = 0.0
    assert py2lax.convert(write_through_a_global_alias)(2.0, 2) == 4.0
    assert BUFFER.tolist() == [2.0, 2.0, 0.0]
    BUFFER[:] = 0.0
    with pytest.raises(py2lax.InPlaceArgumentError, match="'BUFFER'") as caught:
        py2lax.autograph_jit(write_through_a_global_alias)(jnp.float32(2.0), jnp.int32(2))
    assert f"{__file__}:" in str(caught.value)
    assert BUFFER.tolist() == [0.0, 0.0, 0.0]


def row_view_write(i):
    grid = np.zeros((3, 3))
    row = grid[i]
    row[0] = 5.0  # NumPy writes into grid through the row: a JAX row cannot
    return grid


def test_a_write_through_a_row_read_with_a_traced_index_is_refused():
    assert row_view_write(1)[1, 0] == 5.0
    with pytest.raises(py2lax.InPlaceArgumentError, match="'grid'"):
        py2lax.autograph_jit(row_view_write)(jnp.int32(1))


# ------------------------------------------- np.ndenumerate of a traced array: static positions
def checker_sum(M):
    s = 0.0
    for (i, j), v in np.ndenumerate(M):
        if (i + j) % 2 == 0 and v > 0:
            s += v
    return s


LABELS = [1.0, 10.0, 100.0]


def labelled_rows(M):
    s = 0.0
    for (i, j), v in np.ndenumerate(M):
        s += LABELS[i] * v  # a list indexed with the position: runs as Python
    return s


def doubled_copy(M):
    out = np.zeros_like(M)
    for idx, v in np.ndenumerate(M):
        out[idx] = v * 2 + idx[0]
    return out


def first_negative(x):
    where = (-1, -1, -1)
    for pos, v in np.ndenumerate(x):
        if v < 0:
            where = pos
            break
    return where


def weighted_vector(x):
    t = 0.0
    for (i,), v in np.ndenumerate(x):
        t = t + i * v
    return t


GRID = np.array([[1, -2], [3, 4], [5, 6]], np.float32)
CUBE = 9.0 - np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("function, argument", [
    (checker_sum, GRID), (labelled_rows, GRID), (doubled_copy, GRID),
    (first_negative, CUBE), (first_negative, np.abs(CUBE)), (weighted_vector, GRID[:, 0]),
    (checker_sum, np.ones((30, 30), np.float32)),
], ids=lambda v: getattr(v, "__name__", None))
def test_ndenumerate_of_a_traced_array_visits_its_static_positions(function, argument):
    three_ways(function, argument)


# ------------------------------------- JAX's own errors, restated at the user's line and name
def arange_of_traced(x, k):
    return jnp.arange(k) * x


def reshaped_by_traced(x, k):
    return jnp.reshape(x, (k, 2))


def size_from_shape_and_traced(x, k):
    return jnp.ones(x.shape[0] + k)


def tiled(x, k):
    return jnp.tile(x, k)


def window(x, k):
    y = x[k:k + 2]
    return y


def tail_in_helper(x, k):
    def tail(v, m):
        return v[m:]

    return tail(x, k)


def list_of_traced_length(x, k):
    slots = [0.0] * k
    return x + len(slots)


def repeated(x, k):
    return jnp.repeat(x, k)


def summed_over_traced_axis(x, k):
    return x.reshape(2, 2).sum(axis=k)


def sign_from_comparisons(x, k):
    return (x[k] > 0) - (x[k] < 0)


def written_through_flat(x, k):
    a = np.zeros((2, 2))
    if x[k] > 0:
        a.flat[3] = x[k]
    return a


def read_through_flat(x, k):
    return x.flat[k]


@pytest.mark.parametrize("function, error, names, fix", [
    (written_through_flat, py2lax.TracedValueError, ("a",),
     "a[jnp.unravel_index(3, a.shape)] = ..."),
    (read_through_flat, py2lax.TracedValueError, ("x",), "x.ravel()[k]"),
    (sign_from_comparisons, py2lax.TracedValueError, ("x", "k"),
     "(x[k] > 0).astype(int) - (x[k] < 0).astype(int)"),
    (arange_of_traced, py2lax.ValueDependentShapeError, ("k",), "jnp.arange(N) < k"),
    (reshaped_by_traced, py2lax.ValueDependentShapeError, ("k",), "static_argnames="),
    (size_from_shape_and_traced, py2lax.ValueDependentShapeError, ("k",), "mask"),
    (tiled, py2lax.ValueDependentShapeError, ("k",), "static_argnames="),
    (window, py2lax.ValueDependentShapeError, ("x", "k"),
     "lax.dynamic_slice_in_dim(x, k, 2)"),
    (tail_in_helper, py2lax.ValueDependentShapeError, ("v", "m"),
     "jnp.arange(v.shape[0]) >= m"),
    (list_of_traced_length, py2lax.TracedValueError, ("k",), "static_argnames="),
    (repeated, py2lax.ValueDependentShapeError, ("k",), "total_repeat_length="),
    (summed_over_traced_axis, py2lax.ValueDependentShapeError, ("k",), "make the axis static"),
], ids=lambda v: getattr(v, "__name__", None))
def test_jax_s_errors_name_the_traced_variable_and_the_fix_at_the_user_s_line(
        function, error, names, fix):
    with pytest.raises(error) as caught:
        py2lax.autograph_jit(function)(jnp.arange(4.0), jnp.int32(2))
    located = caught.value
    assert located.location.filename == __file__
    assert "/py2lax/" not in str(located).split("\n")[0]
    assert located.names == names
    assert fix in located.fix


# ------------------------------- NumPy's in-place functions and methods, on parts of arrays too
def put_lists(a):
    b = np.array(a)
    np.put(b, [0, 2], [9.0, 8.0])
    return b


def copy_into(a):
    b = np.zeros_like(a)
    np.copyto(b, a)
    return b


def sorted_descending_through_a_view(a):
    b = np.array(a)
    b[::-1].sort()  # NumPy sorts b itself, through the reversed view
    return b


def rows_sorted(M):
    M = M.copy()
    for i in range(M.shape[0]):
        M[i].sort()
    return M


def tail_zeroed(a):
    b = np.array(a)
    b[1:].fill(0.0)
    return b


def copied_into_a_part(a):
    b = np.zeros(4)
    np.copyto(b[1:], a)
    return b


def diagonal_of_a_block(x):
    m = np.ones((3, 3))
    np.fill_diagonal(m[:2, :2], x)
    return m


def list_row_sorted(a):
    rows = [[3, 1, 2], [9, 7, 8]]
    rows[1].sort()
    return rows[1][0] + a


VECTOR = np.array([3.0, 1.0, 2.0], np.float32)
SQUARE = np.array([[3.0, 1.0, 2.0], [9.0, 7.0, 8.0], [0.0, -1.0, 5.0]], np.float32)


@pytest.mark.parametrize("function, argument", [
    (put_lists, VECTOR), (copy_into, VECTOR), (sorted_descending_through_a_view, VECTOR),
    (rows_sorted, SQUARE), (tail_zeroed, VECTOR), (copied_into_a_part, VECTOR),
    (diagonal_of_a_block, 5.0), (list_row_sorted, 1),
], ids=lambda v: getattr(v, "__name__", None))
def test_in_place_numpy_calls_on_arrays_and_their_parts_keep_python_s_meaning(function,
                                                                              argument):
    three_ways(function, argument)


def test_in_place_calls_on_a_part_still_write_numpy_arrays_in_place():
    b = np.array([3.0, 1.0, 2.0])
    assert py2lax.convert(sorted_descending_through_a_view)(b).tolist() == [3.0, 2.0, 1.0]
    assert py2lax.convert(tail_zeroed)(b).tolist() == [3.0, 0.0, 0.0]


SINK = np.zeros(3)


def copied_into_a_global(a):
    np.copyto(SINK, a)
    return a


def test_an_in_place_numpy_call_into_a_global_is_refused_naming_it():
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(copied_into_a_global)(jnp.asarray(VECTOR))
    assert caught.value.location.filename == __file__
    assert caught.value.names == ("SINK", "a")
    assert "jnp.zeros" in caught.value.fix


# ------------- a helper writing into its NumPy parameter under a traced statement: written back
def _marked(buf, n):
    i = 0
    while i < n:
        buf[i] = 1.0  # a traced loop: the write would land on a JAX copy of `buf`
        i += 1


def marked_by_helper(n):
    buf = np.zeros(4)
    _marked(buf, n)
    return buf


def _flagged(buf, x):
    if x > 0:
        buf[0] = 5.0


def flagged_by_helper(x):
    buf = np.zeros(2)
    _flagged(buf, x)
    return buf


def _find_halving(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def union_find_through_helper(x):
    parent = np.array([0, 0, 1, 2])
    root = _find_halving(parent, x)
    return root, parent


@pytest.mark.parametrize("function, argument, helper", [
    (marked_by_helper, 2, "_marked"), (flagged_by_helper, 1.0, "_flagged"),
    (union_find_through_helper, 3, "_find_halving"),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_helper_writing_its_numpy_parameter_under_a_traced_statement_is_written_back(
        function, argument, helper):
    # (the NumPy array becomes a JAX array in the helper; the caller takes it back)
    expected = function(argument)
    assert_tree_close(expected, py2lax.convert(function)(argument))
    assert_tree_close(expected, py2lax.autograph_jit(function)(jnp.asarray(argument)))


def _flagged_global(x):
    _flagged(SINK, x)  # a global NumPy array: nothing can give it the JAX array
    return x


def test_a_helper_writing_a_global_numpy_array_under_a_traced_statement_is_refused():
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(_flagged_global)(jnp.float32(1.0))
    assert caught.value.location.filename == __file__
    assert caught.value.names == ("_flagged", "buf")


# --------------- a part read with a traced index is a copy: a later write into the array is refused
def row_then_write(k):
    grid = np.zeros((3, 3))
    row = grid[k]  # NumPy: a view of grid's row k
    grid[k, 0] = 9.0  # which shows this write: py2lax's copy would not
    return row[0]


def row_then_increment(k):
    grid = np.ones((2, 2))
    row = grid[k]
    grid += 1.0
    return row.sum()


def elements_then_swap(i, j):
    a = np.array([3.0, 1.0, 2.0])
    t = a[i]  # an element: NumPy gives a scalar, not a view
    a[i] = a[j]
    a[j] = t
    return a


@pytest.mark.parametrize("function", [row_then_write, row_then_increment])
def test_a_write_after_a_traced_read_of_a_row_is_refused_at_the_write(function):
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(function)(jnp.int32(1))
    error = caught.value
    assert error.location.filename == __file__ and error.names == ("grid",)
    assert f"read with a traced index at {__file__}:" in str(error)


def test_an_element_read_with_a_traced_index_is_a_value_and_later_writes_are_fine():
    three_ways(elements_then_swap, 0, 2)


_FILLED_AND_RETURNED = '''
import numpy as np

def fill(x, n):
    out = np.zeros(3)
    out[0] = 1.0
    total = 0.0
    for _ in range(n):
        if x > 0:
            total = total + x
    return out * total
'''

_INDEXED_IN_A_LOOP = '''
import numpy as np

def lookup(x, n):
    table = np.arange(10) ** 2
    for i in range(n):
        x = x + table[i]
    return x
'''


def test_the_printed_source_marks_only_arrays_that_a_traced_index_may_read(tmp_path):
    """The owned-buffer marking (``py2lax.converted(np.zeros)``) is needed only for an
    array read with an index that may be traced; elsewhere it is noise in the output."""
    plain = py2lax.transpile(_FILLED_AND_RETURNED, all_functions=True)
    assert "out = np.zeros(3)" in plain and "converted(np.zeros)" not in plain
    marked = py2lax.transpile(_INDEXED_IN_A_LOOP, all_functions=True)
    assert "py2lax.converted(np.arange)(10)" in marked
    path = tmp_path / "unmarked_buffers.py"
    path.write_text(_FILLED_AND_RETURNED + _INDEXED_IN_A_LOOP.replace("import numpy as np", ""))
    spec = importlib.util.spec_from_file_location("unmarked_buffers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, args in (("fill", (2.0, 3)), ("lookup", (1, 4))):
        expected = getattr(module, name)(*args)
        got = py2lax.autograph_jit(getattr(module, name))(*(jnp.asarray(a) for a in args))
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)


def written_into_a_fancy_copy(x):
    a = np.zeros(3)
    a[[0, 1]][0] = 5.0
    return a + x


def written_into_a_masked_copy(x):
    a = np.arange(4.0)
    a[a > 1][0] = -1.0
    return a * x


@pytest.mark.parametrize("function", [written_into_a_fancy_copy, written_into_a_masked_copy],
                         ids=lambda f: f.__name__)
def test_a_write_into_what_a_list_or_mask_index_gives_changes_only_that_copy(function):
    """NumPy's ``a[[0, 1]]`` and ``a[a > 1]`` are new arrays: writing into them leaves
    ``a`` as it was (it was written through to ``a``, silently)."""
    expected = function(2.0)
    np.testing.assert_allclose(np.asarray(py2lax.autograph_jit(function)(jnp.float32(2.0))),
                               expected)
    np.testing.assert_allclose(py2lax.convert(function)(2.0), expected)
