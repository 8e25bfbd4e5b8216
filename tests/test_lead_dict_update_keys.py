"""``if m > 1: d.update(r=x)`` (or ``d.setdefault("s", 1.0)``) on a dict made by a
display without that key: the branches give two structures, which ``lax.cond`` cannot
join, so ``--standalone`` keeps the ``if`` Python, as for ``d["r"] = x`` (sc's rule):
Python's answer on a static test; a traced test is an error naming the user's line
(JAX's raw 'cond branch outputs must have the same pytree structure' before, generated
program 72012). Updating a key the dict holds stays a ``lax.cond``."""

from __future__ import annotations

import jax
import pytest

from standalone_oracle import same, standalone

ADDS = """
def f(x, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d.update(r=x * 2)
    else:
        d.setdefault("s", 1.0)
    return x + len(d) + sum(d.values())
"""

HELD = """
def f(x, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d.update({"q": x})
    return x + d["q"]
"""


@pytest.mark.parametrize("m", [0, 3])
def test_a_key_added_by_update_under_a_static_test(tmp_path, m):
    original, jitted, text = standalone(ADDS, tmp_path, static=(1,))
    same(original(1.5, m), jitted(1.5, m))
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    same(original(1.5, m), namespace["f"](1.5, m))


def test_a_key_added_under_a_traced_test_names_the_line(tmp_path):
    _, _, text = standalone(ADDS, tmp_path)
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    with pytest.raises(jax.errors.TracerBoolConversionError,
                       match=r"prog\.py:4: .*adds the key '[rs]' to the dict `d`"):
        jax.jit(namespace["f"])(1.5, 3)


def test_a_held_key_stays_lax(tmp_path):
    original, jitted, text = standalone(HELD, tmp_path)
    assert "jax.lax.cond(m > 1" in text
    for m in (0, 3):
        same(original(1.5, m), jitted(1.5, m))
