"""--standalone: a loop index a nested ``def`` reads, typed after ``jax.eval_shape``.

``for i in range(n): def add(v): return v + i`` carries ``i`` as a ``nonlocal`` the
body sets. Where two carried names are typed from one evaluation of the body
(``types_3 = jax.eval_shape(loop_body_3, ...)``), ``i = _py2lax_as_type(i, types_3[1])``
read ``i`` after the evaluation had set it to its own tracer, and the loop leaked it
(JAX's ``UnexpectedTracerError``).
"""

import jax.numpy as jnp

from standalone_oracle import same, standalone


def test_index_read_by_nested_def(tmp_path):
    f, jitted, _ = standalone("""
        def f(n):
            acc = 0
            for i in range(n):
                def add(v):
                    return v + i
                acc = add(acc)
            return acc
    """, tmp_path)
    for n in (0, 4):
        same(f(n), jitted(jnp.int32(n)))


def test_float_carry_and_index_read_by_lambda(tmp_path):
    f, jitted, _ = standalone("""
        def f(n, x):
            s = 0
            for i in range(n):
                scale = lambda v: v * i
                s = s + scale(x)
            return s
    """, tmp_path)
    for n in (1, 3):
        same(f(n, 1.5), jitted(jnp.int32(n), jnp.float32(1.5)))
