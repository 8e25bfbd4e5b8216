"""A list grown until a traced ``break`` whose items before the loop are arrays other
variables hold too (``out = [x]``, ``y = x``), or whose first iteration ran apart as
Python (``out = []`` and nothing traced carried yet). The loop is a scan whose steps
append; the bookkeeping of which variables share an array looked inside the appended
list, which cannot be read, and the loop fell back to Python's loop and was refused
("1 items where the loop has stopped early but 2 where it runs one more iteration")."""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax


def collected_from_empty(x, k):
    out = []
    for i in range(8):
        out.append(x * i)
        if i >= k:
            break
    return sum(out), len(out)


def collected_after_a_shared_item(x, k):
    out = [x]
    y = x
    for i in range(8):
        y = y * 1.0 + 0.5
        out.append(x * i)
        if i >= k:
            break
    return sum(out), len(out), y


@pytest.mark.parametrize("function", [collected_from_empty, collected_after_a_shared_item])
@pytest.mark.parametrize("k", [0, 2, 20])
def test_list_grown_until_a_traced_break_matches_python(function, k):
    expected = function(1.5, k)
    actual = py2lax.autograph_jit(function)(jnp.float32(1.5), jnp.int32(k))
    assert [float(a) for a in actual] == pytest.approx([float(e) for e in expected])
