"""Helpers shared by the benchmark scripts: timing, jaxpr size, machine info, formatting."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import jax
import numpy as np
from jax.extend.core import ClosedJaxpr, Jaxpr

import py2lax
import py2lax.api

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def fresh(function):
    """A new function object with the same code: no tracing or jit cache can know it."""
    copy = types.FunctionType(function.__code__, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    copy.__module__ = function.__module__
    return copy


def block(value):
    return jax.block_until_ready(value)


@contextlib.contextmanager
def no_gc():
    """Collect garbage, then keep the collector paused inside the block (as timeit does)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def timed_once(action) -> float:
    """Seconds of one ``action()``, without garbage collection inside."""
    with no_gc():
        start = time.perf_counter()
        action()
        return time.perf_counter() - start


def first_call_py2lax(function, args, **jit_kwargs) -> float:
    """Seconds for convert + trace + compile + run, with every cache cleared first."""
    py2lax.api._CACHE.clear()
    jax.clear_caches()
    function = fresh(function)
    return timed_once(lambda: block(py2lax.autograph_jit(function, **jit_kwargs)(*args)))


def first_call_jit(function, args, **jit_kwargs) -> float:
    """Seconds for trace + compile + run of ``jax.jit(function)``, caches cleared first."""
    jax.clear_caches()
    function = fresh(function)
    return timed_once(lambda: block(jax.jit(function, **jit_kwargs)(*args)))


def per_call(function, args, budget=0.005) -> float:
    """Seconds per call of ``function(*args)`` (blocked), timeit-style: a loop of calls
    sized to take about ``budget`` seconds, divided by its length. Short loops let the
    minimum over rounds find windows in which no other process took the CPU."""
    block(function(*args))
    number, elapsed = 1, 0.0
    while True:  # find the loop size, as timeit.autorange does
        start = time.perf_counter()
        for _ in range(number):
            block(function(*args))
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 5 or number >= 100_000:
            break
        number *= 10
    number = max(1, int(number * budget / max(elapsed, 1e-9)))
    with no_gc():
        start = time.perf_counter()
        for _ in range(number):
            block(function(*args))
        return (time.perf_counter() - start) / number


def interleaved(functions: dict, args, rounds=30, budget=0.005) -> dict:
    """Per-call seconds of each function, measured in alternating rounds so that machine
    noise hits all of them alike. Returns {name: {"min", "median", "rounds"}}."""
    samples = {name: [] for name in functions}
    for round_index in range(rounds):
        order = list(functions) if round_index % 2 == 0 else list(reversed(functions))
        for name in order:
            samples[name].append(per_call(functions[name], args, budget))
    return {name: {"min": min(s), "median": statistics.median(s), "rounds": s}
            for name, s in samples.items()}


def median_time(action, repeat) -> float:
    """Median seconds of ``action()`` over ``repeat`` runs."""
    return statistics.median(timed_once(action) for _ in range(repeat))


def count_eqns(jaxpr) -> int:
    """Equations of a jaxpr, counting those of sub-jaxprs (cond branches, while cond and
    body, scan and pjit bodies, custom_jvp/vjp calls) recursively."""
    if isinstance(jaxpr, ClosedJaxpr):
        jaxpr = jaxpr.jaxpr
    total = 0
    for eqn in jaxpr.eqns:
        total += 1
        for value in eqn.params.values():
            total += _count_in_param(value)
    return total


def _count_in_param(value) -> int:
    if isinstance(value, (Jaxpr, ClosedJaxpr)):
        return count_eqns(value)
    if isinstance(value, (list, tuple)):
        return sum(_count_in_param(v) for v in value)
    return 0


def jaxpr_size(function, args) -> int:
    return count_eqns(jax.make_jaxpr(function)(*args).jaxpr)


def compiled_ops(jitted, args) -> int:
    """Instructions in the optimized HLO that XLA runs (after its own simplification)."""
    text = jitted.lower(*args).compile().as_text() or ""
    return sum(1 for line in text.splitlines() if re.match(r"\s*(ROOT )?%?[\w.\-]+ = ", line))


def allclose_trees(a, b, rtol=1e-4, atol=1e-5) -> bool:
    leaves_a, leaves_b = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    return len(leaves_a) == len(leaves_b) and all(
        np.allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol)
        for x, y in zip(leaves_a, leaves_b))


def machine_info() -> dict:
    device = jax.devices()[0]
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--", "src"):
        commit += " (src/ modified)"
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": sys.version.split()[0],
        "jax": jax.__version__,
        "jaxlib": getattr(__import__("jaxlib"), "__version__", "?"),
        "backend": jax.default_backend(),
        "device_kind": device.device_kind,
        "device_count": jax.device_count(),
        "git_commit": commit,
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _git(*arguments) -> str:
    try:
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def print_machine(info: dict) -> None:
    print(f"machine: {info['platform']}, {info['cpu_count']} CPUs "
          f"({info['cpus_usable']} usable), python {info['python']}")
    print(f"jax {info['jax']} (jaxlib {info['jaxlib']}), backend {info['backend']}, "
          f"device {info['device_kind']} x{info['device_count']}, py2lax @ {info['git_commit']}")
    load, cpus = info["load_average_1min"], info["cpus_usable"] or info["cpu_count"] or 1
    if load is not None and load > 0.5 * cpus:
        print(f"warning: load average {load} on {cpus} CPUs: other processes are running, "
              "timings will be noisy")


def warm_up() -> None:
    """Pay the one-time backend start-up before anything is timed."""
    block(jax.jit(lambda x: x + 1)(np.float32(1.0)))


def fmt_time(seconds) -> str:
    if seconds is None:
        return "-"
    if isinstance(seconds, str):
        return seconds
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f}us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f}ms"
    return f"{seconds:.2f}s"


def fmt_ratio(value, target=None) -> str:
    """``1.02x``, with a ``!`` when it misses ``target`` (a ratio that must stay below)."""
    if value is None:
        return "-"
    mark = "!" if target is not None and value > target else ""
    return f"{value:.2f}x{mark}"


def print_table(headers, rows) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).rjust(w) if i else str(h).ljust(w)
                     for i, (h, w) in enumerate(zip(headers, widths)))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths))))


def write_json(path, payload) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    tmp.replace(path)
    return path
