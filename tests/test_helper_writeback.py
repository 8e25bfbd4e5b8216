"""A helper that assigns into its array parameter in place: the caller sees the update.

With NumPy, ``swap(a, i, j)`` changes the caller's ``a``. py2lax writes the update as a
new JAX array for the helper's variable and, after the call statement, gives the caller's
variable (and each other name sharing its object) the new array
(``transforms/write_back.py``). Where no write-back can reach the place the helper
changed, the call is refused at the user's line (``InPlaceArgumentError``).

Each program is run as Python on NumPy arrays (the oracle), converted on NumPy arrays
(Python meaning), and jitted on JAX arrays.
"""

import copy

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import py2lax


# -- union-find -------------------------------------------------------------------------
def find(parent, i):
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        nxt = parent[i]
        parent[i] = root
        i = nxt
    return root


def union(parent, a, b):
    ra, rb = find(parent, a), find(parent, b)
    if ra != rb:
        parent[ra] = rb


def components(edges, n):
    parent = np.arange(n)
    for k in range(edges.shape[0]):
        union(parent, edges[k, 0], edges[k, 1])
    roots = np.zeros(n, dtype=parent.dtype)
    for i in range(n):
        roots[i] = find(parent, i)
    return roots


def find_halving(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def root_of_each(parent0):
    parent = parent0.copy()
    out = []
    for i in range(parent.shape[0]):
        out.append(find_halving(parent, i))
    return out[0], out[-1], parent


# -- sorting through a swap helper ---------------------------------------------------------
def swap(arr, i, j):
    if arr[i] > arr[j]:
        arr[i], arr[j] = arr[j], arr[i]


def bubble_sort(a, n):
    a = a.copy()
    for i in range(n):
        for k in range(n - 1 - i):
            swap(a, k, k + 1)
    return a


def one_pass_traced(a, n):
    a = a.copy()
    for k in range(n):  # `n` traced: a lax.fori_loop
        swap(a, k, k + 1)
    return a


def swap_unconditional(arr, i, j):
    arr[i], arr[j] = arr[j], arr[i]


def reverse(a):
    b = np.array(a)
    i, j = 0, b.shape[0] - 1
    while i < j:
        swap_unconditional(b, i, j)
        i += 1
        j -= 1
    return b


def sort_without_copy(a, n):
    for i in range(n):
        for k in range(n - 1 - i):
            swap(a, k, k + 1)
    return a


def sort_by_keyword(a, n):
    a = a.copy()
    for k in range(n):
        swap(arr=a, i=k, j=k + 1)
    return a


# -- a mask assignment helper ----------------------------------------------------------
def clip_neg(arr):
    arr[arr < 0.0] = 0.0


def clip_then_scale(a, s):
    a = a.copy()
    clip_neg(a)
    return a * s


def clip_twice_named(a):
    b = a.copy()
    c = b  # one array, two names
    clip_neg(b)
    return c + 0.0


def clip_rows(m):
    m = m.copy()
    rows = [m[0].copy(), m[1].copy()]
    for r in rows:
        clip_neg(r)
    return rows[0] + rows[1]


def fill_and_clip(a, x):
    a = a.copy()
    a[0] = x
    clip_neg(a)
    clip_neg(a)
    return a


# -- methods ---------------------------------------------------------------------------
class Ring:
    def __init__(self, n):
        self.buf = np.zeros(n)
        self.pos = 0

    def put(self, i, v):
        self.buf[i] = v

    def push(self, v):
        self.put(self.pos % self.buf.shape[0], v)
        self.pos += 1

    def bump_all(self, d):
        clip_neg(self.buf)
        self.buf += d


def ring_of(values):
    ring = Ring(3)
    for k in range(values.shape[0]):
        ring.push(values[k])
    return ring.buf


def ring_static_method_style(values):
    ring = Ring(values.shape[0])
    for k in range(values.shape[0]):
        ring.put(k, values[k] * 2.0)
    return ring.buf


class Grid:
    def __init__(self, g):
        self.g = g.copy()

    def zero(self, i):
        self.g[i] = 0.0

    def step(self, x):
        if x > 0:
            self.zero(0)
        else:
            self.zero(1)
        return self.g.sum()


def grid_step(g, x):
    grid = Grid(g)
    total = grid.step(x)
    return total, grid.g


# -- two levels of helpers -------------------------------------------------------------
def set_first(parent, v):
    parent[0] = v


def set_first_and_last(parent, v):
    set_first(parent, v)
    parent[-1] = v * 2


def two_levels(a, v):
    a = a.copy()
    set_first_and_last(a, v)
    return a


def three_levels_inner(arr, v):
    set_first_and_last(arr, v)


def three_levels(a, v):
    w = a.copy()
    three_levels_inner(w, v)
    return w


# -- traced if / while around the call -------------------------------------------------
def in_traced_if(a, x):
    a = a.copy()
    if x > 0:
        set_first(a, x)
    else:
        clip_neg(a)
    return a


def in_traced_while(a, n):
    a = a.copy()
    k = 0
    while k < n:
        swap(a, k, k + 1)
        k += 1
    return a


def helper_in_if_test(a, x):
    a = a.copy()
    if bump_if_big(a, x):
        a = a * 2.0
    return a


def bump_if_big(arr, x):
    if arr[0] > x:
        arr[0] = x
        return True
    return False


# -- a NumPy array argument receiving a traced value -------------------------------------
def numpy_buffer_gets_traced(x):
    buf = np.zeros(3)
    set_first(buf, x)
    return buf


def numpy_buffer_in_traced_loop(x, n):
    buf = np.zeros(4)
    for k in range(n):
        set_first(buf, x * k)
    return buf


# -- the result assigned, the helper returns something else -----------------------------
def bump(w, i, x):
    w[i] = w[i] + x
    return x * 2.0


def result_assigned(w0, x):
    w = w0.copy()
    u = bump(w, 0, x)
    return u, w


def list_items(a, x):
    arrs = [a.copy(), a.copy() + 1.0]
    set_first(arrs[0], x)
    d = {"w": a.copy()}
    set_first(d["w"], x * 3.0)
    return arrs[0], arrs[1], d["w"]


# -- the variants other people write ---------------------------------------------------
def heapify_down(h, i, n):
    while True:
        left, right, m = 2 * i + 1, 2 * i + 2, i
        if left < n and h[left] < h[m]:
            m = left
        if right < n and h[right] < h[m]:
            m = right
        if m == i:
            break
        h[i], h[m] = h[m], h[i]
        i = m


def heapify(a):
    h = a.copy()
    n = h.shape[0]
    for i in range(n // 2 - 1, -1, -1):
        heapify_down(h, i, n)
    return h


def insertion_step(arr, j):
    while j > 0 and arr[j - 1] > arr[j]:  # `j -= 1`: a number parameter, rebound
        arr[j - 1], arr[j] = arr[j], arr[j - 1]
        j -= 1


def insertion_sort(a):
    a = a.copy()
    for j in range(1, a.shape[0]):
        insertion_step(a, j)
    return a


def set_two(a, b, v):
    a[0] = v
    b[0] = -v


def two_arguments(x, v):
    a, b = x.copy(), x.copy()
    set_two(a, b, v)
    return a, b


def one_array_twice(x, v):
    a = x.copy()
    set_two(a, a, v)
    return a


def count_into(counter):
    counter[0] += 1


def count_positive(x):
    c = np.zeros(1)
    for k in range(x.shape[0]):
        if x[k] > 0:  # traced: the write-back is in the branch
            count_into(c)
    return c


def first_set_returns_pair(arr, v):
    arr[0] = v
    return v, 2 * v


def pair_result(x, v):
    a = x.copy()
    p, q = first_set_returns_pair(a, v)
    return a, p, q


def nested_helper_result_used(x):
    a = x.copy()

    def bump_first(w):
        w[0] = w[0] + 1.0
        return w

    u = bump_first(a)
    return u + a  # one array: `a` sees the update too


def apply_to_copy(fn, x):
    a = x.copy()
    fn(a)  # a function passed in: not known when converting, written back anyway
    return a


def passed_function(x):
    return apply_to_copy(clip_neg, x)


def other_objects_method(x):
    a = x.copy()
    Writer().put(a, 7.0)
    return a


class Writer:
    def put(self, arr, v):
        arr[0] = v


CASES = [
    (heapify, (np.array([5.0, 3.0, 8.0, 1.0, 2.0]),), (0,), ()),
    (insertion_sort, (np.array([5.0, 3.0, 8.0, 1.0, 2.0]),), (0,), ()),
    (two_arguments, (np.array([1.0, 2.0]), 5.0), (0, 1), ()),
    (one_array_twice, (np.array([1.0, 2.0]), 5.0), (0, 1), ()),
    (count_positive, (np.array([1.0, -2.0, 3.0]),), (0,), ()),
    (pair_result, (np.array([1.0, 2.0]), 5.0), (0, 1), ()),
    (nested_helper_result_used, (np.array([1.0, -2.0]),), (0,), ()),
    (passed_function, (np.array([1.0, -2.0]),), (0,), ()),
    (other_objects_method, (np.array([1.0, -2.0]),), (0,), ()),
    (components, (np.array([[0, 1], [2, 3], [1, 2]]), 5), (0,), (1,)),
    (root_of_each, (np.array([0, 0, 1, 2, 3]),), (0,), ()),
    (bubble_sort, (np.array([3.0, -1.0, 2.0, 0.5]), 4), (0,), (1,)),
    (one_pass_traced, (np.array([3.0, -1.0, 2.0, 0.5]), 3), (0, 1), ()),
    (reverse, (np.array([1.0, 2.0, 3.0, 4.0, 5.0]),), (0,), ()),
    (sort_without_copy, (np.array([3.0, -1.0, 2.0, 0.5]), 4), (0,), (1,)),
    (sort_by_keyword, (np.array([3.0, -1.0, 2.0, 0.5]), 3), (0, 1), ()),
    (clip_then_scale, (np.array([1.0, -2.0, 3.0]), 2.0), (0, 1), ()),
    (clip_twice_named, (np.array([1.0, -2.0, 3.0]),), (0,), ()),
    (clip_rows, (np.array([[1.0, -2.0], [-3.0, 4.0]]),), (0,), ()),
    (fill_and_clip, (np.array([1.0, -2.0, 3.0]), -5.0), (0, 1), ()),
    (ring_of, (np.array([1.0, 2.0, 3.0, 4.0]),), (0,), ()),
    (ring_static_method_style, (np.array([1.0, 2.0, 3.0]),), (0,), ()),
    (grid_step, (np.array([1.0, 2.0, 3.0]), 1.0), (0, 1), ()),
    (grid_step, (np.array([1.0, 2.0, 3.0]), -1.0), (0, 1), ()),
    (two_levels, (np.array([1.0, 2.0, 3.0]), 7.0), (0, 1), ()),
    (three_levels, (np.array([1.0, 2.0, 3.0]), 7.0), (0, 1), ()),
    (in_traced_if, (np.array([1.0, -2.0, 3.0]), 2.0), (0, 1), ()),
    (in_traced_if, (np.array([1.0, -2.0, 3.0]), -2.0), (0, 1), ()),
    (in_traced_while, (np.array([3.0, -1.0, 2.0, 0.5]), 3), (0, 1), ()),
    (helper_in_if_test, (np.array([3.0, -1.0]), 1.0), (0, 1), ()),
    (helper_in_if_test, (np.array([0.5, -1.0]), 1.0), (0, 1), ()),
    (numpy_buffer_gets_traced, (2.5,), (0,), ()),
    (numpy_buffer_in_traced_loop, (2.5, 3), (0, 1), ()),
    (result_assigned, (np.array([1.0, 2.0]), 0.5), (0, 1), ()),
    (list_items, (np.array([1.0, 2.0]), 0.5), (0, 1), ()),
]


def _as_jax(value):
    if isinstance(value, np.ndarray):
        return jnp.asarray(value)
    if isinstance(value, float):
        return jnp.float32(value)
    if isinstance(value, int):
        return jnp.int32(value)
    return value


def _close(expected, actual):
    expected_leaves = jax.tree_util.tree_leaves(expected)
    actual_leaves = jax.tree_util.tree_leaves(actual)
    assert len(expected_leaves) == len(actual_leaves), (expected, actual)
    for e, a in zip(expected_leaves, actual_leaves):
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(e, np.float64),
                                   rtol=1e-5, atol=1e-6)


def _ids(case):
    return case[0].__name__


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_python_meaning_on_numpy_arrays(case):
    function, args, _traced, _static = case
    expected_args, converted_args = copy.deepcopy(args), copy.deepcopy(args)
    expected = function(*expected_args)
    actual = py2lax.convert(function)(*converted_args)
    _close(expected, actual)
    _close(list(expected_args), list(converted_args))  # the caller's arrays, changed alike


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_jitted_gives_pythons_answer(case):
    function, args, traced, static = case
    expected = function(*copy.deepcopy(args))
    jax_args = [_as_jax(a) if i in traced else a for i, a in enumerate(args)]
    jitted = py2lax.autograph_jit(function, static_argnums=static)
    _close(expected, jitted(*jax_args))


def test_the_write_back_is_what_the_converted_code_says():
    source = py2lax.to_source(one_pass_traced)
    assert "swap, written_back=True)(a, k, k + 1)" in source
    assert "a = py2lax.written_through(a)" in source
    assert "k = py2lax.written_through(k)" not in source  # only the parameter it updates


def test_a_helper_that_updates_nothing_gets_no_write_back():
    def norm(v):
        return v / v.sum()

    def caller(v):
        w = v.copy()
        u = norm(w)
        return u

    assert "written_through" not in py2lax.to_source(caller)


# -- what still cannot work is refused at the user's line -------------------------------
BUFFER = jnp.zeros(3)


def into_a_global(x):
    set_first(BUFFER, x)
    return x


def row_of_an_array(m, x):
    m = m.copy()
    set_first(m[1], x)  # NumPy: a view of row 1, which changes `m`
    return m


def read_again_in_the_statement(a, x):
    a = a.copy()
    return bump(a, 0, x) + a[0]


def in_a_while_test(a, x):
    a = a.copy()
    while bump_if_big(a, x):
        x = x + 1.0
    return a


def in_a_comprehension(a, x):
    a = a.copy()
    flags = [bump_if_big(a, x + k) for k in range(2)]
    return a, flags[0]


def augmented_parameter(v):
    v /= v.sum()


def write_into_astype(arr):
    arr[1] = 1.0
    b = arr.astype(np.float32)  # NumPy: a copy; JAX: `arr` itself for a float32 `arr`
    b[0] = 9.0
    return b


def astype_in_helper(a):
    a = a.copy()
    c = write_into_astype(a)
    return a, c


def normalised(a):
    a = a.copy()
    augmented_parameter(a)
    return a


def test_augmented_parameter_is_written_back():
    """`v /= v.sum()` on the helper's parameter changes the caller's array (NumPy)."""
    expected = normalised(np.array([1.0, 3.0]))
    got = py2lax.autograph_jit(normalised)(jnp.array([1.0, 3.0]))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)


