"""``if m > 1: d["r"] = x`` (or ``d.update(r=x)``) with ``m`` a static argument: Python
adds the key, or not. ``--standalone`` wrote ``jax.lax.cond(m > 1, ...)``, which traces
both branches and raised JAX's 'cond branch outputs must have the same pytree
structure' (generated program 72012). A branch that may add a key to a dict now runs
through ``_py2lax_python_or_lax_cond``: Python's ``if`` where the test is a Python
value; ``lax.cond`` where it is traced. Updating a key the dict holds stays a plain
``lax.cond``."""

from __future__ import annotations

import jax
import pytest

from standalone_oracle import same, standalone

ADDS_BY_INDEX = """
def f(x, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d["r"] = x
    return x + len(d) + sum(d.values())
"""

ADDS_BY_UPDATE = """
def f(x, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d.update(r=x * 2)
    else:
        d.setdefault("s", 1.0)
    return x + len(d) + sum(d.values())
"""

UPDATES_A_HELD_KEY = """
def f(x, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d.update(q=x)
    return x + d["q"]
"""


@pytest.mark.parametrize("source", [ADDS_BY_INDEX, ADDS_BY_UPDATE])
@pytest.mark.parametrize("m", [0, 3])
def test_a_key_added_under_a_static_test(tmp_path, source, m):
    original, jitted, text = standalone(source, tmp_path, static=(1,))
    assert "_py2lax_python_or_lax_cond(" in text
    same(original(1.5, m), jitted(1.5, m))
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    same(original(1.5, m), namespace["f"](1.5, m))


def test_a_held_key_stays_a_plain_cond(tmp_path):
    original, jitted, text = standalone(UPDATES_A_HELD_KEY, tmp_path)
    assert "jax.lax.cond(m > 1" in text
    for m in (0, 3):
        same(original(1.5, m), jitted(1.5, m))
