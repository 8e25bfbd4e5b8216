"""A method that only rebinds its object's attributes (``self.q = self.q + t``), called
on a local bound only to instances of the module's classes, writes into no array
another name holds: ``l = [a, b]; p = Pair(a, b); p.shift(a)`` leaves ``l`` and ``a`` as
they were, in Python and in NumPy. ``--standalone`` kept such a statement as Python ("it
writes into an object `l` holds too"), which stopped at a traced test; it now gives
Python's answer, and the runtime's output too."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import py2lax
from py2lax import transpile
from standalone_oracle import same, standalone

PAIR = """
import jax.numpy as jnp

class Pair:
    def __init__(self, p, q):
        self.p = p
        self.q = q

    def shift(self, t):
        if t > 0.0:
            self.q = self.q + t
        return self

class Buffer:
    def __init__(self, q):
        self.q = q

    def bump(self, t):
        self.q += t

def f(x, y):
    a = jnp.tanh(x + y)
    b = jnp.sin(y)
    c = x * 0.0
    if x > 0.5:
        l2 = [a, b]
        pr1 = Pair(a, b)
        pr1.shift(a)
        c = jnp.tanh(c + l2[1] + pr1.q)
    return c + a
"""

INPUTS = [(np.float32(0.9), np.float32(0.3)), (np.float32(-0.4), np.float32(1.2))]


def test_standalone_gives_pythons_answer_past_a_rebinding_method(tmp_path):
    original, converted, text = standalone(PAIR, tmp_path)
    assert "_py2lax_python_test" not in text  # the `if` is a lax.cond
    for x, y in INPUTS:
        same(original(x, y), converted(x, y))


def test_the_runtime_output_gives_pythons_answer_and_writes_nothing_back(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(PAIR)
    text = transpile(PAIR, str(path), all_functions=True)
    body = text[text.index("def f("):]
    assert "written_through" not in body
    original: dict = {}
    exec(compile(PAIR, str(path), "exec"), original)
    converted: dict = {}
    exec(compile(text, str(path), "exec"), converted)
    for x, y in INPUTS:
        same(original["f"](x, y), jax.jit(converted["f"])(x, y))


def test_a_method_updating_an_attribute_with_plus_equals_is_still_written_back(tmp_path):
    """``self.q += t`` on a NumPy array changes the array ``l`` holds too."""
    source = PAIR + """
def g(x):
    a = np.ones(2)
    l = [a]
    buf = Buffer(a)
    buf.bump(x)
    return l[0]
""".replace("import jax.numpy as jnp", "import jax.numpy as jnp\nimport numpy as np")
    path = tmp_path / "prog.py"
    path.write_text(source)
    text = transpile(source, str(path), all_functions=True)
    body = text[text.index("def g("):]
    assert "written_through(l)" in body