def test_a_row_of_an_array_is_written_back():
    """`set_first(m[1], x)`: NumPy's view of row 1, so the helper's write changes `m`."""
    expected = row_of_an_array(np.ones((2, 2)), 2.0)
    got = py2lax.autograph_jit(row_of_an_array)(jnp.ones((2, 2)), jnp.float32(2.0))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)


@pytest.mark.parametrize("function, args, line", [
    (into_a_global, (jnp.float32(2.0),), "parent[0] = v"),
    (read_again_in_the_statement, (jnp.ones(2), jnp.float32(2.0)), "w[i] = w[i] + x"),
    (in_a_while_test, (jnp.array([5.0, 1.0]), jnp.float32(2.0)), "arr[0] = x"),
    (in_a_comprehension, (jnp.array([5.0, 1.0]), jnp.float32(2.0)), "arr[0] = x"),
    (astype_in_helper, (jnp.array([1.0, 2.0, 3.0]),), "b[0] = 9.0"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_where_no_write_back_can_reach(function, args, line):
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(function)(*args)
    error = caught.value
    assert error.location.filename == __file__
    with open(__file__) as handle:
        assert handle.read().splitlines()[error.location.line - 1].strip() == line
    assert "return" in error.fix


@pytest.mark.parametrize("function, args", [
    (row_of_an_array, (np.ones((2, 2)), 2.0)),
    (read_again_in_the_statement, (np.ones(2), 2.0)),
    (in_a_while_test, (np.array([5.0, 1.0]), 2.0)),
    (in_a_comprehension, (np.array([5.0, 1.0]), 2.0)),
    (normalised, (np.array([1.0, 3.0]),)),
    (astype_in_helper, (np.array([1.0, 2.0, 3.0], np.float32),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_programs_keep_pythons_meaning_on_numpy(function, args):
    _close(function(*copy.deepcopy(args)), py2lax.convert(function)(*copy.deepcopy(args)))


# -- generated inputs -------------------------------------------------------------------
_JITTED_SORT = py2lax.autograph_jit(one_pass_traced)
_JITTED_COMPONENTS = py2lax.autograph_jit(components, static_argnums=(1,))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-10, 10, width=32), min_size=2, max_size=6), st.integers(0, 5))
def test_generated_swaps_match_python(values, n):
    a = np.array(values, np.float32)
    n = min(n, len(values) - 1)
    expected = one_pass_traced(a.copy(), n)
    np.testing.assert_array_equal(np.asarray(_JITTED_SORT(jnp.asarray(a), jnp.int32(n))),
                                  expected)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=5))
def test_generated_union_find_matches_python(edges):
    edges = np.array(edges, np.int32)
    expected = components(edges, 5)
    np.testing.assert_array_equal(np.asarray(_JITTED_COMPONENTS(jnp.asarray(edges), 5)),
                                  expected)


# -- a helper's in-place method under its own traced `if` (list.sort, ndarray.fill) -----------
def _sort_if(res, flag):
    if flag:
        res.sort()


def _sorted_list_when_positive(x):
    res = [3.0, 1.0, 2.0]
    _sort_if(res, x > 0)
    return res


def _fill_if(v, flag):
    if flag:
        v.fill(0.0)


def _filled_when_positive(x):
    v = np.array([3.0, 1.0, 2.0])
    _fill_if(v, x > 0)
    return v


@pytest.mark.parametrize("function", [_sorted_list_when_positive, _filled_when_positive])
@pytest.mark.parametrize("x", [1.0, -1.0])
def test_helper_in_place_method_under_its_traced_if_reaches_the_caller(function, x):
    expected = np.asarray(function(x), dtype=np.float64)
    got = np.asarray([float(v) for v in np.ravel(np.asarray(py2lax.autograph_jit(function)(x)))])
    np.testing.assert_allclose(got, expected)


# -- the command line's output is a fixed point around write-backs --------------------------
_RETURNED_CALLS = '''
def _helper(f, **kwargs):
    kwargs["seen"] = True
    return f


def wrap(f=None, *, mesh=None):
    kwargs = dict(mesh=mesh)
    if f is None:
        return lambda g: _helper(g, **kwargs)
    return _helper(f, **kwargs)


def zeros_like(z):
    if isinstance(z, dict):
        return _helper(z, **z)
    return z
'''


def test_a_returned_calls_write_backs_are_the_same_on_a_second_run():
    from py2lax.transpiler import transpile

    once = transpile(_RETURNED_CALLS, "m.py", all_functions=True, readable=True)
    assert transpile(once, "m.py", all_functions=True, readable=True) == once
