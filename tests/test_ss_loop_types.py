"""--standalone types a loop's carry from one ``jax.eval_shape`` of its body per loop.

Each evaluation traces the whole body; one per carried name multiplied the tracing time
by the number of names that change type."""
import textwrap

import jax.numpy as jnp

from py2lax import transpile


F = textwrap.dedent("""
    def f(x):
        a = 0
        b = 0
        c = 1
        i = 0
        while i < x:
            a += 0.5
            b += 0.25 * x
            c = c / 2
            i += 1
        return a, b, c
""")
SOURCE = "import jax\nimport jax.numpy as jnp\n\n@jax.jit" + F


def python_f(x):
    """The same function run by Python (the oracle)."""
    namespace = {}
    exec(compile(F, "<python>", "exec"), namespace)
    return namespace["f"](x)


def test_one_eval_shape_per_loop_and_python_values():
    out = transpile(SOURCE, standalone=True)
    assert out.count("eval_shape(") == 1
    namespace = {}
    exec(compile(out, "<standalone>", "exec"), namespace)
    for n in (0, 1, 3, 7):
        got = namespace["f"](jnp.int32(n))
        want = python_f(n)
        assert [float(g) for g in got] == [float(w) for w in want]
