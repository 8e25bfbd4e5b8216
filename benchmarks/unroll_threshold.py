"""Where does compiling a short static loop as a loop start to pay off over unrolling it?

Run: .venv/bin/python benchmarks/unroll_threshold.py [--quick] [--json PATH]

For trip counts 1..64 of two small bodies, a recurrent cell (``h = tanh(h @ w + b * i)``,
32 units) and an elementwise decay (``h = 0.9 * h + b * i``), it times under ``jax.jit``: (a) the Python loop fully unrolled, (b) ``lax.fori_loop``
with static bounds (a scan), and (c) py2lax, which unrolls up to ``UNROLL_LIMIT``
iterations and compiles a loop beyond. First call = trace + compile + run with caches
cleared; cached call = per-call time once compiled (interleaved rounds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

import py2lax  # noqa: E402
from common import (RESULTS, allclose_trees, block, first_call_jit, first_call_py2lax,  # noqa: E402
                    fmt_ratio, fmt_time, interleaved, machine_info, print_machine, print_table,
                    warm_up, write_json)
from py2lax.runtime.loops import UNROLL_LIMIT  # noqa: E402

TRIP_COUNTS = (1, 2, 4, 8, 16, 32, 64)


def rnn_step(h, i, w, b):
    """A small recurrent cell: matrix-vector product and tanh (32 units)."""
    return jnp.tanh(h @ w + b * i)


def decay_step(h, i, w, b):
    """An elementwise damped update without transcendentals: XLA fuses it when unrolled."""
    del w
    return 0.9 * h + b * i


BODIES = {"rnn": rnn_step, "decay": decay_step}


def make_unrolled(n, step):
    """The Python loop; plain jax.jit unrolls it, py2lax decides by ``UNROLL_LIMIT``."""
    def unrolled(h, w, b):
        for i in range(n):
            h = step(h, i, w, b)
        return h
    return unrolled


def make_loop(n, step):
    """The same loop as ``lax.fori_loop`` with static bounds (lowered to a scan)."""
    def loop(h, w, b):
        return lax.fori_loop(0, n, lambda i, h: step(h, i, w, b), h)
    return loop


def bench_count(n, step, args, cfg) -> dict:
    unrolled, loop = make_unrolled(n, step), make_loop(n, step)
    jitted = {"unrolled": jax.jit(unrolled), "loop": jax.jit(loop),
              "py2lax": py2lax.autograph_jit(unrolled)}
    results = {name: block(f(*args)) for name, f in jitted.items()}
    if not all(allclose_trees(results["unrolled"], r) for r in results.values()):
        raise AssertionError(f"n={n}: unrolled, loop and py2lax results disagree")
    first = {"unrolled": [], "loop": [], "py2lax": []}
    for _ in range(cfg["reps"]):  # alternate, so noise hits all alike
        first["unrolled"].append(first_call_jit(unrolled, args))
        first["loop"].append(first_call_jit(loop, args))
        first["py2lax"].append(first_call_py2lax(unrolled, args))
    cached = interleaved(jitted, args, cfg["rounds"], cfg["budget"])
    row = {"n": n}
    for name in jitted:
        row[f"{name}_first_s"] = min(first[name])
        row[f"{name}_cached_s"] = cached[name]["min"]
    return row


def recommend(rows) -> dict:
    """Compile-time crossover, the largest n up to which unrolling compiles about as fast
    as the loop (the suggested unroll limit), and where unrolled code runs faster."""
    crossover = next((r["n"] for r in rows if all(
        s["loop_first_s"] < s["unrolled_first_s"] for s in rows if s["n"] >= r["n"])), None)
    limit = 1  # unroll while every count up to n compiles within 10% (or 10 ms) of the loop
    for r in rows:
        if r["unrolled_first_s"] > max(1.1 * r["loop_first_s"], r["loop_first_s"] + 0.010):
            break
        limit = r["n"]
    faster_unrolled = [r["n"] for r in rows if r["unrolled_cached_s"] < 0.95 * r["loop_cached_s"]]
    return {"compile_crossover_n": crossover, "suggested_unroll_limit": limit,
            "runs_5pct_faster_unrolled_at_n": faster_unrolled}


def report(body, rows) -> dict:
    headers = ["n", "unrolled 1st", "loop 1st", "py2lax 1st", "loop/unrolled 1st",
               "unrolled cached", "loop cached", "py2lax cached", "loop/unrolled cached"]
    print(f"\nbody: {body} ({BODIES[body].__doc__.strip()})")
    print_table(headers, [[
        r["n"], fmt_time(r["unrolled_first_s"]), fmt_time(r["loop_first_s"]),
        fmt_time(r["py2lax_first_s"]), fmt_ratio(r["loop_first_s"] / r["unrolled_first_s"]),
        fmt_time(r["unrolled_cached_s"]), fmt_time(r["loop_cached_s"]),
        fmt_time(r["py2lax_cached_s"]), fmt_ratio(r["loop_cached_s"] / r["unrolled_cached_s"]),
    ] for r in rows])
    advice = recommend(rows)
    print(f"{body}: the loop compiles faster than unrolling from n = "
          f"{advice['compile_crossover_n']} on; unrolling compiles within 10% (or 10 ms) of the "
          f"loop up to n = {advice['suggested_unroll_limit']}; unrolled code runs >5% faster at n in "
          f"{advice['runs_5pct_faster_unrolled_at_n']}")
    return advice


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition, short rounds")
    parser.add_argument("--json", default=str(RESULTS / "unroll_threshold.json"))
    options = parser.parse_args(argv)
    cfg = ({"reps": 1, "rounds": 5, "budget": 0.002} if options.quick
           else {"reps": 5, "rounds": 30, "budget": 0.005})

    info = machine_info()
    print_machine(info)
    warm_up()
    key_h, key_w = jax.random.split(jax.random.PRNGKey(0))
    args = (jax.random.normal(key_h, (32,)), jax.random.normal(key_w, (32, 32)) / 6.0,
            jnp.full((32,), 0.01))
    measured, failed = {}, False
    for body, step in BODIES.items():
        for n in TRIP_COUNTS:
            print(f"  {body} n={n} ...", flush=True)
            try:
                measured.setdefault(body, []).append(bench_count(n, step, args, cfg))
            except Exception as error:  # noqa: BLE001 - report and go on
                failed = True
                print(f"  {body} n={n}: ERROR {type(error).__name__}: {error}")
    results = {body: {"trip_counts": rows, "advice": report(body, rows)}
               for body, rows in measured.items()}
    limits = [r["advice"]["suggested_unroll_limit"] for r in results.values()]
    if limits:
        verdict = "supports it" if min(limits) == UNROLL_LIMIT else f"suggests {min(limits)}"
        print(f"\nUNROLL_LIMIT is {UNROLL_LIMIT}: this measurement {verdict} (the smallest "
              "per-body limit: unrolling must stay cheap to compile for every body)")
    write_json(options.json, {"machine": info, "mode": "quick" if options.quick else "full",
                              "config": cfg, "unroll_limit": UNROLL_LIMIT, "bodies": results})
    print(f"wrote {options.json}")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
