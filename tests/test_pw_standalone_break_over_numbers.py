"""--standalone: a loop with a traced ``break`` or ``return`` over a display of numbers.

``for t in [1.0, 2.0, 4.0]: if x < t: return t`` was left as Python ("this loop with
`break` must run as Python (it iterates over a Python container)"), though the runtime
runs it, stopping its Python loop at the traced exit. A list or tuple display of numbers
is an array lax can stop in: the loop is the ``lax.while_loop`` a loop over an array's
items with ``break`` is.
"""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone


@pytest.mark.parametrize("source", ["""
    def f(x):
        for t in [1.0, 2.0, 4.0]:
            if x < t:
                return t
        return 8.0
""", """
    def f(x):
        k = 0
        for step in [1, 2, 3, 5]:
            if x * step > 6.0:
                break
            k = k + step
        return k
"""])
def test_exit_from_a_display_of_numbers(tmp_path, source):
    f, jitted, text = standalone(source, tmp_path)
    assert "left as Python" not in text
    for x in (0.5, 1.5, 3.0, 9.0):
        same(f(x), jitted(jnp.float32(x)))
