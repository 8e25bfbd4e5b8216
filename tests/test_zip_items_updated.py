"""``for u, v in zip(a, b)`` (or ``enumerate(zip(a, b))``) whose body writes items of
``a`` or ``b``: Python's zip reads each item of the NumPy array as it is when the loop
reaches it, so a write ahead of the loop is seen. The converted loop reads the carried
array at each position (runtime and ``--standalone``), not a copy taken before the loop.
"""

from __future__ import annotations

import copy
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import assert_tree_close
from test_standalone_builtins import standalone_agrees

PROGRAMS = {
    "zip-writes-ahead": """
def f(a, b):
    a = a.copy(); s = 0.0; i = 0
    for u, v in zip(a, b):
        if i + 1 < len(a):
            a[i + 1] = a[i + 1] + u
        s += u * v
        i += 1
    return s, a
""",
    "enumerate-of-zip-writes-the-second": """
def f(a, b):
    b = b.copy(); s = 0.0
    for i, (u, v) in enumerate(zip(a, b)):
        if i + 1 < len(b):
            b[i + 1] += v
        s += v
    return s, b
""",
    "zip-writes-the-last-item-under-a-traced-test": """
def f(a, b):
    a = a.copy(); s = 0.0
    for u, v in zip(a, b):
        if u > 0:
            a[-1] = a[-1] + v
        s += u
    return s, a
""",
    "zip-inside-a-loop": """
def f(a, b):
    a = a.copy(); s = 0.0
    for k in range(2):
        for u, v in zip(a, b):
            a[0] = a[0] + u
            s += v
    return s, a
""",
}
INPUTS = (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]))


def _function(source: str, tmp_path, name: str):
    path = tmp_path / f"{name.replace('-', '_')}.py"
    path.write_text(textwrap.dedent(source))
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["f"]


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_compiled_loop_reads_items_the_body_wrote(name, tmp_path):
    function = _function(PROGRAMS[name], tmp_path, name)
    expected = function(*copy.deepcopy(INPUTS))
    got = py2lax.autograph_jit(function)(*(jnp.asarray(a) for a in INPUTS))
    assert_tree_close(expected, got, dtype=None)


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_standalone_loop_reads_items_the_body_wrote(name):
    standalone_agrees(PROGRAMS[name], "f", INPUTS)
