"""A string a jitted function returns (computed while tracing) leaves ``autograph_jit``
as Python returns it; before, ``jax.jit`` raised its own TypeError after tracing."""


import jax.numpy as jnp
import pytest

import py2lax

WEIGHTS = {"a": 1.0, "b": -2.0, "c": 0.5}


def weighted(x):
    total = 0.0
    used = []
    for name, w in WEIGHTS.items():
        if w * x > 0:
            total += w * x
        if w > 0:
            used.append(name)
    return total, used


def labelled(x, mode):
    label = "fast" if mode == 1 else "slow"
    if x > 0:
        x = x * 2.0
    return {"value": x, "label": label, "units": b"m/s"}


def chosen_label(x):
    label = "small"
    if x > 1.0:
        label = "big"
    return label, x


@pytest.mark.parametrize("x", [2.0, -1.0])
def test_strings_from_a_static_loop(x):
    total, used = py2lax.autograph_jit(weighted)(jnp.float32(x))
    want_total, want_used = weighted(x)
    assert used == want_used and float(total) == pytest.approx(want_total)


@pytest.mark.parametrize("mode", [0, 1])
def test_strings_in_a_dict_with_a_static_argument(mode):
    got = py2lax.autograph_jit(labelled, static_argnums=(1,))(jnp.float32(1.5), mode)
    want = labelled(1.5, mode)
    assert got["label"] == want["label"] and got["units"] == want["units"]
    assert float(got["value"]) == want["value"]


@pytest.mark.parametrize("x", [2.0, 0.5])
def test_a_string_a_traced_condition_chose_is_still_python_s(x):
    label, value = py2lax.autograph_jit(chosen_label)(jnp.float32(x))
    assert label == chosen_label(x)[0] and float(value) == x


def test_the_compiled_function_is_still_jax_jit_s():
    jitted = py2lax.autograph_jit(weighted)
    assert jitted.lower(jnp.float32(1.0)).compile() is not None
    assert jitted(jnp.float32(3.0))[1] == ["a", "c"]  # cached: the dispatch path
