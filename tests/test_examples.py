"""Every script in examples/ runs, verifies itself against eager Python, and prints its result.

The scripts are run as subprocesses, a few at a time (``examples/_*.py`` are helpers, not
examples). Each script asserts internally that py2lax's compiled result matches eager
Python; here we check that it exits cleanly, prints the expected result lines, and
reports the speed-up over eager Python. Every example must have an entry in EXPECTED.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
TIMEOUT_S = 180
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


def _run(script: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                              text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as expired:
        return subprocess.CompletedProcess(expired.cmd, -1, expired.stdout or "",
                                           f"timed out after {TIMEOUT_S} s")


@pytest.fixture(scope="module")
def outputs() -> dict[str, subprocess.CompletedProcess]:
    """Run every example once, a few at a time (each is mostly one JAX process's startup,
    tracing and compiling)."""
    workers = max(2, min(4, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip((s.stem for s in SCRIPTS), pool.map(_run, SCRIPTS)))


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
    result = outputs[name]
    shown = f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"examples/{name}.py exited with {result.returncode}\n{shown}"
    assert re.search(SPEED_UP, result.stdout), f"no speed-up line\n{shown}"
    for check in EXPECTED.get(name, []):
        if isinstance(check, str):
            assert check in result.stdout, f"missing {check!r}\n{shown}"
            continue
        _, pattern, expected, tolerance = check
        found = re.search(pattern, result.stdout)
        assert found, f"no match for {pattern!r}\n{shown}"
        value = float(found.group(1))
        assert abs(value - expected) <= tolerance, (
            f"{pattern!r}: {value} is not within {tolerance} of {expected}\n{shown}")
