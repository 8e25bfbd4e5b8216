"""A ``jax.jit`` wrapper of the user's function, converted again by the runtime when a
converted function calls it, is remembered only while the user keeps the wrapper: the
cache of re-converted wrappers held every wrapper (and its function) alive for the
whole process, a leak for code that makes a jitted helper per call."""

from __future__ import annotations

import gc
import weakref

import jax
import jax.numpy as jnp

import py2lax
from py2lax.runtime.calls import _jitted_user_function


def _make_helper():
    @jax.jit
    def helper(v):
        if v > 0:
            return v
        return -v
    return helper


def test_a_rejitted_wrapper_is_reused_while_held_and_then_let_go():
    helper = _make_helper()
    converted = _jitted_user_function(helper)
    assert converted is not None and _jitted_user_function(helper) is converted
    assert float(converted(jnp.float32(-2.0))) == abs(-2.0)  # Python's answer
    held = weakref.ref(helper)
    del helper
    gc.collect()
    assert held() is None


def test_a_jitted_helper_made_per_call_gives_python_s_answer():
    def f(x):
        return _make_helper()(x) + _make_helper()(-x)

    for x in (-1.5, 2.0):
        assert float(py2lax.autograph_jit(f)(jnp.float32(x))) == abs(x) + abs(-x)
