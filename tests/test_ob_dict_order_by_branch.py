"""A traced ``if`` whose branches insert the same keys in different orders: Python's
dict is the same set of keys either way, so reads by key, ``len``, ``in``, sums and a
returned dict match Python (they were refused with CarryTypeError); only what reads the
order (iterating it, ``list(d)``) is refused, at that line, naming the order's cause."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def by_key(x):
    d = {}
    if x > 0:
        d["a"] = x
        d["b"] = 2.0
    else:
        d["b"] = 3.0
        d["a"] = 4.0
    return d["a"] * 10 + d["b"] + len(d) + ("a" in d) + sum(d.values())


def in_a_loop_then_updated(x):
    d = {"c": 0.0}
    for i in range(3):
        if x > i:
            d["a"] = x
            d["b"] = 1.0
        else:
            d["b"] = 2.0
            d["a"] = 3.0
    d["a"] = d["a"] + 1
    d["z"] = 5.0
    return d["a"] - d["b"] + d["z"] + len(d)


def in_a_compiled_loop(x):
    s = 0.0
    for i in range(20):  # (a compiled loop: more steps than py2lax unrolls)
        d = {}
        if x > i * 0.1:
            d["a"] = x
            d["b"] = 1.0
        else:
            d["b"] = 2.0
            d["a"] = 3.0
        s = s + d["a"] * d["b"]
    return s


def returned(x):
    d = {}
    if x > 0:
        d["a"] = x
        d["b"] = 2.0
    else:
        d["b"] = 3.0
        d["a"] = 4.0
    return d


def iterated(x):
    d = {}
    if x > 0:
        d["a"] = 1.0
        d["b"] = 2.0
    else:
        d["b"] = 3.0
        d["a"] = 4.0
    s = 0.0
    for k in d:
        s = s * 10 + d[k]
    return s


@pytest.mark.parametrize("program", [by_key, in_a_loop_then_updated, in_a_compiled_loop])
@pytest.mark.parametrize("x", [1.5, -1.5, 2.5])
def test_order_free_reads_match_python(program, x):
    np.testing.assert_allclose(py2lax.autograph_jit(program)(jnp.float32(x)),
                               program(np.float32(x)), rtol=1e-6)
    assert py2lax.convert(program)(x) == program(x)


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_a_returned_dict_has_python_s_items(x):
    got = py2lax.autograph_jit(returned)(jnp.float32(x))
    assert {k: float(v) for k, v in got.items()} == returned(x)


def test_iterating_it_is_refused_where_the_order_is_read():
    with pytest.raises(py2lax.ValueDependentShapeError,
                       match=r"test_ob_dict_order_by_branch\.py:\d+: dict 'd' has its keys "
                       r"in an order that a traced `if` decided") as caught:
        py2lax.autograph_jit(iterated)(jnp.float32(1.0))
    assert "for k in d" in caught.value.location.source_line
    assert iterated(1.0) == 12.0 and py2lax.convert(iterated)(-1.0) == 34.0
