"""NumPy views in code ``py2lax --all`` printed, run under ``jax.jit``.

The printed code calls the runtime directly (no converted-function wrapper around it),
and the runtime noted a view (``py2lax.written_through(row, view_of=a, index=i)``) only
inside such a wrapper. So ``a[i], a[j] = a[j], a[i]`` on rows gave a real swap and
``row = a[0]`` missed a later write into ``a`` under ``jax.jit`` of the printed code: a
silent wrong answer (the same code through ``autograph_jit`` gave Python's). Python on
NumPy arrays is the oracle.
"""

from __future__ import annotations

import copy
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import run_cli

SOURCE = textwrap.dedent("""\
    import numpy as np


    def swap_rows(a, i, j):
        a = np.array(a)
        a[i], a[j] = a[j], a[i]
        return a


    def swap_rows_if_larger(a, i, j):
        a = np.array(a)
        if a[i, 0] > a[j, 0]:
            a[i], a[j] = a[j], a[i]
        return a


    def row_then_write(a, x):
        a = np.array(a)
        row = a[0]
        if x > 0:
            a[0, 0] = x
        return row + 0.0


    def normalized_pivot(a):
        a = np.array(a)
        pivot = a[0]
        a[0] = a[0] / a[0, 0]
        a[1] -= a[1, 0] * pivot
        return a
""")

M = np.array([[3.0, 1.0], [1.0, 2.0]])
CASES = [("swap_rows", (M, 0, 1)), ("swap_rows_if_larger", (M, 0, 1)),
         ("swap_rows_if_larger", (M, 1, 0)), ("row_then_write", (M, 5.0)),
         ("row_then_write", (M, -5.0)), ("normalized_pivot", (M,))]




@pytest.mark.parametrize("name, args", CASES)
def test_printed_code_under_jit_gives_python_s_answer_for_views(tmp_path, capsys, name, args):
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0 and "internal error" not in err, err
    python, converted = {}, {}
    exec(compile(SOURCE, "m.py", "exec"), python)
    exec(compile(out, "printed.py", "exec"), converted)
    expected = python[name](*copy.deepcopy(args))
    jitted = jax.jit(converted[name])(*(jnp.asarray(a) for a in args))
    np.testing.assert_allclose(np.asarray(jitted), expected)
