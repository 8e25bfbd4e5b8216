"""`--standalone` writes builtins such as `min` in plain jax only where they are Python's.

A helper named like a builtin (`def min(p, q)` inside the caller) is the user's function
in every scope nested in that caller too, including the branch functions a first run
writes: reading the output again must not turn its calls into `jnp.where`.
"""

from __future__ import annotations

import textwrap

import jax.numpy as jnp
import pytest

from py2lax import transpile

SHADOWED_IN_CALLER = textwrap.dedent("""
    def f(a, b):
        def min(p, q):
            return p * 10 + q
        if a > b:
            return min(a, b)
        return min(b, a)
""")

SHADOWED_AT_MODULE = textwrap.dedent("""
    def zip(*vs):
        return [v * 2 for v in vs]

    def g(v):
        total = 0.0
        for a in zip(v):
            if a[0] > 0:
                total = total + a[0]
        return total
""")


@pytest.mark.parametrize("source", [SHADOWED_IN_CALLER, SHADOWED_AT_MODULE],
                         ids=["nested-def", "module-def"])
def test_a_builtin_name_the_user_defines_stays_the_users_function(source):
    first = transpile(source, all_functions=True, standalone=True)
    assert transpile(first, all_functions=True, standalone=True) == first
    assert "where" not in first


def test_the_written_function_calls_the_users_min():
    namespace: dict = {}
    exec(transpile(SHADOWED_IN_CALLER, all_functions=True, standalone=True), namespace)
    assert float(namespace["f"](jnp.float32(3.0), jnp.float32(1.0))) == 31.0
    assert float(namespace["f"](jnp.float32(1.0), jnp.float32(3.0))) == 31.0
