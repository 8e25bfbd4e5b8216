"""A JAX error raised by a ``for`` statement's iterable is restated at the user's line
(finder8, s137).

``for v in a[lo:hi]:`` with traced bounds gave JAX's raw ``IndexError: Slice entries
must be static integers``: the failing line is a ``for`` header, which did not parse on
its own, so py2lax could not name the construct. The same slice in an expression
(``a[lo:hi].sum()``) was already a located ValueDependentShapeError; now the header is
parsed with a body added and gets the same error.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def sum_traced_slice(a, lo, hi):
    s = 0.0
    for v in a[lo:hi]:
        s += v
    return s


def enumerate_prefix(a, k):
    best = -1
    for i, v in enumerate(a[:k]):
        if v > 2.0:
            best = i
    return best


def rows_from(m, k):
    total = 0.0
    for row in m[k:]:
        total += row.sum()
    return total


@pytest.mark.parametrize("fn, args", [
    (sum_traced_slice, (np.arange(5.0), 1, 3)),
    (enumerate_prefix, (np.arange(5.0), 4)),
    (rows_from, (np.ones((3, 2)), 1)),
])
def test_traced_slice_in_for_header_is_located(fn, args):
    with pytest.raises(py2lax.ValueDependentShapeError) as info:
        py2lax.autograph_jit(fn)(*args)
    assert "test_finder8_for_header_errors.py" in str(info.value)
    assert "traced bound" in str(info.value)


def test_static_bounds_keep_python():
    f = py2lax.autograph_jit(sum_traced_slice, static_argnums=(1, 2))
    assert float(f(np.arange(5.0), 1, 3)) == sum_traced_slice(np.arange(5.0), 1, 3)
