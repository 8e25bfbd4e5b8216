"""`--standalone`: a function chosen by a conditional expression on a traced value
(issue 14, helper s14, second round).

``op = jnp.add if x > y else jnp.multiply`` became ``lax.cond`` returning functions,
which JAX refuses ('not a valid JAX type'); the runtime carries the choice. The output
now binds the chosen position and calls through ``jax.lax.switch``
(``plain_lax.chosen_functions``). Python is the oracle.
"""

from __future__ import annotations


import numpy as np
import pytest

from py2lax import transpile
from standalone_oracle import standalone


@pytest.mark.parametrize("args", [(3.0, 2.0), (1.0, 2.0)])
def test_a_jnp_function_chosen_by_a_traced_test(args, tmp_path):
    f, jf, text = standalone("""
        import jax.numpy as jnp

        def f(x, y):
            op = jnp.add if x > y else jnp.multiply
            return op(x, y)
    """, tmp_path)
    np.testing.assert_allclose(jf(*args), f(*args))
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text


@pytest.mark.parametrize("args", [(1.0, np.array([-1.0, 2.0, -3.0])),
                                  (-1.0, np.array([-1.0, 2.0, -3.0]))])
def test_a_chosen_lambda_called_in_a_traced_loop(args, tmp_path):
    f, jf, _ = standalone("""
        def f(x, y):
            cmp = (lambda a, b: a < b) if x > 0 else (lambda a, b: a > b)
            n = 0
            for i in range(y.shape[0]):
                if cmp(y[i], 0.0):
                    n += 1
            return n
    """, tmp_path)
    assert int(jf(*args)) == f(*args)
