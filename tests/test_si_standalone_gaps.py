"""``--standalone`` gaps the runtime does not have (issue 14): each program runs as
Python and as its standalone output, jitted; they agree, or the output stops with an
error whose first line names the user's line."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from standalone_oracle import same, standalone


PYTHON_RANGE = """
def f(x, n):
    s = 0.0
    for i in range(n):
        s = s + x[i:i + 2].sum()
    return s
"""


def test_python_loop_over_a_static_range_gives_pythons_answer(tmp_path):
    original, converted, text = standalone(PYTHON_RANGE, tmp_path, static=(1,))
    x = np.arange(5.0, dtype=np.float32)
    same(original(x, 3), converted(x, 3))
    # on plain values the output is the user's loop
    plain: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), plain)
    assert plain["f"](x, 3) == original(x, 3)


def test_python_loop_over_a_traced_range_names_the_users_line(tmp_path):
    _, _, text = standalone(PYTHON_RANGE, tmp_path)
    converted: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    with pytest.raises(TypeError) as caught:
        jax.jit(converted["f"])(np.arange(5.0, dtype=np.float32), 2)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{tmp_path / 'prog.py'}:4: this loop stays Python"), first
    assert "static_argnums" in first
