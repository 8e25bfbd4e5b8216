"""A dict indexed by a string a traced condition chose (``WEIGHTS[mode]``): the item for
each possible key, chosen by the condition as Python's lookup would be."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

WEIGHTS = {"hi": 1.5, "lo": 0.5}
OFFSETS = {"hi": np.array([1.0, 2.0]), "lo": np.array([-1.0, 0.0]), "mid": np.zeros(2)}


def scaled(p, q):
    mode = "hi" if p > q else "lo"
    return p * WEIGHTS[mode]


def shifted(x, v):
    if x > 0:
        key = "hi"
    else:
        key = "lo"
    return v + OFFSETS[key]


def missing(p):
    mode = "hi" if p > 0 else "none"
    return WEIGHTS[mode]


@pytest.mark.parametrize("p", [0.7, -0.3])
def test_a_number_per_possible_key(p):
    assert float(py2lax.autograph_jit(scaled)(jnp.float32(p), jnp.float32(0.1))) == \
        pytest.approx(scaled(p, 0.1))


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_an_array_per_possible_key(x):
    v = np.array([0.5, 0.25])
    got = py2lax.autograph_jit(shifted)(jnp.float32(x), jnp.asarray(v))
    np.testing.assert_allclose(np.asarray(got), shifted(x, v))
    np.testing.assert_allclose(py2lax.convert(shifted)(x, v), shifted(x, v))


def test_a_possible_key_that_is_missing_is_refused_at_the_lookup():
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(missing)(jnp.float32(1.0))
    assert f"test_string_keys.py:{missing.__code__.co_firstlineno + 2}" in str(caught.value)


class Gains:
    up = 2.0
    down = 0.5


def gain_by_name(x):
    name = "up" if x > 0 else "down"
    return x * getattr(Gains, name), hasattr(Gains, name)


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_an_attribute_named_by_a_chosen_string(x):
    value, present = py2lax.autograph_jit(gain_by_name)(jnp.float32(x))
    assert float(value) == gain_by_name(x)[0] and bool(present)


def mode_set_in_a_loop_that_returns_early(p, data, steps):
    # `mode` changes in a loop that a traced `return` stops: the loop carries the string
    # as a choice under its name, the return's branch gives one without a name.
    mode = "lo"
    tot = 0.0
    j = 0
    while j < 3:
        j += 1
        for _ in range(steps):
            if not (p > jnp.mean(data)):
                return tot + WEIGHTS[mode]
            if steps > 1:
                mode = "hi"
            else:
                mode = "lo"
            tot = tot + 0.1 * len(mode)
    return tot + WEIGHTS[mode]


@pytest.mark.parametrize("p", [2.0, -2.0, 0.3])
def test_a_choice_carried_by_a_loop_and_a_return_is_one_structure(p):
    data = np.array([0.5, 0.1], np.float32)
    expected = mode_set_in_a_loop_that_returns_early(np.float32(p), data, 2)
    got = py2lax.autograph_jit(mode_set_in_a_loop_that_returns_early, static_argnums=2)(
        jnp.float32(p), jnp.asarray(data), 2)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
