"""`--standalone`: a statement whose body changes state lax does not carry stays Python.

A same-module helper that rebinds a global (``global calls; calls += 1``) or a class's
own data (``Meter.reads += 1``), and ``.send()``/``next()`` on a generator, change
Python state: lax traces a branch or loop body once, so the change happened once
whatever the condition (finder8 s066, s134: a silent count of 3 where Python says 0;
s149: a generator advanced once instead of per item). Such a statement stays Python:
Python's answer where the test is static, JAX's own error where it is traced.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from test_standalone_issue14 import standalone

GLOBAL_COUNTER = """
    calls = 0

    def bump(v):
        global calls
        calls += 1
        return v + 1

    def f(x):
        global calls
        calls = 0
        for _ in range(3):
            if x > 0:
                x = bump(x)
            else:
                x = x - 1
        return x, calls
    """

CLASS_COUNTER = """
    class Meter:
        reads = 0

        def read(self, v):
            Meter.reads += 1
            return v * 2

    def f(xs):
        Meter.reads = 0
        m = Meter()
        acc = 0.0
        for x in xs:
            if x > 1.0:
                acc += m.read(x)
        return acc, Meter.reads
    """

GENERATOR_SEND = """
    def running():
        total = 0.0
        while True:
            v = yield total
            if v is None:
                break
            total += v

    def f(xs):
        g = running()
        next(g)
        last = 0.0
        for x in xs:
            last = g.send(x)
        return last
    """


@pytest.mark.parametrize("source", [GLOBAL_COUNTER, CLASS_COUNTER])
def test_a_traced_test_around_a_state_change_is_never_a_silent_count(source):
    plain = standalone(source)
    assert "lax.cond" not in plain["__text__"]
    argument = jnp.asarray([0.0, 2.0, 3.0]) if "xs" in source else jnp.int32(-1)
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(plain["f"])(argument)


def test_a_loop_that_sends_to_a_generator_keeps_python_s_answer():
    plain = standalone(GENERATOR_SEND)
    xs = np.array([1.0, 2.0, 3.0])
    assert float(jax.jit(plain["f"])(jnp.asarray(xs))) == 6.0
