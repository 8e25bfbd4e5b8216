"""--standalone: a variable set to None as "unset" and assigned under a traced condition.

lax.cond needs the same structure from both branches, and None is no array: the output
raised JAX's raw pytree TypeError. The ``if`` now stays Python with a checked test, so a
static condition gives Python's answer and a traced one a located error naming the
variable and what to write."""
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile


SOURCE = textwrap.dedent("""
    import jax
    import jax.numpy as jnp

    def first_neg(x):
        found = None
        for i in range(3):
            if x[i] < 0:
                found = x[i]
        return found

    def both_assign(x):
        y = None
        if x.sum() > 0:
            y = x * 2
        else:
            y = x - 1
        return y
""")


def _module():
    namespace = {}
    exec(compile(transpile(SOURCE, standalone=True, all_functions=True, filename="m.py"),
                 "<standalone>", "exec"), namespace)
    return namespace


def test_traced_condition_is_a_located_error_naming_the_variable():
    first_neg = jax.jit(_module()["first_neg"])
    with pytest.raises(Exception) as caught:
        first_neg(jnp.array([1.0, -2.0, 3.0]))
    message = str(caught.value)
    assert "m.py:" in message and "`found` starts as None" in message
    assert "TypeError" not in type(caught.value).__name__


def test_concrete_values_give_pythons_answer():
    first_neg = _module()["first_neg"]
    assert first_neg(np.array([1.0, 2.0, 3.0])) is None
    assert first_neg(np.array([1.0, -2.0, -3.0])) == -3.0


def test_every_path_assigning_still_converts():
    both = jax.jit(_module()["both_assign"])
    x = np.array([1.0, -3.0], np.float32)
    np.testing.assert_allclose(both(x), x - 1)
    np.testing.assert_allclose(both(-x), -x * 2)
