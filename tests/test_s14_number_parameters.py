"""`--standalone`: ``n -= 1`` on a parameter used as a number, inside a traced branch
that does not carry it (issue 14, helper s14, second round).

``if n <= 1: return 1`` then ``while n > 1: r *= n; n -= 1``: the rest of the function
is the ``if``'s false branch, and ``n -= 1`` there was read as an in-place update of an
array parameter the caller must see, so the ``if`` stayed Python (refused for a traced
``n``). A name only tested as a number and never indexed is rebound by Python, as the
runtime reads it. Python is the oracle.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from py2lax import transpile


@pytest.mark.parametrize("n", [5, 0])
def test_a_countdown_parameter_after_an_early_return(n, tmp_path):
    source = textwrap.dedent("""
        def f(n):
            if n <= 1:
                return 1
            r = 1
            while n > 1:
                r *= n
                n -= 1
            return r
    """)
    path = tmp_path / "prog.py"
    original: dict = {}
    exec(compile(source, str(path), "exec"), original)
    text = transpile(source, str(path), all_functions=True, standalone=True)
    converted: dict = {}
    exec(compile(text, str(path), "exec"), converted)
    assert int(jax.jit(converted["f"])(np.int32(n))) == original["f"](n)
