"""Writes into an array that a name has just made (``new = u.copy()``) reach no other
name, even where the function later links the two (``u = new``): the double buffer of
a stencil or a Jacobi sweep converts in both emitters, with no write-back and no
refusal. Where another name may already hold the array when it is written, the write
still reaches it, as in NumPy. The oracle is the function run as Python on NumPy
arrays.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import load_module
from py2lax import autograph_jit
from py2lax.transpiler import transpile

HEAT_ROD = """
import numpy as np

def heat_rod(u):
    u = u.copy()
    steps = 0
    while steps < 500:
        new = u.copy()
        new[1:-1] = u[1:-1] + 0.4 * (u[2:] - 2 * u[1:-1] + u[:-2])
        change = np.abs(new - u).max()
        u = new
        steps += 1
        if change < 1e-3:
            break
    return u, steps
"""

JACOBI = """
import numpy as np

def jacobi(A, b):
    x = np.zeros_like(b)
    for sweep in range(100):
        x_new = np.empty_like(x)
        for i in range(b.shape[0]):
            s = A[i] @ x - A[i, i] * x[i]
            x_new[i] = (b[i] - s) / A[i, i]
        if np.abs(x_new - x).max() < 1e-6:
            return x_new, sweep
        x = x_new
    return x, -1
"""

# The array is written after a second name took it in an earlier iteration: NumPy
# changes what both names see.
SHARED_FROM_THE_LAST_ITERATION = """
import numpy as np

def shared(u, n):
    keep = u.copy()
    new = u.copy()
    for i in range(n):
        new[0] = new[0] + 1.0
        keep = new
    return keep, new
"""

# A second name taken after the copy and before the write sees the write.
ALIAS_BEFORE_THE_WRITE = """
import numpy as np

def alias(u, x):
    new = u.copy()
    view = new
    if x > 0:
        new[0] = x
    return view
"""

PROGRAMS = {
    "heat_rod": (HEAT_ROD, (np.linspace(0.0, 1.0, 8) ** 2,)),
    "jacobi": (JACOBI, (np.array([[4.0, 1.0, 0.0], [1.0, 5.0, 2.0], [0.0, 2.0, 6.0]]),
                        np.array([1.0, 2.0, 3.0]))),
    "shared": (SHARED_FROM_THE_LAST_ITERATION, (np.arange(3.0), 3)),
    "alias": (ALIAS_BEFORE_THE_WRITE, (np.arange(3.0), 5.0)),
}
# Plain jax cannot make a write reach a second name: --standalone keeps these as Python
# with a note that names the other holder.
STANDALONE_REFUSES = {"shared": "keep", "alias": "view"}


def _python_and_converted(source: str, name: str, args, standalone: bool, folder):
    source = textwrap.dedent(source)
    path = folder / f"{name}.py"
    path.write_text(source)
    original = getattr(load_module(path, f"fresh_{name}"), name)
    expected = original(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    if standalone:
        text = transpile(source, "program.py", all_functions=True, standalone=True)
        assert "import py2lax" not in text and "py2lax." not in text
        converted_namespace: dict = {}
        exec(compile(text, "program.py", "exec"), converted_namespace)
        function = jax.jit(converted_namespace[name])
    else:
        function = autograph_jit(original)
    got = function(*[jnp.asarray(a) for a in args])
    return expected, got


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_fresh_buffers_agree_with_python(name, standalone, tmp_path):
    source, args = PROGRAMS[name]
    if standalone and name in STANDALONE_REFUSES:
        text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                         standalone=True)
        holder = STANDALONE_REFUSES[name]
        assert f"# py2lax: left as Python: --standalone:" in text
        assert f"`{holder}` holds the old one" in text
        return
    expected, got = _python_and_converted(source, name, args, standalone, tmp_path)
    for want, have in zip(jax.tree.leaves(expected), jax.tree.leaves(got)):
        np.testing.assert_allclose(np.asarray(have), np.asarray(want), rtol=1e-5, atol=1e-6)


def test_a_fresh_buffer_needs_no_write_back():
    """The runtime output writes the new array to ``new`` only: nothing else holds it."""
    text = transpile(textwrap.dedent(HEAT_ROD), "program.py", all_functions=True)
    assert "written_through" not in text
    assert "new = py2lax.setitem(new," in text


def test_a_buffer_another_name_holds_is_written_back():
    """``keep = new`` in the loop: the write into ``new`` must reach ``keep``."""
    text = transpile(textwrap.dedent(SHARED_FROM_THE_LAST_ITERATION), "program.py",
                     all_functions=True)
    assert "keep = py2lax.written_through(keep" in text
