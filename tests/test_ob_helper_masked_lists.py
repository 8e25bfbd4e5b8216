"""A list a traced ``if`` resized, given to a helper or copied: the helper's ``len``,
``sum``, ``list``, ``for ... in enumerate(...)`` read the caller's masked list as the
caller's own code does (they were refused with ValueDependentShapeError), and a copy is
its own list, as in Python."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def count(xs):
    return len(xs)


def weighted(xs):
    s = 0.0
    for i, v in enumerate(xs):
        s = s + i * v
    return s


def copy_sum(xs):
    ys = list(xs)
    return sum(ys)


def mean(xs):
    if len(xs) == 0:
        return 0.0
    return sum(xs) / len(xs)


def first_above(xs, t):
    for i, v in enumerate(xs):
        if v > t:
            return i
    return -1


def helper_len(x):
    xs = [1.0]
    if x > 0:
        xs.append(x)
    return count(xs) * 10 + weighted(xs) + copy_sum(xs) + mean(xs)


def helper_in_loop(x):
    xs = []
    for i in range(3):
        if x > i:
            xs.append(x - i)
    return count(xs) + mean(xs) + first_above(xs, 0.7)


def caller_copies(x):
    xs = [1.0]
    if x > 0:
        xs.append(x)
    ys = list(xs)
    ys.append(3.0)
    zs = xs.copy()
    zs.append(4.0)
    return len(xs) * 100 + len(ys) * 10 + len(zs) + sum(ys)


def enumerate_dict(x):
    d = {"a": 1.0}
    if x > 0:
        d["b"] = x
    d["c"] = 3.0
    s = 0.0
    for i, k in enumerate(d, 1):
        s = s + i * d[k]
    e = {"a": 1.0}
    if x > 1:
        e["b"] = x
    return s + len(list(e)) * 10


def items_sum(d):
    s = 0.0
    for k, v in d.items():
        s = s + v
    return s + len(list(d.keys())) * 10 + len(d.copy()) * 100


def dict_views(x):
    d = {"a": x}
    if x > 0:
        d["b"] = x * 2
    s = 0.0
    for k in d.keys():
        s = s + d[k]
    return items_sum(d) + s


@pytest.mark.parametrize("program", [helper_len, helper_in_loop, caller_copies,
                                     enumerate_dict, dict_views])
@pytest.mark.parametrize("x", [1.5, -1.5, 2.5])
def test_matches_python(program, x):
    expected = program(np.float32(x))
    np.testing.assert_allclose(py2lax.autograph_jit(program)(jnp.float32(x)), expected,
                               rtol=1e-6)
    assert py2lax.convert(program)(x) == program(x)  # Python values: Python's answer


def listed_gap(x):
    d = {"a": 1.0}
    if x > 0:
        d["b"] = x
    d["c"] = 3.0
    return len(list(d))


def test_a_list_of_keys_with_a_gap_is_refused_at_the_line():
    # ['a', 'b', 'c'] or ['a', 'c']: which key is second is known only at run time
    with pytest.raises(py2lax.ValueDependentShapeError, match=r"test_ob_helper_masked_lists"
                       r"\.py:\d+: dict 'd' .*`list\(\)` of it"):
        py2lax.autograph_jit(listed_gap)(jnp.float32(1.0))
