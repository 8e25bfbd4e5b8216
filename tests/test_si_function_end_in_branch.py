"""The function's end (``None`` where no ``return`` ran) inside a branch of a traced
``if``: ``--standalone`` kept the ``if`` as Python ("`return_value` is assigned NoneType
values"), which stopped at its traced test, where Python (and the runtime) return the
value the branch's own Python loop returns. The end is tested when tracing: a branch
whose own statements returned gives its value through lax.cond; one that ends without
``return`` is a TypeError naming the user's line under jit, and None on plain values,
as Python gives."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from standalone_oracle import same, standalone

SOURCE = """
def f(x, n):
    if n == 1:
        return x + 1.0, x
    c = x * 2.0
    for i in range(3):
        if i > 1:
            return c, x - 1.0

def g(x, n):
    if n == 1:
        return x + 1.0
    c = x * 2.0
    for i in range(3):
        if i > 5:
            return c
"""


def _module(text, tmp_path) -> dict:
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    return namespace


def test_a_branch_that_returns_through_a_python_loop_gives_pythons_value(tmp_path):
    original, converted, text = standalone(SOURCE, tmp_path)
    for n in (0, 1, 4):
        same(original(np.float32(0.5), n), converted(np.float32(0.5), n))
    plain = _module(text, tmp_path)["f"]
    for n in (0, 1):
        same(original(0.5, n), plain(0.5, n))


def test_a_branch_that_ends_without_return_is_located_when_traced(tmp_path):
    _, _, text = standalone(SOURCE, tmp_path)
    g = _module(text, tmp_path)["g"]
    with pytest.raises(TypeError) as caught:
        jax.jit(g)(np.float32(0.5), 1)
    assert str(caught.value).startswith(f"{tmp_path / 'prog.py'}:11: a value is None on a "
                                        "path this traced test chooses (the function may end "
                                        "without `return`")
    # on plain values, Python's own answers: None, and the value
    assert g(0.5, 0) is None
    assert g(0.5, 1) == 1.5


def test_the_output_is_a_fixed_point(tmp_path):
    from py2lax import transpile
    _, _, text = standalone(SOURCE, tmp_path)
    again = transpile(text, str(tmp_path / "prog.py"), all_functions=True, standalone=True)
    assert again == text
