"""`--standalone` reads a method of the module's classes that changes nothing as pure.

``Ops.leaky(c) if x > 0 else y``, ``SCALER.apply(x) if ... else ...``: a ternary whose
branch calls a method was kept a Python ternary (JAX's TracerBoolConversionError under
jit) because a method of the user's might change something, which ``lax.cond`` (tracing
both branches) would do whatever the test. A static or class method, or a method of a
module-level object, whose body stores nothing and calls only pure functions, is as
pure as a function: the ternary is a ``lax.cond`` and the method is converted too.
"""

from __future__ import annotations

import pytest

from test_standalone_builtins import standalone_agrees
from test_standalone_s10 import unchecked  # the checks of kept tests

CLASSES = """
import jax.numpy as jnp


class Ops:
    factor = 0.25

    @staticmethod
    def leaky(t):
        if t > 0.0:
            return t
        return t * 0.1

    @classmethod
    def scaled(cls, t):
        return jnp.tanh(t) * cls.factor


class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, t):
        if t > 0.0:
            return t * self.k
        return -t * self.k * 0.5


SCALER = Scaler(0.5)
"""

PURE_METHOD_CALLS = {
    "static-method-in-a-ternary": """
        def f(x, y):
            return Ops.leaky(x) if y > 0.5 else y * 2.0
        """,
    "class-method-in-a-ternary": """
        def f(x, y):
            c = jnp.tanh((y if x > 1.0 else Ops.scaled(x)) * 0.5)
            return c
        """,
    "module-object-method-in-a-ternary": """
        def f(x, y):
            return jnp.tanh(SCALER.apply(x) if y >= 0.25 else y)
        """,
    "method-in-a-loop-ternary": """
        def f(x, y):
            acc = 0.0
            for k in range(4):
                acc = acc + (Ops.leaky(x - k) if y > k * 0.5 else SCALER.apply(y))
            return acc
        """,
}


@pytest.mark.parametrize("name", PURE_METHOD_CALLS)
def test_a_ternary_calling_a_pure_method_is_lax(name):
    source = CLASSES + PURE_METHOD_CALLS[name].replace("\n        ", "\n")
    standalone_agrees(source, "f", (0.3, 1.0), (-1.2, 0.1), (2.5, -0.7), (1.5, 0.3))


def test_a_method_that_changes_its_object_keeps_the_ternary_python():
    """``acc.bump(x)`` stores an attribute: lax would run it for both branches."""
    from py2lax import transpile
    source = """
class Acc:
    def __init__(self):
        self.n = 0.0

    def bump(self, t):
        self.n = self.n + t
        return self.n


ACC = Acc()


def f(x, y):
    return ACC.bump(x) if y > 0 else y
"""
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert "return ACC.bump(x) if y > 0 else y" in unchecked(text)
