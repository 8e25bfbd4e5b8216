"""Every script in examples/ runs, verifies itself against eager Python, and prints its result.

The scripts are run as ``__main__`` in one subprocess (``examples/_*.py`` are helpers, not
examples): starting JAX costs more than most examples, so one process starts it once and
runs every script in turn, each with its own namespace, output and exit status. Each script asserts internally that py2lax's compiled result matches eager
Python; here we check that it exits cleanly, prints the expected result lines, and
reports the speed-up over eager Python. Every example must have an entry in EXPECTED.

The same scripts rewritten by ``py2lax --standalone`` run where py2lax cannot be imported
and must print the same results; the two that need the runtime say why.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
TIMEOUT_S = 600  # all the scripts of one run
SPEED_UP = r"speed-up: [0-9.]+x"


def near(pattern: str, expected: float, tolerance: float):
    """A check: ``pattern``'s first group is a number within ``tolerance`` of ``expected``."""
    return ("near", pattern, expected, tolerance)


# Per example: literal substrings, or near(...) numeric checks. SPEED_UP is checked for all.
EXPECTED = {
    "quickstart": [
        "myabs(-2)        = 2", "f_loop(2., 10)   = 20.0", "sum_up_to(5)     = 10.0",
        "py2lax.while_loop(",
    ],
    "bisection": [near(r"root of x\*\*3 - 2x - 5 in \[2, 3\]: ([-0-9.]+)", 2.0945515, 1e-5)],
    "newton": [
        near(r"M = 1.0, e = 0.5: E = ([-0-9.]+)", 1.4987011, 1e-5),
        near(r"M = 0.3, e = 0.95: E = ([-0-9.]+)", 1.1774500, 1e-4),
    ],
    "ode_adaptive": [near(r"y\(10\) = ([-0-9.]+)", -0.8390715, 1e-3), "steps accepted"],
    "mandelbrot": [near(r"(\d+) of 1536 grid points stay bounded", 324, 12), "@@@@"],
    "metropolis": [
        near(r"mean ([-0-9.]+) \(exact 0.45\)", 0.45, 0.2),
        near(r"std ([-0-9.]+) \(exact", 1.830, 0.2),
        near(r"acceptance rate ([-0-9.]+)", 0.6, 0.2),
        "per step",
    ],
    "kmeans": [
        "converged after",
        near(r"\(\s*([-0-9.]+),\s*[-0-9.]+\)\s+\d+ points", -4.0, 0.3),   # first row: x
        near(r"\(\s*[-0-9.]+,\s*([-0-9.]+)\)\s+\d+ points", 0.0, 0.3),    # first row: y
    ],
    "seed_myabs": ["plain jax.jit: TracerBoolConversionError", "myabs(-2) = 2, myabs(3) = 3"],
    "seed_sum_up_to": [
        "plain jax.jit: TracerBoolConversionError",
        "sum_up_to(5) = 10.0, sum_up_to(10) = 45.0, sum_up_to(1000) = 499500.0",
    ],
    "seed_f_loop": [
        "plain jax.jit: TracerIntegerConversionError",
        "f_loop(2., 10) = 20.0, f_loop(2., 11) = 22.0, f_loop(2., 15) = 30.0",
    ],
    "seed_neg": ["plain jax.jit: TracerBoolConversionError", "f(1, True) = -1, f(1, False) = 1"],
    "seed_log2": [
        near(r"log2\(3.0\) = ([-0-9.]+)", 1.5849625, 1e-5), "side effect ran 1 time",
        "jaxpr for a rank-1 input:", "in (a,) }", "[[0.0, 1.0], [2.0, 3.0]]",
    ],
    "seed_selu": [near(r"selu\(-1\) = ([-0-9.]+)", -1.1084227, 1e-5),
                  near(r"selu\(2\) = ([-0-9.]+)", 2.1, 1e-5)],
}


# Runs each script given as ``__main__`` (as ``python SCRIPT`` does: its folder first on
# sys.path, its output and exit status its own) and writes {stem: [status, stdout, stderr]}
# to the JSON file named first; with --without-py2lax every import of py2lax fails, as on
# a machine with only jax.
RUNNER = """
import contextlib, importlib.abc, io, json, os, runpy, sys, traceback
class NoPy2lax(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "py2lax":
            raise ImportError("py2lax is not installed here")
arguments = sys.argv[1:]
if arguments[0] == "--without-py2lax":
    sys.meta_path.insert(0, NoPy2lax())
    arguments = arguments[1:]
results_path, scripts = arguments[0], arguments[1:]
results = {}
for script in scripts:
    folder = os.path.dirname(script)
    os.chdir(folder)
    sys.path.insert(0, folder)
    sys.argv = [script]
    out, err, status = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else (exit.code is not None)
            if not isinstance(exit.code, (int, type(None))):
                print(exit.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            status = 1
    sys.path.remove(folder)
    results[os.path.splitext(os.path.basename(script))[0]] = [status, out.getvalue(),
                                                              err.getvalue()]
    with open(results_path, "w") as file:  # (after each: a hang keeps the ones before)
        json.dump(results, file)
"""
# Examples --standalone refuses, and the reason it gives.
NEEDS_RUNTIME = {
    "quickstart": "`py2lax` from py2lax is still used here",   # it prints py2lax.to_source
}


