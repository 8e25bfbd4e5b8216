"""--standalone: an ``if`` whose test joins a traced comparison with a string or None one.

``if x.sum() > 0 and mode == "train":`` (the string comparison after the traced one)
stayed Python ("its condition compares strings or `None`") and jitting it raised
JAX's TracerBoolConversionError, though the runtime runs it; only a Python operand
written first was asked apart. Where no operand changes anything, the answer is the same
in any order: Python asks the string comparison, lax.cond the traced rest.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from py2lax import transpile
from test_standalone_builtins import standalone_agrees

PROGRAMS = {
    "and-string-last": ("""
        def f(x, mode):
            if x.sum() > 0 and mode == "train":
                return x * 2
            return x
        """, ["train", "eval"]),
    "or-none-last": ("""
        def f(x, scale):
            y = x
            if x.sum() > 3 or scale is None:
                y = x * 0.5
            return y
        """, [None, 2.0]),
    "two-python-parts": ("""
        def f(x, mode):
            y = x
            if mode != "off" and x.sum() > 0 and mode is not None:
                y = x + 1.0
            return y
        """, ["on", "off"]),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_a_later_python_operand_is_asked_by_python(name):
    source, modes = PROGRAMS[name]
    inputs = [(np.array(v, np.float32), mode) for mode in modes
              for v in ([1.0, 2.0], [-1.0, -2.0], [2.0, 2.0])]
    text = standalone_agrees(source, "f", *inputs, static_argnums=(1,))
    assert "left as Python" not in text and "jax.lax.cond" in text


def test_an_operand_with_effects_keeps_pythons_order():
    source = textwrap.dedent("""
        def f(x, mode, seen):
            if x.sum() > seen.pop() and mode == "train":
                return x * 2
            return x
        """)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert "if mode == 'train':" not in text and 'if mode == "train":' not in text
