"""A string a traced ``if`` chooses, used as a key (``SCALES[s]``): ``--standalone`` kept
the ``if`` as Python ("`s` is assigned str values"), which stopped at its traced test;
the runtime, and now the output, give Python's item (``string_modes``)."""

from __future__ import annotations

import numpy as np

from standalone_oracle import same, standalone

SOURCE = """
import jax.numpy as jnp
SCALES = {"lo": 0.25, "mid": 0.5, "hi": 1.0}

def f(x, y):
    c = x * 0.5
    s = "lo"
    if y < 2.0:
        s = "hi"
    elif y > 3.0:
        s = "mid"
    if s == "mid":
        c = c + 1.0
    return jnp.tanh(c + SCALES[s] * c)
"""


def test_a_key_a_traced_test_chooses_gives_pythons_item(tmp_path):
    original, converted, text = standalone(SOURCE, tmp_path)
    assert "_py2lax_python_test" not in text
    for y in (1.0, 2.5, 3.5):
        same(original(0.7, y), converted(np.float32(0.7), np.float32(y)))
    plain: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), plain)
    for y in (1.0, 2.5, 3.5):
        same(original(0.7, y), plain["f"](0.7, y))
