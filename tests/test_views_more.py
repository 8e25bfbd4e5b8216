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
