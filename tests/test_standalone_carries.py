"""`--standalone` loops whose carried variable Python lets change kind.

A loop's carry must keep its dtype; Python's variable need not: ``x = n`` (an int
argument) then ``x = x / 2``, ``found = False`` then ``found = found + 1``. The runtime
types the carry from one traced iteration; the standalone output does the same
(``x = _py2lax_as_dtype(x, jax.eval_shape(loop_body, ...)[k])``), where lax raised
"body_fun output and input must have identical types".
"""

from __future__ import annotations

import numpy as np
import pytest

from test_standalone_builtins import standalone_agrees

V = np.array([0.5, -1.25, 2.0, 0.75, -0.3], np.float32)
V2 = np.array([-0.5, 1.5, -2.0, 0.1, 0.9], np.float32)

KIND_CHANGES_IN_A_LOOP = {
    "int-argument-halved-in-a-while": ("""
        def f(n):
            x = n
            steps = 0
            while x > 1:
                x = x / 2
                steps += 1
            return x, steps
        """, [(10,), (1,), (33,)]),
    "int-argument-divided-by-three": ("""
        def f(n):
            r = n
            it = 0
            while r > 3:
                r = r / 3
                it = it + 1
            return r, it
        """, [(10,), (2,), (100,)]),
    "bool-flag-counted-in-a-scan": ("""
        def f(x, v):
            found = False
            for t in v:
                if t > x:
                    found = found + 1
            return found
        """, [(0.3, V), (-1.2, V2), (2.5, V)]),
    "bool-flag-plus-float-in-a-while": ("""
        def f(x):
            flag = False
            k = 0
            while k < 4:
                flag = flag + x
                k += 1
            return flag
        """, [(0.3,), (-1.2,)]),
    "int-argument-scaled-in-a-for": ("""
        def f(x, n):
            y = n
            for i in range(5):
                y = y * 0.5 + x
            return y
        """, [(0.3, 4), (-1.2, 0)]),
}


@pytest.mark.parametrize("name", KIND_CHANGES_IN_A_LOOP)
def test_a_loop_that_changes_a_carried_numbers_kind_types_the_carry(name):
    source, inputs = KIND_CHANGES_IN_A_LOOP[name]
    text = standalone_agrees(source, "f", *inputs)
    assert "_py2lax_as_dtype(" in text
