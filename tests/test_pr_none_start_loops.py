"""--standalone: a loop carrying a name that starts as None (``last = None``, then
``last = x`` inside), where no first iteration runs apart.

lax carries one structure and None is none of an array's: a ``while`` loop, or a ``for``
with ``break``, became a ``lax.while_loop``/``lax.cond`` that failed with JAX's
pytree-structure TypeError (naming no line of the user's), even run on plain Python
values, where Python gives an answer. Such a loop now stays Python: Python's answer
where its test is static, a located error naming the line and the fix where traced (the
runtime carries the None with a flag). A ``for`` without ``break`` still peels its first
iteration and converts.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile


def _output(source):
    source = textwrap.dedent(source)
    python: dict = {}
    exec(source, python)
    converted: dict = {}
    exec(transpile(source, "program.py", all_functions=True, standalone=True), converted)
    return python["f"], converted["f"]


WHILE = """
    def f(x):
        last = None
        while x > 1:
            last = x
            x = x / 2
        if last is None:
            return 0.0
        return last
    """

BREAK = """
    def f(x):
        best = None
        for w in [1.0, 2.0, 3.0]:
            if x < w:
                best = w
                break
        if best is None:
            return -1.0
        return best
    """


@pytest.mark.parametrize("source", [WHILE, BREAK])
def test_python_values_give_pythons_answer(source):
    original, converted = _output(source)
    for x in (0.5, 1.5, 5.0):
        assert converted(x) == original(x)


def test_a_traced_while_test_is_a_located_error():
    _, converted = _output(WHILE)
    with pytest.raises(jax.errors.TracerBoolConversionError,
                       match=r"program.py:4: .*`last` starts as None"):
        jax.jit(converted)(jnp.float32(5.0))


def test_a_for_without_break_still_converts():
    original, converted = _output("""
        def f(x, ws):
            best = None
            for w in ws:
                if best is None or w > best:
                    best = w
            return best
        """)
    ws = np.array([1.0, 3.0, 2.0], np.float32)
    assert float(jax.jit(converted)(jnp.float32(1.5), jnp.asarray(ws))) == original(1.5, ws)
