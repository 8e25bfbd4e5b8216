"""Lists that grow on some iterations of a compiled loop (issue 13): ``if v[i] > 0:
out.append(v[i])`` in a loop of static length. It was refused (the list had one item more
in the traced `if`'s true branch). Now the loop is a scan whose steps append masked slots
(``runtime/list_growth``, ``runtime/append_only``), and the list is a masked list after the
loop: ``len``, ``sum``, ``max``/``min``, ``out[-1]``, ``out[k]``, ``in`` and a ``for`` over
it give Python's answers under ``jax.jit``; returning it is a located error. On Python
values the converted function is Python's. The oracle is the original function on NumPy
inputs.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError

INPUTS = [np.array([1.0, -2.0, 3.0, 0.5, -1.0, 2.5]), np.array([-1.0, -2.0, -0.5, -3.0]),
          np.array([0.3, 2.0, -0.7, 4.0, 0.9, -1.5, 2.2, 3.1])]


def filter_sum_len(v):
    out = []
    for i in range(v.shape[0]):
        if v[i] > 0:
            out.append(v[i])
    return sum(out), len(out)


def scaled_items(v):
    out = []
    for x in v:
        if x > 0.5:
            out.append(x * 2.0)
    return len(out), sum(out)


def peak_indices(v):
    idx = []
    for i in range(1, v.shape[0] - 1):
        if v[i] > v[i - 1] and v[i] > v[i + 1]:
            idx.append(i)
    return len(idx), idx[-1] if len(idx) > 0 else -1


def largest_positive(v):
    big = []
    for x in v:
        if x > 0.0:
            big.append(x)
    return max(big, default=-1.0)


def extremes_with_a_start(v):
    big = [-100.0]
    for x in v:
        if x > 0.0:
            big.append(x)
    return max(big), min(big), big[0], big[-1]


def several_appends(v):
    out = []
    for x in v:
        out.append(x)
        if x > 0:
            out.append(x * 10.0)
            out.append(x * 100.0)
    return len(out), sum(out), out[-1]


def iterated_after(v):
    out = []
    for x in v:
        if x > 0:
            out.append(x)
    total = 0.0
    for y in out:
        total = total + y * y
    return total


def running_record(v):
    best = -1e9
    history = []
    for x in v:
        if x > best:
            best = x
            history.append(best)
    return len(history), history[-1]


def appended_after_the_break(v):
    seen = []
    for x in v:
        if x > 2.5:
            break
        seen.append(x)
    return len(seen), sum(seen)


def appended_after_the_break_if_positive(v):
    seen = []
    for x in v:
        if x > 2.5:
            break
        if x > 0.0:
            seen.append(x)
    return len(seen), sum(seen)


def mean_of_positive(v):
    pos = []
    for x in v:
        if x > 0:
            pos.append(x)
    if len(pos) == 0:
        return 0.0
    return sum(pos) / len(pos)


def index_found(v):
    idx = []
    for i in range(v.shape[0]):
        if v[i] > 0.0:
            idx.append(i)
    return 3 in idx, sum(idx)


def negatives_before_a_large_value(v):
    found = []
    for i in range(v.shape[0]):
        if v[i] > 3.5:
            break
        if v[i] < 0.0:
            found.append(i)
    return len(found)


def positive_pairs(v):
    ps = []
    for i in range(v.shape[0]):
        if v[i] > 0:
            ps.append((i, v[i]))
    total = 0.0
    for i, x in ps:
        total = total + i * x
    return len(ps), total


def last_pair(v):
    ps = []
    for i in range(v.shape[0]):
        if v[i] > 0:
            ps.append((i, v[i]))
    if len(ps) == 0:
        return -1, 0.0
    i, x = ps[-1]
    return i, x


def extended_when_positive(v):
    out = []
    for x in v:
        if x > 0:
            out.extend([x, x + 1.0])
    return len(out), sum(out), any(out)


def products_above_one(v):
    out = []
    for i in range(v.shape[0]):
        for j in range(v.shape[0]):
            if v[i] + v[j] > 1.0:
                out.append(v[i] * v[j])
    return len(out), sum(out)


def gaps_to_larger_values(v):
    out = []
    for i in range(v.shape[0]):
        out.append(-1.0)
        for j in range(v.shape[0]):
            if v[j] > v[i]:
                out.append(v[j] - v[i])
    return len(out), sum(out), max(out)


def multiples_of_positive(v):
    out = []
    for i in range(v.shape[0]):
        if v[i] > 0:
            for j in range(4):
                out.append(v[i] * j)
    return len(out), sum(out)


def _close(expected, actual):
    expected, actual = jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(actual)
    return len(expected) == len(actual) and all(
        np.allclose(np.asarray(e, np.float64), np.asarray(a, np.float64), rtol=1e-5,
                    atol=1e-5) for e, a in zip(expected, actual))


@pytest.mark.parametrize("function", [
    filter_sum_len, scaled_items, peak_indices, largest_positive, extremes_with_a_start,
    several_appends, iterated_after, running_record, appended_after_the_break,
    appended_after_the_break_if_positive, mean_of_positive, index_found,
    negatives_before_a_large_value, positive_pairs, last_pair, extended_when_positive,
    products_above_one, gaps_to_larger_values, multiples_of_positive])
@pytest.mark.parametrize("v", INPUTS, ids=["mixed", "negative", "longer"])
def test_python_answer_under_jit_and_on_python_values(function, v):
    expected = function(v)
    assert _close(expected, py2lax.convert(function)(v))
    assert _close(expected, py2lax.autograph_jit(function)(jnp.asarray(v, jnp.float32))), (
        function.__name__, expected)


def second_positive(v):
    out = []
    for x in v:
        if x > 0:
            out.append(x)
    return out[1]


def test_an_item_python_does_not_have_raises_python_error_when_run():
    v = np.array([1.0, -2.0, 3.0, -1.0])
    assert second_positive(v) == 3.0
    assert float(py2lax.autograph_jit(second_positive)(jnp.asarray(v, jnp.float32))) == 3.0
    with pytest.raises(Exception, match="IndexError|list index out of range"):
        jax.block_until_ready(py2lax.autograph_jit(second_positive)(
            jnp.array([1.0, -2.0, -3.0])))


def returns_the_filtered_list(v):
    out = []
    for x in v:
        if x > 0:
            out.append(x)
    return out


def test_returning_the_list_itself_is_a_located_error():
    assert returns_the_filtered_list(np.array([1.0, -1.0])) == [1.0]
    with pytest.raises(ConversionError, match="'out'"):
        py2lax.autograph_jit(returns_the_filtered_list)(jnp.array([1.0, -1.0, 2.0, 3.0]))


def test_a_long_loop_is_one_scan_not_unrolled():
    """1,000 iterations: the loop is one scan; compiling takes seconds, not minutes."""
    v = np.random.default_rng(1).normal(size=1000)
    jaxpr = jax.make_jaxpr(py2lax.convert(filter_sum_len))(jnp.asarray(v, jnp.float32))
    assert sum(e.primitive.name == "scan" for e in jaxpr.jaxpr.eqns) == 1
    assert sum(e.primitive.name == "cond" for e in jaxpr.jaxpr.eqns) == 0  # all in the scan
    assert len(jaxpr.jaxpr.eqns) < 100  # len and sum: one array operation, not one per item
    for function in (several_appends, iterated_after, largest_positive):
        jaxpr = jax.make_jaxpr(py2lax.convert(function))(jnp.asarray(v, jnp.float32))
        assert len(jaxpr.jaxpr.eqns) < 100, function.__name__
    start = time.perf_counter()
    actual = py2lax.autograph_jit(filter_sum_len)(jnp.asarray(v, jnp.float32))
    assert time.perf_counter() - start < 60
    assert _close(filter_sum_len(v), actual)
