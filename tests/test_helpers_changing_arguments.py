"""Helpers that change their arguments, and helpers that return None on one path.

Python (NumPy arrays where code assigns into arrays) is the oracle: ``autograph_jit``
gives its answer, or a py2lax error located at the user's line; ``py2lax.convert`` run
on NumPy values behaves exactly like the original, arguments included.

- A helper updating its array parameter by name (``w *= k``, ``w += g``): NumPy updates
  the caller's array in place (issue 12: refused under jit, even for a call statement).
"""

from __future__ import annotations

import copy
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

# -- helpers updating a parameter by name ---------------------------------------------


def decay_(w, lr):
    w *= (1.0 - lr)


def apply_(w, g):
    w += g


def ops_(w, g):
    w -= 0.1 * g
    w **= 2
    w /= 2.0


def damp(w, k=0.5):
    w *= k


def step_(w, lr):
    decay_(w, lr)
    w += 1.0


class SGD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, w, g):
        w -= self.lr * g

    @staticmethod
    def damp(w, k):
        w *= k


def call_statement(w, lr):
    decay_(w, lr)
    return w


def keywords(w, lr):
    decay_(lr=lr, w=w)
    damp(w, k=0.5)
    return w


def two_calls_and_operators(w, g):
    apply_(w, g)
    ops_(w, g * 2.0)
    return w


def nested_helper(w, lr):
    def shrink(v):
        v -= lr * v
    shrink(w)
    shrink(w)
    return w


def methods(w, g):
    opt = SGD(0.5)
    opt.step(w, g)
    SGD.damp(w, 0.5)
    return w


def in_a_traced_if(w, lr):
    decay_(w, lr)
    if w.sum() > 1.0:
        decay_(w, lr)
    return w


def in_a_traced_while(w, lr):
    n = 0
    while w.sum() > 1.0:
        decay_(w, 0.5)
        n += 1
    return w, n


def through_an_alias(w, lr):
    v = w
    step_(w, lr)
    return v


def clip_(w, t):
    if w.sum() > t:
        w *= 0.5


def traced_if_inside_helper(w, t):
    clip_(w, t)
    return w


