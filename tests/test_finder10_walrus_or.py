"""A walrus in the second operand of ``or`` in an ``if`` without ``else``.

``if x > 0 or (y := 2 * x) > -5: return 1.0`` then ``return y``: Python reads ``y``
only on the path where the ``or`` evaluated its second operand, so it is always bound
there. The test used to be computed first, leaving ``y`` assigned in one branch of a
traced ``if`` and read after it: a refusal Python has no reason for.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def early_return_or_walrus(x):
    if x > 0 or (y := x * 2) > -5:
        return 1.0
    return y


def walrus_read_in_loop_after_or(v):
    total = 0.0
    for x in v:
        if x > 3 or (d := x - 1) < 0:
            continue
        total = total + d
    return total


@pytest.mark.parametrize("function, inputs", [
    (early_return_or_walrus, [1.0, -1.0, -10.0]),
    (walrus_read_in_loop_after_or, [np.array([0.5, 2.0, 5.0, 1.5])]),
], ids=["early-return", "continue-in-loop"])
def test_jit_gives_pythons_answer(function, inputs):
    compiled = py2lax.autograph_jit(function)
    converted = py2lax.convert(function)
    for value in inputs:
        expected = function(value.copy() if isinstance(value, np.ndarray) else value)
        np.testing.assert_allclose(np.asarray(compiled(jnp.asarray(value))), expected, rtol=1e-6)
        assert converted(value) == expected
