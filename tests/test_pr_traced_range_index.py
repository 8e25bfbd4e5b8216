"""--standalone: the index of a ``for`` over a ``range`` of traced length, read after it.

``for i in range(n): ... break`` then ``return acc, i``, with ``n`` traced, was left as
Python ("`i` may be unassigned when it starts") and jitting it raised JAX's
TracerIntegerConversionError, though the runtime runs it. Where the next statement that
names the index surely reads it, the loop is lax's with the index starting at the
range's start, and an empty range (Python: ``UnboundLocalError`` at that read) raises
that error through ``jax.debug.callback`` when the program runs, as the runtime does.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile
from test_standalone_builtins import standalone_agrees

PROGRAMS = {
    "break": """
        def f(x, n):
            acc = 0.0
            for i in range(n):
                acc += x ** i
                if acc > 100:
                    break
            return acc, i
        """,
    "no-break-from-one": """
        def f(x, n):
            s = 0.0
            for i in range(1, n):
                s = s + x * i
            last = s * 2
            return last, i
        """,
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_index_after_a_traced_range_matches_python(name):
    text = standalone_agrees(PROGRAMS[name], "f", (np.float32(2.0), 20), (np.float32(1.0), 5),
                             (np.float32(2.0), 2))
    assert "left as Python" not in text


@pytest.mark.parametrize("name", PROGRAMS)
def test_an_empty_range_raises_pythons_error_when_it_runs(name):
    source = textwrap.dedent(PROGRAMS[name])
    python: dict = {}
    exec(source, python)
    with pytest.raises(UnboundLocalError):
        python["f"](np.float32(2.0), 0)
    plain: dict = {}
    exec(transpile(source, "program.py", all_functions=True, standalone=True), plain)
    with pytest.raises(UnboundLocalError, match="program.py:.*'i'"):
        plain["f"](np.float32(2.0), 0)  # concrete: the callback raises at once
    with pytest.raises(Exception, match="cannot access local variable 'i'"):
        jax.block_until_ready(jax.jit(plain["f"])(jnp.float32(2.0), jnp.int32(0)))


def test_a_read_only_some_paths_reach_stays_refused():
    source = textwrap.dedent("""
        def f(x, n):
            s = 0.0
            for i in range(n):
                s = s + x
            if x > 0:
                return s
            return s + i
        """)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert "debug.callback" not in text
