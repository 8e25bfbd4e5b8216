"""A dict written at a string key that a traced condition chose.

``d["lo" if x < 0 else "hi"] = v`` and ``counts["pos" if x > 0 else "neg"] += 1``: the key
is one of a few strings (a ``StringChoice``), so each possible key gets "the new value if
it is the chosen one, else its old value", and only the entry Python writes changes.
These were refused before ("a dict key or set item needs the Python value"). A key that
may be missing, or a new value of another shape, stays refused at the user's line.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import Py2laxError, autograph_jit, convert


def ternary_key(x, v):
    d = {"lo": 0.0, "hi": 0.0}
    d["lo" if x < 0 else "hi"] = v
    return d["lo"], d["hi"]


def chosen_then_updated(x, v):
    bins = {"neg": 0.0, "zero": 0.0, "pos": 0.0}
    k = "neg" if x < 0 else ("zero" if x == 0 else "pos")
    bins[k] = bins[k] + v
    bins[k] *= 2.0
    return bins["neg"], bins["zero"], bins["pos"]


def counted_in_a_loop(v):
    counts = {"pos": 0, "neg": 0}
    for x in v:
        counts["pos" if x > 0 else "neg"] += 1
    return counts["pos"], counts["neg"]


def float_added_to_int_entries(v):
    totals = {"a": 0, "b": 0}
    for x in v:
        totals["a" if x > 2 else "b"] += x
    return totals["a"], totals["b"]


def maybe_missing_key(x, v):
    d = {"lo": 0.0}
    d["lo" if x < 0 else "hi"] = v
    return len(d)


def _same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.allclose(np.asarray(g, np.float64), np.asarray(w, np.float64)), (got, want)


@pytest.mark.parametrize("function", [ternary_key, chosen_then_updated])
@pytest.mark.parametrize("x", [-1.0, 0.0, 2.0])
def test_key_chosen_by_a_traced_condition(function, x):
    _same(autograph_jit(function)(jnp.float32(x), jnp.float32(5.0)), function(x, 5.0))
    assert convert(function)(x, 5.0) == function(x, 5.0)


@pytest.mark.parametrize("function", [counted_in_a_loop, float_added_to_int_entries])
def test_key_chosen_in_a_compiled_loop(function):
    v = np.array([1.0, -2.0, 3.0, 4.0], np.float32)
    _same(autograph_jit(function)(jnp.asarray(v)), function(v))


def test_a_key_that_may_be_missing_is_refused_at_the_line():
    with pytest.raises(Py2laxError, match="'lo' or 'hi'") as caught:
        autograph_jit(maybe_missing_key)(jnp.float32(1.0), jnp.float32(5.0))
    assert "test_lg_chosen_dict_keys.py" in str(caught.value)
