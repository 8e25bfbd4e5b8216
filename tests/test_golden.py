"""Golden files: ``transpile(all_functions=True)`` of tests/golden/inputs/*.py must equal
tests/golden/expected/*.py, and the expected modules must compute what the inputs do.

After an intended change of the generated code, regenerate and review the diff:

    python tests/golden/regenerate.py
"""

from __future__ import annotations

import difflib
import inspect
import sys
from pathlib import Path

import jax
import pytest

from conftest import assert_tree_close, load_module

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import regenerate  # noqa: E402

pytestmark = pytest.mark.usefixtures("time_limit")

INPUTS = regenerate.inputs()



def test_there_are_golden_inputs():
    assert len(INPUTS) >= 3


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_output(path):
    expected_path = regenerate.EXPECTED / path.name
    assert expected_path.exists(), (
        f"missing {expected_path}; run `{regenerate.COMMAND}` from the repository root")
    expected = expected_path.read_text(encoding="utf-8")
    actual = regenerate.transpiled(path)
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"expected/{path.name}", tofile="transpile output"))
        pytest.fail(
            f"transpile output of tests/golden/inputs/{path.name} changed.\n{diff}\n"
            f"If the change is intended, regenerate the golden files with\n\n"
            f"    {regenerate.COMMAND}\n\nand review the diff.", pytrace=False)


def _cases():
    for path in INPUTS:
        module = load_module(path, f"golden_input_{path.stem}")
        for name, argument_lists in getattr(module, "CASES", {}).items():
            for index, args in enumerate(argument_lists):
                yield pytest.param(path, name, index, id=f"{path.stem}.{name}[{index}]")


@pytest.fixture(scope="module")
def modules():
    loaded = {}
    for path in INPUTS:
        original = load_module(path, f"golden_input_{path.stem}")
        namespace = {"__name__": f"golden_expected_{path.stem}"}
        expected_path = regenerate.EXPECTED / path.name
        exec(compile(expected_path.read_text(encoding="utf-8"), str(expected_path), "exec"),
             namespace)
        loaded[path] = (original, namespace)
    return loaded


@pytest.mark.parametrize("path, name, index", list(_cases()))
def test_golden_expected_module_computes_like_input(modules, path, name, index):
    original, rewritten = modules[path]
    args = original.CASES[name][index]
    eager = inspect.unwrap(getattr(original, name))   # the undecorated Python function
    expected = eager(*args)
    function = rewritten[name]
    jitted = function if hasattr(function, "lower") else jax.jit(function)
    assert_tree_close(expected, jitted(*args))
