"""``--standalone`` output read again gives the same output (the CLI's safety check
refuses to write a file otherwise), and it still computes what Python computes.

Each program here once made a second run change the text: a statement the first run
printed in a form the second run read differently.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import transpile
from test_standalone_builtins import standalone_agrees

# The outer loop's body starts with the user's own `p = k`: the loop, kept as Python,
# must keep `for k in ...` and that statement (it was printed as `for p in range(n)`,
# dropping `p = k`, as if it were py2lax's unpacking of a carried loop variable).
GAUSS_WITH_PIVOTING = """
import numpy as np

def solve(A, b):
    A = A.copy(); b = b.copy()
    n = A.shape[0]
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(A[i, k]) > abs(A[p, k]):
                p = i
        if p != k:
            A[[k, p]] = A[[p, k]]
            b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            fac = A[i, k] / A[k, k]
            A[i, k:] = A[i, k:] - fac * A[k, k:]
            b[i] = b[i] - fac * b[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]
    return x
"""

# `v[i] = 0` on a parameter the caller must see changed: the first run prints Python's
# statement beside `.at` (`if isinstance(v, jax.Array): ... else: v[i] = 0`), which the
# second run must read as the same in-place update of `v`.
CLAMP_IN_PLACE = """
def clamp_negative(v):
    for i in range(v.shape[0]):
        if v[i] < 0:
            v[i] = 0
    return v.sum()
"""


def test_a_loop_whose_body_starts_by_copying_its_variable_keeps_both():
    A = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 1.0], [0.0, 1.0, 4.0]])
    text = standalone_agrees(GAUSS_WITH_PIVOTING, "solve", (A, np.array([1.0, 2.0, 3.0])))
    assert "for k in range(n):" in text and "p = k" in text


def test_an_in_place_update_of_a_parameter_reads_the_same_on_a_second_run():
    text = transpile(CLAMP_IN_PLACE, "clamp.py", all_functions=True, standalone=True)
    assert transpile(text, "clamp.py", all_functions=True, standalone=True) == text
    python: dict = {}
    converted: dict = {}
    exec(compile(textwrap.dedent(CLAMP_IN_PLACE), "clamp.py", "exec"), python)
    exec(compile(text, "clamp_standalone.py", "exec"), converted)
    mine, theirs = np.array([1.0, -3.0, 2.0]), np.array([1.0, -3.0, 2.0])
    assert converted["clamp_negative"](mine) == python["clamp_negative"](theirs)
    np.testing.assert_array_equal(mine, theirs)  # the caller's array changed in place


# A swap through a temporary: `t = a[j]` is a scalar for a 1-D `a` (a copy in NumPy and
# JAX alike), so the output is plain `.at` code; for a 2-D `a` NumPy's `t` would be a
# view that the next write changes, which JAX's copy is not: the output stops at trace
# time with the fix, rather than the whole function staying Python.
BUBBLE_SORT_WITH_TEMPORARY = """
def bubble(a):
    a = a.copy()
    for i in range(len(a)):
        for j in range(len(a) - 1 - i):
            if a[j] > a[j + 1]:
                t = a[j]
                a[j] = a[j + 1]
                a[j + 1] = t
    return a
"""


def test_a_swap_through_a_temporary_of_a_vector_converts():
    text = standalone_agrees(BUBBLE_SORT_WITH_TEMPORARY, "bubble",
                             (np.array([5.0, 2.0, 9.0, 1.0, 7.0]),))
    assert "left as Python" not in text


ROWS_SORTED_WITH_TEMPORARY = """
def by_first_column(a):
    a = a.copy()
    for j in range(a.shape[0] - 1):
        if a[j, 0] > a[j + 1, 0]:
            t = a[j]
            a[j] = a[j + 1]
            a[j + 1] = t
    return a
"""


def test_a_swap_of_rows_through_a_temporary_stops_with_the_fix():
    text = transpile(ROWS_SORTED_WITH_TEMPORARY, "rows.py", all_functions=True,
                     standalone=True)
    namespace: dict = {}
    exec(compile(text, "rows_standalone.py", "exec"), namespace)
    with pytest.raises(TypeError, match=r"rows.py:6: `t` is a row of `a`.*t = a\[...\].copy\(\)"):
        jax.jit(namespace["by_first_column"])(np.array([[3.0, 1.0], [1.0, 2.0]]))


# A column of a NumPy array the function makes: a NumPy view too; the traced write makes
# `M` a new JAX array, which the NumPy `col` would not show (a silent 0.0).
COLUMN_OF_A_NUMPY_ARRAY = """
import numpy as np

def column_total(x):
    M = np.zeros((2, 2))
    col = M[:, 1]
    for i in range(2):
        if x > i:
            M[i, 1] = x + i
    return col.sum()
"""


def test_a_numpy_column_that_a_traced_write_would_miss_stops_with_the_fix():
    text = transpile(COLUMN_OF_A_NUMPY_ARRAY, "column.py", all_functions=True,
                     standalone=True)
    assert transpile(text, "column.py", all_functions=True, standalone=True) == text
    namespace: dict = {}
    exec(compile(text, "column_standalone.py", "exec"), namespace)
    with pytest.raises(TypeError, match=r"column.py:6: `col` is a row of `M`"):
        jax.jit(namespace["column_total"])(np.float32(2.0))


# finder7 q003: `for k in range(60)` after an early `return` (the rest of the function is
# the `else` of that `if`): the first run kept the outer `if` as Python (`k` may be
# unbound when it starts: the `else` passes it to the loop), and wrote the loop's own
# placeholder for `k` inside it, which the second run read as a binding and converted
# the `if` (the CLI's "a second run would change the rewritten text again"). The `if`
# is converted at once, with the placeholder before it.
BISECTION_EARLY_RETURN = """
def f(lo, hi):
    if lo > hi:
        return -1.0, 0
    for k in range(60):
        if lo == 0:
            return lo, k
        lo = lo / 2
    return lo, k
"""


@pytest.mark.parametrize("args", [(1.0, 2.0), (3.0, 2.0), (0.0, 1.0)])
def test_an_if_passing_an_unbound_name_to_a_loop_that_starts_it_converts_once(args):
    text = transpile(BISECTION_EARLY_RETURN, "program.py", all_functions=True,
                     standalone=True)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text
    assert "jax.lax.cond(lo > hi" in text
    python, plain = {}, {}
    exec(BISECTION_EARLY_RETURN, python)
    exec(text, plain)
    expected = python["f"](*args)
    got = jax.jit(plain["f"])(*(np.float32(a) for a in args))
    assert [float(v) for v in got] == [float(v) for v in expected]
