"""A loop whose ``else`` always returns, with no ``break`` of its own, ends every path
(finder8, s102).

``for i in range(3): if a[i] == t: return i`` then ``else: return -1``: Python never
reaches the end of the function, but the exits analysis took the loop for a statement
that may fall through, so a ``return None`` was added after it and the function was
refused with InconsistentReturnError ("returns None on the path that falls off the
end"). ``always_exits`` now counts a ``for``/``while`` whose ``else`` always leaves and
whose body has no ``break`` of that loop.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def find_else_return(a, t):
    for i in range(a.shape[0]):
        if a[i] == t:
            return i
    else:
        return -1


def nested_for_else(m, t):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] == t:
                break
        else:
            continue
        return i * 10 + j
    else:
        return -1


def while_else_return(x):
    k = 0
    while x > 1:
        x = x // 2
        k += 1
        if k > 10:
            return -k
    else:
        return k


def for_else_raise(a, t):
    for v in a:
        if v == t:
            return v * 2
    else:
        raise ValueError("not found")


def break_then_else_return(a, t):
    # a `break` of this loop can skip the `else`: the function then returns None
    for v in a:
        if v == t:
            break
    else:
        return 1
    return 0


A = np.array([1, 2, 3, 4])
M = np.array([[1, 2], [3, 4], [5, 6]])


@pytest.mark.parametrize("fn, args", [
    (find_else_return, (A, 3)),
    (find_else_return, (A, 9)),
    (nested_for_else, (M, 4)),
    (nested_for_else, (M, 9)),
    (while_else_return, (40,)),
    (while_else_return, (1,)),
    (for_else_raise, (A, 2)),
    (break_then_else_return, (A, 2)),
    (break_then_else_return, (A, 7)),
])
def test_matches_python(fn, args):
    expected = fn(*args)
    assert int(py2lax.autograph_jit(fn)(*args)) == expected
    assert int(py2lax.convert(fn)(*args)) == expected
