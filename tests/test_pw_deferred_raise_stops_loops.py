"""A check that raises under a traced condition (``if tol <= 0: raise ...``, ``assert``)
before a ``while`` loop: Python stops at the check, so the loop never runs on the input
it rejects. The compiled check runs unordered, so the loop ran first: on such an input
it could run forever (``tol = 0``: the program hung instead of raising). The loop now
stops where a check before it raises, and the program raises Python's error."""

import subprocess
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

PROGRAM = textwrap.dedent('''
    import jax.numpy as jnp
    import py2lax

    def helper_check(tol):
        if tol <= 0:
            raise ValueError("tol must be positive")

    def sqrt_raise(x, tol):
        if tol <= 0:
            raise ValueError("tol must be positive")
        y = x
        while abs(y * y - x) > tol:
            y = 0.5 * (y + x / y)
        return y

    def sqrt_assert(x, tol):
        assert tol > 0, "tol must be positive"
        y = x
        while abs(y * y - x) > tol:
            y = 0.5 * (y + x / y)
        return y

    def sqrt_helper(x, tol):
        helper_check(tol)
        k = 0
        while abs(x) > tol:
            x = x / 2
            k += 1
        return x

    def halve_in_loop(x, tol):
        for _ in range(2):
            if tol <= 0:
                raise ValueError("tol must be positive")
            while abs(x) > tol:
                x = x / 2
        return x

    for f in (sqrt_raise, sqrt_assert, sqrt_helper, halve_in_loop):
        for tol in (1e-3, 0.0):
            try:
                f(2.0, tol)
                python = "ok"
            except Exception as error:
                python = type(error).__name__
            try:
                py2lax.autograph_jit(f)(jnp.float32(2.0), jnp.float32(tol))
                jitted = "ok"
            except Exception as error:
                jitted = ("ValueError" if "ValueError" in str(error) else
                          "AssertionError" if "AssertionError" in str(error) else
                          type(error).__name__)
            print(f.__name__, tol, python, jitted)
''')


def test_a_loop_after_a_failed_check_stops_and_the_program_raises(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail("the compiled loop ran on after the check that rejects its input")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    rows = [line.split() for line in lines if line.strip()]
    assert len(rows) == 8
    for name, tol, python, jitted in rows:
        assert jitted == python, (name, tol, python, jitted)


def test_inputs_the_check_accepts_give_pythons_answer_also_under_vmap():
    def f(x, tol):
        if tol <= 0:
            raise ValueError("tol must be positive")
        n = 0
        while x > tol:
            x = x / 2
            n += 1
        return n

    xs, tols = np.array([2.0, 5.0, 0.5]), np.array([0.1, 0.01, 0.3])
    expected = [f(x, t) for x, t in zip(xs, tols)]
    got = py2lax.autograph_jit(f)
    import jax
    assert list(np.asarray(jax.vmap(got)(jnp.asarray(xs), jnp.asarray(tols)))) == expected
    assert [int(got(jnp.float32(x), jnp.float32(t))) for x, t in zip(xs, tols)] == expected
