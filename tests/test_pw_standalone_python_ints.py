"""--standalone: a loop whose carry is a Python int that may outgrow int32.

``r = 1; for i in range(2, n + 1): r *= i`` became ``jax.lax.fori_loop`` over a weak
int32 carry, which wraps around silently for a static ``n = 25`` (2076180480, where the
runtime, running the static loop as Python, is exact). Such loops now run as Python
while every value is a Python number, and as lax from the first traced one on.
"""

import jax.numpy as jnp
import pytest

from py2lax import transpile
from standalone_oracle import same, standalone

FACTORIAL = """
    def f(n):
        r = 1
        for i in range(2, n + 1):
            r *= i
        return r % 1000003
"""
FIBONACCI = """
    def f(n):
        a, b = 0, 1
        while n > 0:
            a, b = b, a + b
            n -= 1
        return a % 1000
"""


@pytest.mark.parametrize("source, static_n, traced_n", [
    (FACTORIAL, 25, 10), (FIBONACCI, 90, 20)])
def test_static_loop_is_exact(tmp_path, source, static_n, traced_n):
    f, jitted, _ = standalone(source, tmp_path, static=(0,))
    same(f(static_n), jitted(static_n))
    _, traced, _ = standalone(source, tmp_path)
    same(f(traced_n), traced(jnp.int32(traced_n)))


def test_output_is_stable_and_slow_growth_stays_plain(tmp_path):
    _, _, text = standalone(FACTORIAL, tmp_path)
    assert transpile(text, "prog.py", all_functions=True, standalone=True) == text
    _, _, plain = standalone("""
        def f(n):
            s = 0
            for i in range(n):
                s += i
            return s
    """, tmp_path)
    assert "jax.lax.fori_loop(0, n" in plain and "_py2lax_python_ints" not in plain
