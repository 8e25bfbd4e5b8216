"""Timing helpers shared by the examples (not an example itself).

"Eager Python" is the function as written, called without ``jit``: JAX runs it op by
op, and Python evaluates every ``if`` and ``while`` itself. "py2lax" is the same
function through ``py2lax.autograph_jit``, timed after a warm-up call has compiled it.
"""

from __future__ import annotations

import time

import jax


def seconds_per_call(function, *args, budget: float = 0.1, min_calls: int = 3) -> float:
    """Best wall time of one call (results ready), after one warm-up call."""
    jax.block_until_ready(function(*args))  # compiles a jitted function; warms caches
    best, spent, calls = float("inf"), 0.0, 0
    while calls < min_calls or spent < budget:
        start = time.perf_counter()
        jax.block_until_ready(function(*args))
        elapsed = time.perf_counter() - start
        best, spent, calls = min(best, elapsed), spent + elapsed, calls + 1
    return best


def readable(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def report(eager: float, compiled: float, per: str = "call") -> None:
    """Print both timings and the speed-up of the compiled version."""
    ratio = eager / compiled
    speed_up = f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"
    print(f"eager Python: {readable(eager)} per {per}; "
          f"py2lax (compiled): {readable(compiled)} per {per}; speed-up: {speed_up}")
