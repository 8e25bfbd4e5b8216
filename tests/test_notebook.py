"""``%load_ext py2lax`` and ``%%py2lax`` in a real IPython InteractiveShell.

The shell is IPython's own (``InteractiveShell``), so cells are compiled and cached the
way a notebook kernel does it: this is also where ``@autograph_jit`` on a function
defined in a cell is checked to read its source from IPython's cell cache.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing.globalipapp import start_ipython

from py2lax.diagnostics.errors import UndefinedVariableError
from py2lax.tools.notebook import CellSyntaxError
from py2lax.transpiler import transpile

CELL = '''\
import jax.numpy as jnp
from py2lax import autograph_jit

@autograph_jit
def relu_sum(x):
    total = 0.0
    for v in x:
        if v > 0:
            total = total + v
    return total
'''


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    shell = start_ipython()
    shell.run_line_magic("load_ext", "py2lax")
    return shell


def run(shell: InteractiveShell, cell: str):
    result = shell.run_cell(cell)
    if result.error_before_exec or result.error_in_exec:
        raise result.error_before_exec or result.error_in_exec
    return result.result


def test_the_magic_shows_the_rewritten_cell_without_running_it(shell, tmp_path, capsys):
    marker = tmp_path / "ran"
    cell = f"open({str(marker)!r}, 'w').close()\n" + CELL
    run(shell, "%%py2lax\n" + cell)
    shown = capsys.readouterr().out
    assert shown.strip() == transpile(cell, readable=True).strip()
    assert "py2lax.for_each(x, loop_body_8" in shown
    assert not marker.exists() and "relu_sum" not in shell.user_ns


def test_the_shown_cell_is_highlighted_html(shell, monkeypatch):
    import py2lax.tools.notebook

    shown = []
    monkeypatch.setattr(py2lax.tools.notebook, "display", shown.append)
    run(shell, "%%py2lax\n" + CELL)
    (code,) = shown
    html = code._repr_html_()   # what Jupyter renders: pygments-highlighted HTML
    assert '<span class="k">def</span>' in html and "py2lax" in html


def test_run_executes_the_converted_cell(shell):
    value = run(shell, "%%py2lax --run\n" + CELL + "float(relu_sum(jnp.array([1.0, -2.0, 3.0])))\n")
    assert value == 4.0
    assert run(shell, "float(relu_sum(jnp.array([-1.0, 5.0])))") == 5.0


INTERNAL = ("Traceback", "notebook.py", "transpiler.py", "fence.py", "pipeline.py")


def test_a_conversion_error_fails_the_cell_before_running(shell, capsys):
    cell = "import jax\n@jax.jit\ndef gen(x):\n    yield x\nran_anyway = True\n"
    run(shell, "%%py2lax\n" + cell)
    assert "# py2lax cannot convert 1 function" in capsys.readouterr().out
    result = shell.run_cell("%%py2lax --run\n" + cell)
    assert type(result.error_in_exec).__name__ == "UnsupportedSyntaxError"
    assert "ran_anyway" not in shell.user_ns
    shown = capsys.readouterr().out
    assert ":4: `yield` makes this a generator" in shown and "\nFix: " in shown
    assert not [frame for frame in INTERNAL if frame in shown], shown


@pytest.mark.parametrize("magic", ["%%py2lax", "%%py2lax --run"])
def test_a_syntax_error_shows_the_cell_line_without_frames(shell, capsys, magic):
    result = shell.run_cell(f"{magic}\nimport jax\n@jax.jit\ndef f(x)\n    return x\n")
    error = result.error_in_exec
    assert isinstance(error, CellSyntaxError) and isinstance(error.__cause__, SyntaxError)
    assert str(error).endswith(":3:9: syntax error: expected ':'")
    shown = capsys.readouterr().out
    assert "Cell In[" in shown and "line 3" in shown and "def f(x)" in shown
    assert "SyntaxError: expected ':'" in shown
    assert not [frame for frame in INTERNAL if frame in shown], shown


def test_autograph_jit_works_on_functions_defined_in_cells(shell):
    run(shell, CELL)
    assert run(shell, "float(relu_sum(jnp.array([2.0, -1.0, 4.0])))") == 6.0
    run(shell, "import py2lax\nsource = py2lax.to_source(relu_sum)")
    assert "py2lax.cond(v > 0" in shell.user_ns["source"]
    run(shell, "@autograph_jit\ndef pick(x):\n    if x > 0:\n        y = x\n    return y\n")
    with pytest.raises(UndefinedVariableError, match="assigned only in the true branch"):
        run(shell, "pick(jnp.float32(1.0))")


def test_all_rewrites_undecorated_functions(shell, capsys):
    cell = "def grow(x):\n    while x < 3:\n        x = x + 1\n    return x\n"
    run(shell, "%%py2lax\n" + cell)
    assert "py2lax.while_loop" not in capsys.readouterr().out
    run(shell, "%%py2lax --all\n" + cell)
    assert "x, = py2lax.while_loop(loop_cond_2, loop_body_2, (x,))" in capsys.readouterr().out
    assert "grow" not in shell.user_ns


def test_ipython_syntax_in_the_cell_is_translated_not_run(shell, capsys):
    run(shell, "%%py2lax\n%time x = 1\n" + CELL)
    assert "run_line_magic('time', 'x = 1')" in capsys.readouterr().out


def test_loading_the_package_imports_neither_ipython_nor_jax():
    code = ("import sys, py2lax\nassert callable(py2lax.load_ipython_extension)\n"
            "assert 'IPython' not in sys.modules and 'jax' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
