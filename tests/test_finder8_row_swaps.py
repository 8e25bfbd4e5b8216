"""A tuple assignment whose right side holds NumPy views of the array its targets write
(finder8, s072).

``M[j], M[j + 1] = M[j + 1], M[j]`` on the rows of a 2-D NumPy array does not swap them:
the right side is two views, the first write copies row ``j + 1`` into row ``j``, and
the second write copies the view of row ``j`` (which now shows row ``j + 1``) back, so
both rows end up as the old row ``j + 1``. That is Python's answer, and converted code
gave a real swap instead (a silent wrong answer, also without any traced statement).
The right side's later items are now noted as views (``py2lax.written_through(tmp,
view_of=M, index=j)``) and read again after each write, as a name holding the view
is. Numbers (``v[i], v[j] = v[j], v[i]`` on a 1-D array), advanced indexes
(``M[[i, j]]``) and ``.copy()`` stay copies, as in NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def bubble_rows_by_first_column(M):
    M = np.array(M)
    n = M.shape[0]
    for i in range(n):
        for j in range(n - 1 - i):
            if M[j, 0] > M[j + 1, 0]:
                M[j], M[j + 1] = M[j + 1], M[j]
    return M


def swap_rows_traced_index(M, j):
    M = np.array(M)
    M[j], M[j + 1] = M[j + 1], M[j]
    return M


def swap_columns(M):
    M = np.array(M)
    M[:, 0], M[:, 1] = M[:, 1], M[:, 0]
    return M


def swap_with_named_view(M):
    M = np.array(M)
    col = M[:, 0]
    M[:, 0], M[:, 1] = M[:, 1], col
    return M


def rotate_three_rows(M, x):
    M = np.array(M)
    if x > 0:
        M[0], M[1], M[2] = M[1], M[2], M[0]
    return M


def swap_overlapping_slices(v):
    v = np.array(v)
    v[0:2], v[1:3] = v[1:3], v[0:2]
    return v


def pivot_rows(A):
    A = np.array(A, dtype=float)
    for k in range(A.shape[0]):
        p = k
        for i in range(k + 1, A.shape[0]):
            if abs(A[i, k]) > abs(A[p, k]):
                p = i
        if p != k:
            A[k], A[p] = A[p], A[k]
    return A


# copies: these swap, in NumPy and converted
def swap_numbers_1d(v, i, j):
    v = np.array(v)
    if v[i] > v[j]:
        v[i], v[j] = v[j], v[i]
    return v


def swap_rows_copied(M):
    M = np.array(M)
    M[0], M[1] = M[1].copy(), M[0].copy()
    return M


def swap_rows_fancy(M):
    M = np.array(M)
    M[[0, 1]] = M[[1, 0]]
    return M


A = np.array([[3.0, 1.0], [1.0, 2.0], [2.0, 3.0]])
V = np.array([4.0, 1.0, 3.0, 2.0])

CASES = [
    (bubble_rows_by_first_column, (A,)),
    (swap_rows_traced_index, (A, 0)),
    (swap_rows_traced_index, (A, 1)),
    (swap_columns, (A,)),
    (swap_with_named_view, (A,)),
    (rotate_three_rows, (A, 1.0)),
    (rotate_three_rows, (A, -1.0)),
    (swap_overlapping_slices, (V,)),
    (pivot_rows, (np.array([[1.0, 2.0], [5.0, 1.0], [-7.0, 0.0]]),)),
    (swap_numbers_1d, (V, 0, 1)),
    (swap_numbers_1d, (V, 1, 2)),
    (swap_rows_copied, (A,)),
    (swap_rows_fancy, (A,)),
]


@pytest.mark.parametrize("fn, args", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_jit_matches_python(fn, args):
    expected = fn(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    got = py2lax.autograph_jit(fn)(*args)
    np.testing.assert_allclose(np.asarray(got), expected)


@pytest.mark.parametrize("fn, args", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_converted_on_numpy_matches_python(fn, args):
    expected = fn(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    got = py2lax.convert(fn)(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    np.testing.assert_allclose(np.asarray(got), expected)


def test_rows_are_not_swapped_as_in_numpy():
    got = py2lax.autograph_jit(swap_rows_traced_index)(A, 0)
    assert np.asarray(got).tolist() == [[1.0, 2.0], [1.0, 2.0], [2.0, 3.0]]
