"""NumPy views and arrays held at several places, under ``autograph_jit``: Python's answer
or a located error, never a silently different one.

Each program runs on NumPy arrays and Python numbers (the oracle), through ``convert`` on
the same values, and through ``autograph_jit``. Where py2lax cannot keep NumPy's meaning
(a write through a view of an array that a traced value turns into a JAX array) the test
asserts a located ``ConversionError`` naming the user's line.
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close

import py2lax


def _python(function, *args):
    return function(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])


def _agree(function, *args):
    """Python, ``convert`` on the same values, and ``autograph_jit`` give one answer."""
    expected = _python(function, *args)
    converted = py2lax.convert(function)(
        *[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    assert_tree_close(converted, expected)
    jitted = py2lax.autograph_jit(function)(
        *[jnp.asarray(a, jnp.float32) if isinstance(a, (np.ndarray, float)) else a
          for a in args])
    assert_tree_close(jitted, expected, rtol=1e-5, atol=1e-5)


def _refused(function, *args, line_text: str):
    """``convert`` gives Python's answer; ``autograph_jit`` refuses at the user's line."""
    expected = _python(function, *args)
    converted = py2lax.convert(function)(
        *[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    assert_tree_close(converted, expected)
    with pytest.raises(py2lax.ConversionError) as caught:
        py2lax.autograph_jit(function)(
            *[jnp.asarray(a, jnp.float32) if isinstance(a, (np.ndarray, float)) else a
              for a in args])
    assert __file__ in str(caught.value)
    assert line_text in str(caught.value)


# -- one array at several places, one place rebound in a traced loop (not a write) -------


class Pt:
    def __init__(self, p, q):
        self.p = p
        self.q = q


@dataclasses.dataclass
class St:
    p: object
    q: object = 0.0


def shift(pt, t):
    pt.p = pt.p + t


def attribute_rebound_in_one_branch(x, y, n):
    a = x * 0.5
    o = Pt(a, y)
    st = St(a)
    for _ in range(n):
        if x > 0.0:
            st.q += 0.5
        else:
            o.p = o.p + y
    return o.p, st.p, st.q


def helper_rebinds_in_one_branch(x, y, n):
    a = x * 0.5
    o = Pt(a, y)
    st = St(a)
    c = 0.0
    for _ in range(n):
        if x > 0.0:
            st.q += y
        else:
            c = c + o.p
            shift(o, y)
    return c, o.p, st.p, st.q


def list_item_rebound_in_one_branch(x, y, n):
    a = x * 0.5
    L = [a, 1.0]
    d = {"p": a, "q": 0.0}
    for _ in range(n):
        if x > 0.0:
            d["q"] = d["q"] + y
        else:
            L[0] = L[0] + y
    return L[0], d["p"], d["q"]


def dict_value_rebound_in_one_branch(x, y, n):
    a = x * 0.5
    L = [a, 1.0]
    d = {"p": a}
    for _ in range(n):
        if y > 0.0:
            L[1] = L[1] * 2.0
        else:
            d["p"] = d["p"] - y
    return L[0] + L[1], d["p"]


def tuple_of_holders_one_rebound(x, y, n):
    a = x * 0.5
    o = Pt(a, y)
    hs = (o, St(a))
    for _ in range(n):
        if x + y > 0.0:
            hs[1].q = hs[1].q + 1.0
        else:
            hs[0].p = hs[0].p * 2.0
    return o.p, hs[1].p, hs[1].q


REBOUND = [attribute_rebound_in_one_branch, helper_rebinds_in_one_branch,
           list_item_rebound_in_one_branch, dict_value_rebound_in_one_branch,
           tuple_of_holders_one_rebound]


@pytest.mark.parametrize("function", REBOUND, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x, y, n", [(0.3, 0.7, 2), (-1.5, 0.2, 3), (-1.0, -0.5, 0)])
def test_rebinding_one_holder_in_a_traced_loop_is_python(function, x, y, n):
    _agree(function, x, y, n)


def write_in_one_branch_rebind_in_other(x, n):
    w = np.zeros(3) + x
    o = Pt(w, 0.0)
    st = St(w)
    for _ in range(n):
        if x > 0.0:
            o.p[0] += 1.0
        else:
            o.p = o.p + 1.0
    return o.p + 2 * st.p


def test_a_write_through_one_holder_still_keeps_them_one_array():
    # one branch writes through `o.p` (st.p sees it), the other parts them: later
    # iterations would differ from the first, which a compiled loop cannot do
    _refused(write_in_one_branch_rebind_in_other, 0.5, 3, line_text="for _ in range(n)")


# -- writes through a view of a view, or through views a container holds ----------------
# (a traced value turns the view into a JAX array, which the array it views never sees:
# refused at the write, as for a one-level view `b = a[1:5]; b[2] = x`)


def view_of_view_under_if(x):
    a = np.zeros(6)
    b = a[1:5]
    c = b[::2]
    if x > 0:
        c[1] = x
    return a


def view_of_view_straight(x):
    a = np.zeros(6)
    b = a[1:5]
    c = b[::2]
    c[1] = x
    return a


def column_of_a_row_block(x):
    a = np.zeros((4, 3))
    v = a[2:]
    w = v[:, 0]
    if x > 0:
        w[1] = x
    return a


def row_of_the_transpose(x):
    a = np.zeros((2, 3))
    t = a.T
    col = t[1]
    col[0] = x
    return a


def rows_in_a_list_loop(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    for r in rows:
        if x > 0:
            r[0] = x
    return M


def rows_in_a_list_item(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[1][1] = x
    return M


def rows_from_a_comprehension(x):
    M = np.zeros((2, 2))
    rows = [r for r in M]
    for r in rows:
        if x > 0:
            r[0] = x
    return M


def rows_from_list(x):
    M = np.zeros((2, 2))
    rows = list(M)
    rows[0][1] = x
    return M


def rows_in_a_dict(x):
    M = np.zeros((2, 2))
    d = {"top": M[0], "bottom": M[1]}
    d["bottom"][0] = x
    return M


def rows_from_dict_values(x):
    M = np.zeros((2, 2))
    d = {"top": M[0], "bottom": M[1]}
    for r in d.values():
        if x > 0:
            r[0] = x
    return M


def rows_by_index_comprehension(x):
    M = np.zeros((2, 2))
    rows = [M[i] for i in range(2)]
    if x > 1:
        rows[1][0] = x
    return M


def rows_in_a_tuple_indexed_in_a_loop(x):
    M = np.zeros((2, 2))
    rows = (M[0], M[1])
    for i in range(2):
        rows[i][i] = x + i
    return M


def row_taken_from_the_list(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    r = rows[1]
    if x > 0:
        r[0] = x
    return M


def augmented_item_of_a_list_of_rows(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[0] += x
    return M


def fill_an_item_of_a_list_of_rows(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[1].fill(x)
    return M


def loop_over_a_slice_of_rows(x):
    M = np.zeros((3, 2))
    for r in M[1:]:
        if x > 0:
            r[0] = x
    return M


def loop_over_a_display_of_rows(x):
    M = np.zeros((2, 2))
    for i, r in enumerate([M[0], M[1]]):
        if x > 0:
            r[i] = x
    return M


def loop_over_the_transpose(x):
    M = np.zeros((2, 2))
    for c in M.T:
        c[1] = x
    return M


def row_of_a_reshaped_view(x):
    a = np.zeros(6)
    b = a.reshape(2, 3)
    c = b[1]
    if x > 0:
        c[0] = x
    return a


def asarray_of_an_array_written_under_if(x):
    a = np.zeros(2)
    b = np.asarray(a)  # `a` itself
    if x > 0:
        b[0] = x
    return a


def reshaped_by_numpy_function(x):
    a = np.zeros(4)
    m = np.reshape(a, (2, 2))
    m[1, 0] = x
    return a


def rows_appended_to_a_list(x):
    M = np.zeros((2, 2))
    rows = []
    for i in range(2):
        rows.append(M[i])
    rows[1][0] = x
    return M


def rows_unpacked_from_a_tuple(x):
    M = np.zeros((2, 3))
    top, bottom = M[0], M[1]
    if x > 0:
        bottom[2] = x
    return M + top.sum()


def halves_from_np_split(x):
    M = np.zeros((2, 3))
    top, bottom = np.split(M, 2)
    bottom[0, 1] = x
    return M


class Holder:
    def __init__(self, a):
        self.a = a


def row_kept_by_an_object(x):
    M = np.zeros((2, 2))
    o = Holder(M[0])
    o.a[0] = x
    return M


def row_kept_by_an_object_under_if(x):
    M = np.zeros((2, 2))
    o = Holder(M[1])
    if x > 0:
        o.a[1] = x
    return M


def row_kept_by_an_object_augmented(x):
    M = np.zeros((2, 2))
    o = Holder(M[0])
    o.a += x
    return M


def row_in_a_dict_augmented(x):
    M = np.zeros((2, 2))
    d = {"r": M[0]}
    d["r"] += x
    return M


def copyto_an_item_of_a_list_of_rows(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    np.copyto(rows[0], x)
    return M


REFUSED_VIEWS = {
    row_kept_by_an_object_augmented: "o.a += x", row_in_a_dict_augmented: 'd["r"] += x',
    copyto_an_item_of_a_list_of_rows: "np.copyto(rows[0], x)",
    row_kept_by_an_object: "o.a[0] = x", row_kept_by_an_object_under_if: "o.a[1] = x",
    rows_appended_to_a_list: "rows[1][0] = x",
    asarray_of_an_array_written_under_if: "b[0] = x",
    augmented_item_of_a_list_of_rows: "rows[0] += x",
    fill_an_item_of_a_list_of_rows: "rows[1].fill(x)",
    rows_in_a_list_item: "rows[1][1] = x", rows_from_list: "rows[0][1] = x",
    rows_in_a_dict: 'd["bottom"][0] = x', rows_by_index_comprehension: "rows[1][0] = x",
    rows_in_a_tuple_indexed_in_a_loop: "rows[i][i] = x + i",
}


@pytest.mark.parametrize("function", list(REFUSED_VIEWS), ids=lambda f: f.__name__)
def test_a_traced_write_through_a_held_view_is_refused_at_its_line(function):
    _refused(function, 2.0, line_text=REFUSED_VIEWS[function])


# A view a local name holds (a row, a slice, a transpose, a reshape, a view of a view, a
# loop's item over rows): the write goes into the array it is a view of too, as NumPy's
# shared memory shows it (runtime/holders.written_into_view).
WRITTEN_THROUGH = [
    rows_unpacked_from_a_tuple, halves_from_np_split, reshaped_by_numpy_function,
    loop_over_a_slice_of_rows, loop_over_a_display_of_rows, loop_over_the_transpose,
    row_of_a_reshaped_view, view_of_view_under_if, view_of_view_straight,
    column_of_a_row_block, row_of_the_transpose, rows_in_a_list_loop,
    rows_from_a_comprehension, rows_from_dict_values, row_taken_from_the_list,
]


@pytest.mark.parametrize("function", WRITTEN_THROUGH, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [2.0, -1.0])
def test_a_traced_write_through_a_view_a_name_holds_is_python(function, x):
    _agree(function, x)


def rows_in_a_list_static_write(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[0][0] = 1.0
    return M + rows[1][0] + x


def copies_in_a_list(x):
    M = np.ones((2, 2))
    rows = [M[0].copy(), M[1].copy()]
    if x > 0:
        rows[0][0] = x
    return M, rows[0]


def view_of_view_reads_a_traced_write(x):
    a = np.zeros(6)
    b = a[1:5]
    c = b[::2]
    if x > 0:
        a[3] = x
    return c


def view_of_view_read_in_a_traced_loop(x):
    a = np.zeros(6)
    b = a[1:5]
    c = b[::2]
    s = 0.0
    for i in range(3):
        if x > i:
            a[1 + 2 * (i % 2)] = x + i
            s = s + c.sum()
    return s, c


def column_view_sees_writes_in_a_traced_loop(x):
    M = np.zeros((2, 2))
    col = M[:, 1]
    for i in range(2):
        if x > i:
            M[i, 1] = x + i
    return col.sum()


def row_view_taken_before_a_traced_loop(x):
    M = np.zeros((2, 2))
    row = M[0]
    for i in range(2):
        if x > i:
            M[0, i] = x
    return row


def zip_over_an_array_written_ahead(a, b):
    a = a.copy()
    s = 0.0
    i = 0
    for u, v in zip(a, b):
        if i + 1 < len(a):
            a[i + 1] = a[i + 1] + u
        s += u * (v + 1.0)
        i += 1
    return s


def fancy_index_then_item_writes_a_copy(x):
    a = np.zeros(3)
    a[[0, 1]][0] = 5.0
    return a + x


def rows_of_a_list_of_lists(x):
    grid = [[0.0, 0.0], [0.0, 0.0]]
    rows = [grid[0], grid[1]]
    if x > 0:
        rows[0][0] = x
    return grid[0][0] + rows[0][0]


def loop_over_rows_static_write(x):
    M = np.zeros((2, 2))
    s = 0.0
    for r in M:
        r[0] = 1.0
        s = s + r.sum() * x
    return s, M


def list_item_rebound_not_written(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[0] = rows[0] + x
    return M, rows[0]


def numbers_of_a_1d_array_augmented(x):
    a = np.zeros(3)
    rows = [a[0], a[1]]  # NumPy scalars: copies, rebound by `+=`
    rows[0] += x
    return a, rows[0]


def rows_augmented_by_a_constant(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    rows[0] += 1.0
    return M * x


KEPT = [numbers_of_a_1d_array_augmented, rows_augmented_by_a_constant,
        rows_of_a_list_of_lists, loop_over_rows_static_write, list_item_rebound_not_written,
        rows_in_a_list_static_write, copies_in_a_list, view_of_view_reads_a_traced_write,
        view_of_view_read_in_a_traced_loop, column_view_sees_writes_in_a_traced_loop,
        row_view_taken_before_a_traced_loop, fancy_index_then_item_writes_a_copy]


@pytest.mark.parametrize("function", KEPT, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [2.0, 0.5, -1.0])
def test_views_read_after_writes_into_their_array_are_python(function, x):
    _agree(function, x)


@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0, 4.0]])
def test_zip_reads_the_array_the_body_writes_ahead(values):
    _agree(zip_over_an_array_written_ahead, np.array(values), np.zeros(len(values)))


# -- views a container holds, read after a traced write into their array -----------------


def list_of_rows_read_after_a_write(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    M[0, 0] = x
    return rows[0]


def list_of_rows_read_after_a_traced_if(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    if x > 0:
        M[1, 1] = x
    return rows[1]


def dict_of_rows_read_after_a_traced_loop(x):
    M = np.zeros((2, 2))
    d = {"top": M[0]}
    for i in range(2):
        if x > i:
            M[0, i] = x
    return d["top"]


def rows_from_a_comprehension_summed_after_a_write(x):
    M = np.zeros((2, 2))
    rows = [r for r in M]
    s = 0.0
    M[1] = x
    for r in rows:
        s = s + r.sum()
    return s


def list_of_rows_after_an_augmented_write(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    M += x
    return rows[1]


def list_of_rows_after_fill(x):
    M = np.zeros((2, 2))
    rows = [M[0], M[1]]
    if x > 0:
        M.fill(x)
    return rows[1]


def dict_comprehension_of_rows(x):
    M = np.zeros((3, 2))
    d = {k: M[k] for k in range(3)}
    M[2, 0] = x
    return d[2]


def unpacked_row_read_after_a_write(x):
    M = np.zeros((2, 3))
    top, bottom = M[0], M[1]
    M[1, 2] = x
    return bottom


def unpacked_row_read_after_a_traced_if(x):
    M = np.zeros((2, 3))
    top, bottom = M[0], M[1]
    if x > 0:
        M[1, 2] = x
    return bottom


def split_half_read_after_a_write(x):
    M = np.zeros((2, 3))
    top, bottom = np.split(M, 2)
    M[1, 2] = x
    return bottom


def split_half_read_after_a_traced_if(x):
    M = np.zeros((2, 3))
    top, bottom = np.split(M, 2)
    if x > 0:
        M[1, 2] = x
    return top, bottom


def appended_rows_read_after_a_write(x):
    M = np.zeros((2, 2))
    rows = []
    for i in range(2):
        rows.append(M[i])
    M[1, 1] = x
    return rows[1]


def object_row_read_after_a_write(x):
    M = np.zeros((2, 2))
    o = Holder(M[1])
    M[1, 0] = x
    return o.a


def object_copy_written_under_if(x):
    M = np.zeros((2, 2))
    o = Holder(M[1].copy())
    if x > 0:
        o.a[1] = x
    return M, o.a


HELD_READS = [object_row_read_after_a_write, object_copy_written_under_if,unpacked_row_read_after_a_write, unpacked_row_read_after_a_traced_if,
              split_half_read_after_a_write, split_half_read_after_a_traced_if,
              appended_rows_read_after_a_write,list_of_rows_read_after_a_write, list_of_rows_read_after_a_traced_if,
              dict_of_rows_read_after_a_traced_loop,
              rows_from_a_comprehension_summed_after_a_write,
              list_of_rows_after_an_augmented_write, list_of_rows_after_fill,
              dict_comprehension_of_rows]


@pytest.mark.parametrize("function", HELD_READS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [2.0, 0.5, -1.0])
def test_views_a_container_holds_show_a_traced_write(function, x):
    _agree(function, x)
