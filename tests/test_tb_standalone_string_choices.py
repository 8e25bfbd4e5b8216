"""``--standalone``: a string a traced test chooses (``"hi" if x > y else "lo"``, or set
in a traced ``if``) and read only through expressions of it alone (``len(s)``,
``s.startswith("h")``, ``s == "hi"``). The runtime carries such a string as its
position among the strings the code binds; the output binds the positions and writes
each expression as what it gives for each string (``plain_lax.string_modes``).
Python's answer is the oracle, jitted and on plain values; a string that leaves the
function still stops at the user's line."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile
from standalone_oracle import same, standalone

TERNARY = """
import jax.numpy as jnp

def f(x, y):
    c = x * 0.0
    s = "hi" if x + y < 1.0 else "lo"
    if s == "hi":
        c = jnp.tanh(c + y)
    t = "high" if x > 0.5 else "lo"
    if t.startswith("h"):
        c = c - x
    return c + len(t) * 0.125, len(s)
"""

SET_IN_IF = """
import jax.numpy as jnp

def f(x):
    s = "lo"
    if x >= 2.0:
        s = "hi"
    return jnp.tanh(x + len(s) * 0.125)
"""

LEAVES = """
def f(x):
    s = "hi" if x > 0 else "lo"
    return x, s
"""


@pytest.mark.parametrize("x, y", [(0.2, 0.3), (0.9, 0.8), (0.7, 0.1), (-1.0, 3.0)])
def test_a_string_a_ternary_chooses_gives_pythons_answer(tmp_path, x, y):
    original, converted, text = standalone(TERNARY, tmp_path)
    expected = original(np.float32(x), np.float32(y))
    same(expected, converted(jnp.float32(x), jnp.float32(y)))
    plain: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), plain)
    got = plain["f"](np.float32(x), np.float32(y))
    same(expected, got)
    assert type(got[1]) is int  # len(s): Python's int on Python values
    # a second run reads the output as it is
    assert transpile(text, str(tmp_path / "prog.py"), all_functions=True,
                     standalone=True) == text


@pytest.mark.parametrize("x", [1.0, 3.0])
def test_a_string_set_in_a_traced_if_read_by_len(tmp_path, x):
    original, converted, _ = standalone(SET_IN_IF, tmp_path)
    same(original(np.float32(x)), converted(jnp.float32(x)))


def test_a_string_that_leaves_the_function_stops_at_the_users_line(tmp_path):
    original, converted, text = standalone(LEAVES, tmp_path)
    assert original(1.0) == (1.0, "hi")
    with pytest.raises(jax.errors.TracerBoolConversionError) as caught:
        converted(jnp.float32(1.0))
    assert str(caught.value).startswith(f"{tmp_path / 'prog.py'}:3"), str(caught.value)


RAISES_FOR_ONE = """
def f(x):
    s = "lo"
    if x > 0:
        s = "high"
    return x + (s[2] == "g")
"""


def test_an_expression_that_raises_for_one_string_keeps_the_strings(tmp_path):
    # `"lo"[2]` is Python's IndexError: no value to write for "lo"
    original, converted, text = standalone(RAISES_FOR_ONE, tmp_path)
    assert 's = "high"' in text or "s = 'high'" in text
    assert original(1.0) == 2.0
    with pytest.raises(jax.errors.TracerBoolConversionError):
        converted(jnp.float32(1.0))
