"""`--standalone`: a module helper that writes into an array argument, called where the
caller's statement is traced (issue 14, helper s14, second round).

NumPy changes the caller's array; the runtime writes the change back through its
holders. Plain jax had kept the helper's write as Python: inside a lax body it ran once,
while tracing (a NumPy array took it silently: a wrong count), or the helper's traced
``if`` was refused. The call now goes to a nested copy of the helper that returns the
arrays it writes, and rebinds the caller's names (``plain_lax.helper_writes``).

Python is the oracle: the standalone output, jitted, gives Python's answer.
"""

from __future__ import annotations


import numpy as np
import pytest

from py2lax import transpile
from standalone_oracle import same, standalone


def test_a_helper_that_counts_into_an_array_in_both_branches_of_a_traced_if(tmp_path):
    """``total += bump(counts, 0)`` in a traced ``if`` of a loop over an array: the
    helper's Python write ran once per branch while tracing, so ``counts`` came back
    ``[1, 1, 0]`` where Python gives ``[2, 1, 0]`` (a silent wrong answer)."""
    f, jf, text = standalone("""
        import numpy as np

        def bump(counts, idx):
            counts[idx] = counts[idx] + 1
            return counts[idx]

        def f(x):
            counts = np.zeros(3)
            total = 0.0
            for v in x:
                if v > 0:
                    total += bump(counts, 0)
                else:
                    total += bump(counts, 1)
            return counts, total
    """, tmp_path)
    x = np.array([1.0, -1.0, 2.0])
    same(f(x), jf(x))
    assert "bump_written(counts, 0)" in text


def test_a_helper_whose_traced_if_writes_into_the_callers_array(tmp_path):
    """``step(v, i, x)`` whose ``if x[i] > 0`` is traced: it was refused at run time
    (the helper's ``if`` stayed Python because the caller must see ``v`` change)."""
    f, jf, text = standalone("""
        import numpy as np

        def step(v, i, x):
            if x[i] > 0:
                v[i] = x[i] * 2
            else:
                v[i] = -x[i]

        def f(x):
            v = np.zeros(3)
            for i in range(3):
                step(v, i, x)
            return v
    """, tmp_path)
    x = np.array([1.0, -2.0, 3.0])
    same(f(x), jf(x))
    # a second run leaves the output as it is: `step`, which no call names any more,
    # is read as an entry point in the first run too
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text


def test_a_helper_called_for_its_effect_in_a_traced_while_loop(tmp_path):
    """An explicit Euler step written into ``y`` inside a ``while`` on a traced time:
    was refused (the loop stayed Python because of the call)."""
    f, jf, _ = standalone("""
        import numpy as np

        def euler_step(y, dydt, h):
            for i in range(y.shape[0]):
                y[i] = y[i] + h * dydt[i]

        def f(y0, t_end):
            y = y0.copy()
            t = 0.0
            while t < t_end:
                euler_step(y, -y, 0.125)
                t = t + 0.125
            return y
    """, tmp_path)
    args = (np.array([1.0, 2.0]), 0.6)
    same(f(*args), jf(*args))


def test_a_helper_called_in_the_test_of_an_if(tmp_path):
    """``if write_result(out, i, a, b): n += 1``: the call in an ``if``'s test runs once,
    before its blocks, so it is written back there too (was refused: the helper's
    traced ``if`` stayed Python)."""
    f, jf, _ = standalone("""
        import numpy as np

        def write_result(out, i, a, b):
            if a > b:
                out[i] = a - b
                return True
            out[i] = 0.0
            return False

        def f(xs, ys):
            out = np.zeros(3)
            n = 0
            for i in range(3):
                if write_result(out, i, xs[i], ys[i]):
                    n += 1
            return out, n
    """, tmp_path)
    args = (np.array([1.0, 2.0, 3.0]), np.array([0.5, 3.0, 1.0]))
    same(f(*args), jf(*args))


def test_a_helper_that_scales_its_array_argument_by_an_augmented_assignment(tmp_path):
    """``def decay(v, rate): v *= rate`` on the caller's ``v = np.array(x)``, under a
    traced ``if``: in place for NumPy's array (the caller sees it). Was refused
    (``decay(v, rate)`` is called for its effect); the call is written back where
    every binding of the caller's name makes an array."""
    f, jf, text = standalone("""
        import numpy as np
        import jax.numpy as jnp

        def decay(v, rate):
            v *= rate

        def f(x, rate):
            v = np.array(x)
            for i in range(3):
                if jnp.max(v) > 1.0:
                    decay(v, rate)
            return v
    """, tmp_path)
    args = (np.array([4.0, 2.0]), 0.5)
    same(f(*args), jf(*args))
    assert "decay_written(v, rate)" in text


def test_a_helper_writing_into_a_jax_array_keeps_pythons_error(tmp_path):
    """``s = jnp.zeros(4)`` then ``update(s, k, v)`` writing ``state[k] = ...``: Python
    raises (a JAX array cannot change in place), so the output must not return an
    answer: the call is not written back, and the located error names the user's
    line and the call."""
    f, jf, _ = standalone("""
        import jax.numpy as jnp

        def update(state, k, val):
            state[k] = state[k] + val

        def f(x):
            s = jnp.zeros(4)
            for k in range(4):
                if x[k] > 0.5:
                    update(s, k, x[k])
            return s
    """, tmp_path)
    x = np.array([0.1, 0.9, 0.7, 0.2])
    with pytest.raises(TypeError):
        f(x)
    with pytest.raises(TypeError, match=r"prog\.py:\d+: .*`update\(s, k, x\[k\]\)`"):
        jf(x)