@pytest.mark.parametrize("function, args", [
    (call_statement, ([1.0, 2.0], 0.1)),
    (keywords, ([1.0, 2.0], 0.1)),
    (two_calls_and_operators, ([1.0, 2.0], [0.5, -0.5])),
    (nested_helper, ([1.0, 2.0], 0.1)),
    (methods, ([1.0, 2.0], [1.0, -1.0])),
    (in_a_traced_if, ([1.0, 2.0], 0.1)),
    (in_a_traced_if, ([0.1, 0.2], 0.1)),
    (in_a_traced_while, ([3.0, 5.0], 0.0)),
    (through_an_alias, ([1.0, 2.0], 0.5)),
    (traced_if_inside_helper, ([1.0, 2.0], 1.0)),
    (traced_if_inside_helper, ([1.0, 2.0], 10.0)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_parameter_updated_by_name_changes_the_callers_array(function, args):
    numpy_args = [np.array(a) if isinstance(a, list) else a for a in args]
    expected = function(*copy.deepcopy(numpy_args))
    got = py2lax.autograph_jit(function)(
        *[jnp.array(a) if isinstance(a, list) else a for a in args])
    for want, have in zip(_items(expected), _items(got)):
        np.testing.assert_allclose(np.asarray(have), np.asarray(want), rtol=1e-5)
    # on NumPy values the converted function is the original, the argument changed alike
    given, converted_args = copy.deepcopy(numpy_args), copy.deepcopy(numpy_args)
    function(*given)
    plain = py2lax.convert(function)(*converted_args)
    for want, have in zip(_items(expected), _items(plain)):
        np.testing.assert_array_equal(np.asarray(have), np.asarray(want))
    np.testing.assert_array_equal(converted_args[0], given[0])


def _items(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def array_made_with_jnp(x, lr):
    w = jnp.ones(2) * x
    decay_(w, lr)      # Python: `*=` on a JAX array rebinds the helper's `w` only
    return w


def numbers_and_lists(x):
    def inc(n, k):
        n += k          # a number: rebound, the caller's stays
        return n

    def grow(xs, v):
        xs += [v]       # a list: extended in place

    n = x * 2.0
    m = inc(n, 1.0)
    xs = [x]
    grow(xs, m)
    return n, m, xs[0] + xs[1], len(xs)


def test_python_rebinds_numbers_and_jnp_arrays_and_extends_lists():
    expected = array_made_with_jnp(2.0, 0.5)
    np.testing.assert_allclose(py2lax.autograph_jit(array_made_with_jnp)(2.0, 0.5), expected)
    np.testing.assert_allclose(py2lax.convert(array_made_with_jnp)(2.0, 0.5), expected)
    expected = numbers_and_lists(1.5)
    got = py2lax.autograph_jit(numbers_and_lists)(1.5)
    for want, have in zip(expected, got):
        np.testing.assert_allclose(np.asarray(have), want)
    assert py2lax.convert(numbers_and_lists)(1.5) == expected


GLOBAL_WEIGHTS = np.array([1.0, 2.0])


def into_a_global(x):
    damp(GLOBAL_WEIGHTS, x)
    return GLOBAL_WEIGHTS * 1.0


def test_a_global_array_given_a_traced_update_is_refused_at_the_helpers_line():
    """NumPy changes the global; a compiled function cannot (was: silently unchanged)."""
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(into_a_global)(0.5)
    assert caught.value.location.filename == __file__
    assert "damp" in str(caught.value)


MODULE = textwrap.dedent("""
    import numpy as np

    def decay_(w, lr):
        w *= (1.0 - lr)

    def run(w, lr):
        decay_(w, lr)
        if w.sum() > 1.0:
            decay_(w, lr)
        return w
""")


def test_the_printed_module_writes_the_update_back_and_standalone_keeps_python():
    original: dict = {}
    exec(compile(MODULE, "program.py", "exec"), original)
    expected = original["run"](np.array([1.0, 2.0]), 0.1)
    namespace: dict = {}
    exec(compile(py2lax.transpile(MODULE, "program.py", all_functions=True), "program.py",
                 "exec"), namespace)
    got = jax.jit(namespace["run"])(jnp.array([1.0, 2.0]), 0.1)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)
    printed = py2lax.transpile(MODULE, "program.py", all_functions=True, standalone=True)
    assert "py2lax." not in printed and "import py2lax" not in printed
    assert "w *= (1.0 - lr)" in printed  # (today's standalone form: Python's statement)


# -- a helper writing into a row the caller passes as m[i] (NumPy's view) -------------


def bump(row, k):
    row[k] += 1.0


def scale_row(r, s):
    r *= s


def swap(row, i, j):
    row[i], row[j] = row[j], row[i]


class Acc:
    def add(self, row, v):
        row += v


def rows_under_a_traced_if(m, t):
    for i in range(m.shape[0]):
        if m[i].sum() > t:
            bump(m[i], 0)
    return m


def slices_columns_and_keywords(m, t):
    bump(m[1:], 0)
    scale_row(m[:, 1], t)
    bump(k=1, row=m[0])
    Acc().add(m[2, :], t)
    return m


def swaps_in_rows(m, t):
    for r in range(m.shape[0]):
        if m[r, 0] > m[r, 1]:
            swap(m[r], 0, 1)
    return m


def at_a_traced_index(m, t):
    i = (t > 1.0) * 1
    bump(m[i], 0)
    s = m.sum()
    return m, s


def a_copy_is_left_alone(m, t):
    bump(m[[0, 1]], 0)     # advanced indexing: NumPy's copy; m does not change
    return m


ROWS = [[2.0, 1.0], [3.0, 4.0], [6.0, 5.0]]


@pytest.mark.parametrize("function", [rows_under_a_traced_if, slices_columns_and_keywords,
                                      swaps_in_rows, at_a_traced_index,
                                      a_copy_is_left_alone],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("t", [2.0, 8.0])
def test_a_row_given_to_a_helper_is_numpys_view(function, t):
    expected = function(np.array(ROWS), t)
    got = py2lax.autograph_jit(function)(jnp.array(ROWS), t)
    for want, have in zip(_items(expected), _items(got)):
        np.testing.assert_allclose(np.asarray(have), np.asarray(want), rtol=1e-6)
    plain = py2lax.convert(function)(np.array(ROWS), t)
    for want, have in zip(_items(expected), _items(plain)):
        np.testing.assert_array_equal(np.asarray(have), np.asarray(want))


# -- a helper returning None on one path, its caller testing `r is None` ----------------


def first_neg(v):
    for i in range(v.shape[0]):
        if v[i] < 0:
            return i
    return None


def checks_result(v):
    r = first_neg(v)
    return -1 if r is None else r


def used_result(v):
    r = first_neg(v)
    s = r                    # read otherwise: the helper's None stays refused
    return -1 if s is None else s


def test_a_result_only_tested_for_none_is_marked_for_the_runtime():
    """The caller's `r is None` on a helper's result is the runtime's test (on Python
    values the same), and the call says the caller only tests it (the helper may then
    return None or a value as a traced condition chooses)."""
    source = py2lax.to_source(checks_result)
    assert "py2lax.converted(first_neg, result_tested=True)(v)" in source
    assert "py2lax.is_none(r)" in source and "py2lax.present(r)" in source
    assert "result_tested" not in py2lax.to_source(used_result)
    for values in ([1.0, -1.0], [1.0, 2.0]):
        assert py2lax.convert(checks_result)(np.array(values)) == checks_result(
            np.array(values))


def jnp_array_in_a_list(x):
    ws = [jnp.ones(2) * x]
    decay_(ws[0], 0.5)    # Python: `*=` on the JAX array rebinds the helper's name only
    return ws[0]


def row_of_a_jnp_array(x):
    m = jnp.ones((2, 2)) * x
    scale_row(m[0], 3.0)  # a JAX array's row is a copy: m does not change
    return m


@pytest.mark.parametrize("function", [jnp_array_in_a_list, row_of_a_jnp_array],
                         ids=lambda f: f.__name__)
def test_an_item_or_row_of_a_jnp_array_is_refused_not_written_back(function):
    """Whether an item holds NumPy's array (changed in place) or a JAX array (whose `*=`
    rebinds) is not known where the call is: refused at the helper's line, never the
    NumPy answer for a JAX array."""
    with pytest.raises(py2lax.InPlaceArgumentError) as caught:
        py2lax.autograph_jit(function)(2.0)
    assert caught.value.location.filename == __file__
# (to append to tests/test_helpers_changing_arguments.py with runtime_conditionals_result_tested.patch)


class Finder:
    def __init__(self, v):
        self.v = v

    def first_neg(self):
        for i in range(self.v.shape[0]):
            if self.v[i] < 0:
                return i
        return None


def safe_div(a, b):
    if b == 0:
        return None
    return a / b


def method_result(v):
    fd = Finder(v)
    r = fd.first_neg()
    if r is None:
        return -1
    return r


def none_tested_directly(v):
    return first_neg(v) is None


def checked_then_read(v):
    r = first_neg(v)
    total = 0.0
    if r is not None:
        total = v[r] * 2.0
    q = safe_div(total, v[0])
    if q is None:
        q = 0.0
    return total, q


def in_a_traced_loop(v):
    count = 0
    for row in v.reshape(-1, 2):
        r = first_neg(row)
        if r is not None:
            count += r + 1
    return count


@pytest.mark.parametrize("function", [checks_result, method_result, none_tested_directly,
                                      checked_then_read, in_a_traced_loop],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("values", [[1.0, -1.0, 0.0, 2.0], [1.0, 2.0, -3.0, -1.0],
                                    [0.0, 2.0, 3.0, 1.0]])
def test_a_helper_returning_none_on_one_path_to_a_caller_testing_it(function, values):
    expected = function(np.array(values))
    got = py2lax.autograph_jit(function)(jnp.array(values))
    for want, have in zip(_items(expected), _items(got)):
        np.testing.assert_allclose(np.asarray(have), np.asarray(want), rtol=1e-6)


def test_a_result_read_otherwise_stays_a_located_error():
    with pytest.raises(py2lax.CarryTypeError) as caught:
        py2lax.autograph_jit(used_result)(jnp.array([1.0, 2.0]))
    assert caught.value.location.filename == __file__


def test_the_outermost_function_returning_none_on_one_path_stays_a_located_error():
    with pytest.raises(py2lax.ConversionError) as caught:
        py2lax.autograph_jit(first_neg)(jnp.array([1.0, 2.0]))
    assert caught.value.location.filename == __file__