def _run_all(scripts: list[Path], results: Path,
              without_py2lax: bool = False) -> dict[str, subprocess.CompletedProcess]:
    """Every script run by RUNNER in one process: a CompletedProcess per script (a script
    the runner did not finish gets the runner's status and output)."""
    command = [sys.executable, "-c", RUNNER] + (["--without-py2lax"] if without_py2lax else [])
    command += [str(results)] + [str(script) for script in scripts]
    try:
        runner = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as expired:
        runner = subprocess.CompletedProcess(expired.cmd, -1, expired.stdout or "",
                                             f"timed out after {TIMEOUT_S} s")
    done = json.loads(results.read_text()) if results.exists() else {}
    outputs = {}
    for script in scripts:
        status, out, err = done.get(script.stem, (runner.returncode or -1, runner.stdout,
                                                  f"the runner stopped before this script "
                                                  f"finished:\n{runner.stderr}"))
        outputs[script.stem] = subprocess.CompletedProcess([str(script)], status, out, err)
    return outputs


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Run every example once (each is mostly tracing and compiling; JAX starts once)."""
    return _run_all(SCRIPTS, tmp_path_factory.mktemp("examples") / "results.json")


@pytest.fixture(scope="module")
def standalone_outputs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """``py2lax --standalone`` of every example (but those that need the runtime), run
    with py2lax unimportable. One ``py2lax --standalone --write`` rewrites copies of them
    all, as it would each one alone."""
    folder = tmp_path_factory.mktemp("standalone_examples")
    for helper in EXAMPLES.glob("_*.py"):
        (folder / helper.name).write_text(helper.read_text())
    scripts = [folder / script.name for script in SCRIPTS if script.stem not in NEEDS_RUNTIME]
    for script in scripts:
        script.write_text((EXAMPLES / script.name).read_text())
    rewritten = subprocess.run([sys.executable, "-m", "py2lax", "--standalone", "--write", "-q"]
                               + [str(script) for script in scripts],
                               capture_output=True, text=True, timeout=TIMEOUT_S)
    assert rewritten.returncode == 0, rewritten.stderr
    return _run_all(scripts, folder / "results.json", without_py2lax=True)


def test_every_example_has_expectations():
    names = {s.stem for s in SCRIPTS}
    assert names == set(EXPECTED), (
        f"examples without expectations: {sorted(names - set(EXPECTED))}; "
        f"expectations without example: {sorted(set(EXPECTED) - names)}")


def test_there_are_enough_examples():
    scientific = {"bisection", "newton", "ode_adaptive", "mandelbrot", "metropolis", "kmeans"}
    seeds = {"seed_selu", "seed_log2", "seed_f_loop", "seed_sum_up_to", "seed_myabs",
             "seed_neg"}
    assert scientific | seeds <= {s.stem for s in SCRIPTS}


@pytest.mark.parametrize("name", [s.stem for s in SCRIPTS])
def test_example_runs_and_prints_its_result(name, outputs):
    _check_output(name, outputs[name])


@pytest.mark.parametrize("name", [s.stem for s in SCRIPTS if s.stem not in NEEDS_RUNTIME])
def test_standalone_example_runs_without_py2lax_and_prints_its_result(
        name, standalone_outputs):
    # The seeds show plain `jax.jit(f)` failing first; --standalone converts a function that
    # a module-level `jax.jit(f)` compiles, so that line is not printed there.
    checks = [c for c in EXPECTED[name] if not str(c).startswith("plain jax.jit")]
    _check_output(name, standalone_outputs[name], checks)


@pytest.mark.parametrize("name", sorted(NEEDS_RUNTIME))
def test_standalone_says_why_an_example_needs_the_runtime(name):
    script = EXAMPLES / f"{name}.py"
    result = subprocess.run([sys.executable, "-m", "py2lax", "--standalone", str(script)],
                            capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 2 and result.stdout == ""
    assert f"{script}:" in result.stderr and NEEDS_RUNTIME[name] in result.stderr


def _check_output(name: str, result: subprocess.CompletedProcess, checks=None) -> None:
    shown = f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"examples/{name}.py exited with {result.returncode}\n{shown}"
    assert re.search(SPEED_UP, result.stdout), f"no speed-up line\n{shown}"
    for check in EXPECTED.get(name, []) if checks is None else checks:
        if isinstance(check, str):
            assert check in result.stdout, f"missing {check!r}\n{shown}"
            continue
        _, pattern, expected, tolerance = check
        found = re.search(pattern, result.stdout)
        assert found, f"no match for {pattern!r}\n{shown}"
        value = float(found.group(1))
        assert abs(value - expected) <= tolerance, (
            f"{pattern!r}: {value} is not within {tolerance} of {expected}\n{shown}")
