"""A read at a position inside a ``try`` that catches ``IndexError`` (finder8, s071).

``try: nxt = a[i + 1] except IndexError: nxt = 0`` runs the handler in Python when the
position is past the end. JAX never raises for an index: it clamps the position (a
traced one, and a Python integer too), so the converted code silently read the last
item instead (36 instead of 20). Now, in the body of a ``try`` whose handlers name
``IndexError``, ``LookupError``, ``Exception`` or ``BaseException`` (or a bare
``except:``, or ``contextlib.suppress(IndexError)``), a read or a write at a traced
position is refused at the user's line (``TracedValueError``), and one of a JAX array at
a Python position outside the axis raises Python's IndexError, so the handler runs as
in Python.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import py2lax


def pair_products_traced_n(a, n):
    total = 0
    for i in range(n):
        try:
            nxt = a[i + 1]
        except IndexError:
            nxt = 0
        total += a[i] * nxt
    return total


def pair_products_static(a):
    total = 0
    for i in range(len(a)):
        try:
            nxt = a[i + 1]
        except IndexError:
            nxt = 0
        total += a[i] * nxt
    return total


def read_until_index_error(xs):
    k = 0
    total = 0.0
    while True:
        try:
            v = xs[k]
        except IndexError:
            break
        total += v
        k += 1
    return total, k


def lookup_table_traced(i):
    table = [1.5, 2.5, 3.5]
    try:
        return table[i]
    except LookupError:
        return -1.0


def neighbour_sum(grid):
    out = np.zeros(grid.shape)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            s = 0.0
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                try:
                    s += grid[i + di, j + dj]
                except IndexError:
                    s += 100.0
            out[i, j] = s
    return out


def suppress_traced(a, i):
    v = -1
    with contextlib.suppress(IndexError):
        v = a[i]
    return v


def except_exception_traced(a, n):
    total = 0
    for i in range(n):
        try:
            total += a[i] * a[i + 2]
        except Exception:
            total -= 1
    return total


def bare_except_traced(a, i):
    try:
        return a[i]
    except:  # noqa: E722
        return -1


def store_traced(n):
    out = np.zeros(3)
    lost = 0
    for i in range(n):
        try:
            out[i] = i + 1.0
        except IndexError:
            lost += 1
    return out, lost


def store_static_after_traced_write(x):
    out = np.zeros(3)
    lost = 0
    for i in range(5):
        try:
            out[i] = x * i
        except IndexError:
            lost += 1
    return out, lost


def except_exception_static_in_range(a):
    total = 0
    for i in range(len(a)):
        try:
            total += a[i] * 2
        except Exception:
            total = -100
    return total


A = np.array([1, 2, 3, 4])
G = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("fn, args", [
    (pair_products_static, (A,)),
    (read_until_index_error, (np.array([1.0, 2.0, 3.0]),)),
    (neighbour_sum, (G,)),
    (store_static_after_traced_write, (2.0,)),
    (except_exception_static_in_range, (A,)),
], ids=["static", "read_until", "neighbours", "store_static", "exception_in_range"])
def test_python_position_out_of_range_runs_the_handler(fn, args):
    expected = fn(*args)
    got = py2lax.autograph_jit(fn)(*args)
    for e, g in zip(np.atleast_1d(np.asarray(expected, dtype=object)),
                    np.atleast_1d(np.asarray(got, dtype=object))):
        assert np.allclose(np.asarray(g, dtype=float), np.asarray(e, dtype=float))
    eager = py2lax.convert(fn)(*args)
    for e, g in zip(np.atleast_1d(np.asarray(expected, dtype=object)),
                    np.atleast_1d(np.asarray(eager, dtype=object))):
        assert np.allclose(np.asarray(g, dtype=float), np.asarray(e, dtype=float))


@pytest.mark.parametrize("fn, args", [
    (pair_products_traced_n, (A, 4)),
    (lookup_table_traced, (5,)),
    (suppress_traced, (A, 7)),
    (except_exception_traced, (A, 4)),
    (bare_except_traced, (A, 9)),
    (store_traced, (5,)),
], ids=["traced_n", "list_lookup", "suppress", "except_exception", "bare_except", "store"])
def test_traced_position_is_refused_at_the_read(fn, args):
    with pytest.raises(py2lax.TracedValueError) as info:
        py2lax.autograph_jit(fn)(*args)
    assert "test_finder8_caught_index.py" in str(info.value)
    assert "IndexError" in str(info.value)


def test_traced_position_on_python_values_keeps_python():
    assert py2lax.convert(pair_products_traced_n)(A, 4) == 20
    assert py2lax.convert(lookup_table_traced)(5) == -1.0
