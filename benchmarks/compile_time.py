"""First-call time of a static loop as its trip count N grows: unrolled vs loop.

Run: .venv/bin/python benchmarks/compile_time.py [--quick] [--max-unrolled N] [--json PATH]

The program is ``for i in range(N): s = s + jnp.sin(x * i)`` with a static N. Plain
``jax.jit`` unrolls it (N copies of the body to trace and compile); py2lax compiles it as
a ``lax.fori_loop`` (a scan) once N exceeds its unroll limit; the hand-written version is
``lax.fori_loop``. Writes JSON and, when matplotlib is importable, a log-log plot.
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
from common import (ROOT, RESULTS, allclose_trees, block, first_call_jit, first_call_py2lax,  # noqa: E402
                    fmt_ratio, fmt_time, jaxpr_size, machine_info, print_machine, print_table,
                    warm_up, write_json)

SIZES = (10, 100, 1000, 10000)
PLOT = ROOT / "docs" / "images" / "compile_time.png"


def make_static_loop(n):
    """The Python loop a user writes, with a static trip count ``n``."""
    def static_loop(x):
        s = jnp.zeros_like(x)
        for i in range(n):
            s = s + jnp.sin(x * i)
        return s
    return static_loop


def make_static_loop_lax(n):
    """The hand-written twin."""
    def static_loop_lax(x):
        return lax.fori_loop(0, n, lambda i, s: s + jnp.sin(x * i), jnp.zeros_like(x))
    return static_loop_lax


def min_first_call(measure, function, args, reps) -> float:
    return min(measure(function, args) for _ in range(reps))


def bench_size(n, x, reps, max_unrolled) -> dict:
    python, twin = make_static_loop(n), make_static_loop_lax(n)
    ours = block(py2lax.autograph_jit(python)(x))
    if not allclose_trees(ours, block(jax.jit(twin)(x)), rtol=1e-3, atol=1e-3):
        raise AssertionError(f"N={n}: py2lax and lax.fori_loop disagree")
    row = {"n": n}
    if n <= max_unrolled:
        row["plain_jit_first_s"] = min_first_call(first_call_jit, python, (x,), reps)
        if not allclose_trees(ours, block(jax.jit(python)(x)), rtol=1e-3, atol=1e-3):
            raise AssertionError(f"N={n}: py2lax and the unrolled loop disagree")
        row["plain_jit_eqns"] = jaxpr_size(python, (x,))
    else:
        row["plain_jit_first_s"] = "skipped (too slow)"
    py2lax_times, lax_times = [], []
    for _ in range(reps):  # alternate, so noise hits both alike
        py2lax_times.append(first_call_py2lax(python, (x,)))
        lax_times.append(first_call_jit(twin, (x,)))
    row["py2lax_first_s"], row["lax_first_s"] = min(py2lax_times), min(lax_times)
    row["py2lax_first_all_s"], row["lax_first_all_s"] = py2lax_times, lax_times
    row["py2lax_eqns"] = jaxpr_size(py2lax.convert(python), (x,))
    row["lax_eqns"] = jaxpr_size(twin, (x,))
    row["py2lax_over_lax"] = row["py2lax_first_s"] / row["lax_first_s"]
    plain = row["plain_jit_first_s"]
    row["plain_over_py2lax"] = None if isinstance(plain, str) else plain / row["py2lax_first_s"]
    return row


def plot(rows, path) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (.venv/bin/pip install matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    series = [("plain jax.jit (unrolled)", "plain_jit_first_s", "o-"),
              ("py2lax", "py2lax_first_s", "s-"), ("hand-written lax.fori_loop", "lax_first_s", "^--")]
    for label, key, style in series:
        points = [(r["n"], r[key]) for r in rows if not isinstance(r.get(key), (str, type(None)))]
        if points:
            ax.plot(*zip(*points), style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("static trip count N  (for i in range(N): s = s + sin(x*i))")
    ax.set_ylabel("first call: trace + compile + run (s)")
    ax.set_title(f"First-call time, jax {jax.__version__} on {jax.devices()[0].device_kind}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N up to 1000, one repetition")
    parser.add_argument("--max-unrolled", type=int, default=1000,
                        help="largest N to time under plain jax.jit (unrolled); default 1000")
    parser.add_argument("--reps", type=int, help="first calls per measurement (min)")
    parser.add_argument("--json", default=str(RESULTS / "compile_time.json"))
    parser.add_argument("--plot", default=None,
                        help=f"PNG to write (default {PLOT.relative_to(ROOT)}; not in --quick)")
    options = parser.parse_args(argv)
    sizes = SIZES[:3] if options.quick else SIZES
    reps = options.reps or (1 if options.quick else 3)

    info = machine_info()
    print_machine(info)
    warm_up()
    x = jnp.linspace(0.0, 1.0, 128, dtype=jnp.float32)
    rows, failed = [], False
    for n in sizes:
        print(f"  N={n} ...", flush=True)
        try:
            rows.append(bench_size(n, x, reps, options.max_unrolled))
        except Exception as error:  # noqa: BLE001 - report and go on
            failed = True
            print(f"  N={n}: ERROR {type(error).__name__}: {error}")
            rows.append({"n": n, "error": f"{type(error).__name__}: {error}"})

    headers = ["N", "plain jit 1st", "py2lax 1st", "lax 1st", "py2lax/lax", "plain/py2lax",
               "eqns plain/p/l"]
    table = []
    for r in rows:
        if "error" in r:
            table.append([r["n"], "ERROR", "", "", "", "", ""])
            continue
        table.append([r["n"], fmt_time(r["plain_jit_first_s"]), fmt_time(r["py2lax_first_s"]),
                      fmt_time(r["lax_first_s"]), fmt_ratio(r["py2lax_over_lax"], 1.3),
                      fmt_ratio(r["plain_over_py2lax"]),
                      f"{r.get('plain_jit_eqns', '-')}/{r['py2lax_eqns']}/{r['lax_eqns']}"])
    print()
    print_table(headers, table)
    print(f"first call = trace + compile + run, min of {reps}; '!' marks py2lax/lax > 1.3")
    write_json(options.json, {"machine": info, "mode": "quick" if options.quick else "full",
                              "reps": reps, "max_unrolled": options.max_unrolled, "sizes": rows})
    print(f"wrote {options.json}")
    if options.plot or not options.quick:
        plot([r for r in rows if "error" not in r], Path(options.plot) if options.plot else PLOT)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
