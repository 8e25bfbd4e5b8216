"""A lax loop that may set the function's result, inside a branch kept as Python (``match
m:`` whose other case calls ``push(l3, b)`` for its effect), may not run: the ``lax.cond``
after it (``if not returned: ...``) must still join its branches' types with the result's
empty placeholder. The output skipped the join (JAX's raw 'cond branches must have equal
output types') where ``m`` picked the case without the loop. Generated program, seed
70061 of the mixed classes."""

from __future__ import annotations

import jax
import numpy as np

import pathlib

from program_constructs import FOOTER
from py2lax import transpile
from standalone_oracle import same

SOURCE = """\
def f(x, y, n, v, m):
    a = jnp.tanh(x + y)
    b = jnp.sin(y)
    c = 0.0
    w = jnp.asarray(v) * 0.5
    for i0 in odds(m + 1):
        b = jnp.tanh(b + i0 * 0.25 + ((jnp.sum(w) * 0.25) * 0.5) * 0.5)
    c = jnp.tanh(c + b * 0.5)
    b += jnp.tanh(v[2]) * 0.5
    a = jnp.tanh(jnp.tanh(w[2]))
    match m:
        case 1:
            k1 = 0
            while k1 < 5 and k1 >= 2:
                k1 = k1 + 1
                if k1 < n - 1 and v[3] <= 0.25:
                    t2 = jnp.tanh(x)
                    return jnp.minimum(b, a), v[2] + jnp.sum(w) * 0.25
        case 0 | 3:
            l3 = [a]
            if m > 1:
                push(l3, b)
            c = jnp.tanh(c + sum(l3) * 0.25 + len(l3) * 0.125)
    if jnp.sum(w) * 0.25 >= -1.0 and n >= 0:
        return (a if jnp.sum(w) * 0.25 >= -0.5 else v[1]), (c) * 0.5
    a += jnp.tanh(jnp.tanh(Acc.squash(a))) * 0.5
    return jnp.tanh(x), 2.0
"""


def _inlined_footer() -> str:
    """The programs' footer with ``program_helpers`` written into it (converted with the
    program, as the command line converts a module's own helpers)."""
    helpers = (pathlib.Path(__file__).parent / "program_helpers.py").read_text()
    start = FOOTER.index("from program_helpers import")
    return (FOOTER[:start] + helpers[helpers.index("import dataclasses"):]
            + FOOTER[FOOTER.index("ticks)") + 6:])


def test_a_result_set_only_in_a_python_branch_is_joined_after_it(tmp_path):
    path = tmp_path / "prog.py"
    source = SOURCE + _inlined_footer()
    path.write_text(source)
    original: dict = {}
    exec(compile(source, str(path), "exec"), original)
    text = transpile(source, str(path), all_functions=True, standalone=True)
    converted: dict = {}
    exec(compile(text, str(path), "exec"), converted)
    f = jax.jit(converted["f"], static_argnames=("m",))
    v = (-1.624, -1.394, 0.85, 1.675)
    for m in (3, 2):
        expected = original["f"](0.149, -1.46, 2, np.asarray(v, np.float32), m)
        same(expected, f(np.float32(0.149), np.float32(-1.46), 2, np.asarray(v, np.float32), m))
