"""py2lax against hand-written lax (and eager Python, and plain jax.jit) on every program.

Run: .venv/bin/python benchmarks/run.py [--quick] [--json PATH] [--only NAME ...]

For each program in programs.py it first checks that py2lax's jitted result, the
hand-written lax twin's result and the eager Python result agree (np.allclose), and
fails loudly if not; then it times and prints one table (columns: benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import sys
import time
import statistics
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import jax  # noqa: E402

import py2lax  # noqa: E402
import py2lax.api  # noqa: E402
from common import (RESULTS, allclose_trees, block, compiled_ops, first_call_jit,  # noqa: E402
                    first_call_py2lax, fmt_ratio, fmt_time, fresh, interleaved, jaxpr_size,
                    machine_info, median_time, print_machine, print_table, warm_up,
                    write_json)
from long_function import fifty_lines  # noqa: E402
from programs import PROGRAMS  # noqa: E402

TARGETS = {"cached_ratio": 1.05, "first_call_ratio": 1.3, "eqn_ratio": 1.1, "convert_ms": 5.0}
LONG_CONVERT_MS = 10.0   # converting a 50-line function
TRACE_RATIO = 1.5        # tracing converted code vs the hand-written twin

FULL = {"eager_budget": 2.0, "first_reps": 5, "cached_rounds": 30, "cached_budget": 0.005,
        "convert_reps": 20, "trace_reps": 15, "plain_first_reps": 2}
QUICK = {"eager_budget": 0.2, "first_reps": 1, "cached_rounds": 5, "cached_budget": 0.002,
         "convert_reps": 5, "trace_reps": 3, "plain_first_reps": 1}


class MismatchError(AssertionError):
    """py2lax, the lax twin and eager Python disagree."""


def check_results(program, args):
    """Eager Python, py2lax and the lax twin must agree; returns the eager result."""
    eager = program.python(*args)
    ours = block(py2lax.autograph_jit(fresh(program.python))(*args))
    twin = block(jax.jit(program.lax)(*args))
    for name, value in (("py2lax", ours), ("hand-written lax", twin)):
        if not allclose_trees(eager, value):
            raise MismatchError(f"{program.name}: {name} result {value!r} differs from "
                                f"eager Python {eager!r}")
    return eager


def time_eager(function, args, budget) -> float:
    """Min seconds of an eager call; one call only when a call is slow."""
    times, spent = [], 0.0
    while not times or (spent < budget and len(times) < 20):
        start = time.perf_counter()
        block(function(*args))
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return min(times)


def plain_jit_first(function, args, reps):
    """Min first-call seconds of plain ``jax.jit``, or the exception's type name if it fails."""
    try:
        return min(first_call_jit(function, args) for _ in range(reps))
    except Exception as error:  # noqa: BLE001 - traced control flow: expected to fail
        return f"fails ({type(error).__name__})"


def first_calls(program, args, reps):
    """First-call seconds of py2lax and of the twin (all repetitions), measured alternately."""
    ours, twin = [], []
    for _ in range(reps):
        ours.append(first_call_py2lax(program.python, args))
        twin.append(first_call_jit(program.lax, args))
    return ours, twin


def conversion_ms(function, reps) -> float:
    def convert_once():
        py2lax.api._CACHE.clear()
        py2lax.convert(function)
    convert_once()  # source file read into linecache, imports warm
    return median_time(convert_once, reps) * 1e3


def tracing_times(program, args, reps):
    """Seconds of make_jaxpr for the converted function and for the twin (fresh function
    objects, so nothing is reused from a previous trace; conversion excluded): the best of
    three interleaved rounds, each a median of ``reps`` runs, since load only adds time."""
    py2lax.convert(program.python)  # fill the conversion cache
    rounds = []
    for _ in range(3):
        ours = median_time(lambda: jax.make_jaxpr(py2lax.convert(fresh(program.python)))(*args),
                           reps)
        twin = median_time(lambda: jax.make_jaxpr(fresh(program.lax))(*args), reps)
        rounds.append((ours, twin))
    return min(rounds, key=lambda pair: pair[0] / pair[1])


def bench(program, cfg) -> dict:
    args = program.make_args()
    row = {"name": program.name, "what": program.what}
    check_results(program, args)
    row["correct"] = True
    row["eager_s"] = time_eager(program.python, args, cfg["eager_budget"])

    plain = plain_jit_first(program.python, args, cfg["plain_first_reps"])
    row["plain_jit_first_s"] = plain
    row["py2lax_first_all_s"], row["lax_first_all_s"] = first_calls(program, args,
                                                                     cfg["first_reps"])
    row["py2lax_first_s"] = min(row["py2lax_first_all_s"])
    row["lax_first_s"] = min(row["lax_first_all_s"])

    jitted = {"py2lax": py2lax.autograph_jit(program.python), "lax": jax.jit(program.lax)}
    if not isinstance(plain, str):
        jitted["plain_jit"] = jax.jit(program.python)
        row["plain_jit_eqns"] = jaxpr_size(program.python, args)
    cached = interleaved(jitted, args, cfg["cached_rounds"], cfg["cached_budget"])
    row["cached"] = cached
    row["py2lax_cached_s"] = cached["py2lax"]["min"]
    row["lax_cached_s"] = cached["lax"]["min"]
    row["plain_jit_cached_s"] = cached["plain_jit"]["min"] if "plain_jit" in cached else plain

    row["py2lax_eqns"] = jaxpr_size(py2lax.convert(program.python), args)
    row["lax_eqns"] = jaxpr_size(program.lax, args)
    row["py2lax_hlo_ops"] = compiled_ops(jitted["py2lax"], args)
    row["lax_hlo_ops"] = compiled_ops(jitted["lax"], args)
    row["convert_ms"] = conversion_ms(program.python, cfg["convert_reps"])
    row["py2lax_trace_s"], row["lax_trace_s"] = tracing_times(program, args, cfg["trace_reps"])

    row["cached_ratio"] = row["py2lax_cached_s"] / row["lax_cached_s"]
    row["cached_ratio_median"] = cached["py2lax"]["median"] / cached["lax"]["median"]
    row["first_call_ratio"] = row["py2lax_first_s"] / row["lax_first_s"]
    row["eqn_ratio"] = row["py2lax_eqns"] / row["lax_eqns"]
    row["trace_ratio"] = row["py2lax_trace_s"] / row["lax_trace_s"]
    row["misses"] = [key for key, limit in TARGETS.items() if row[key] > limit]
    return row


HEADERS = ["program", "eager", "jit(py) 1st", "jit(py) cached", "py2lax 1st", "lax 1st",
           "1st ratio", "py2lax cached", "lax cached", "cached ratio", "eqns p/l",
           "eqn ratio", "hlo p/l", "convert", "trace ratio"]


def table_row(r) -> list:
    if "error" in r:
        return [r["name"], f"ERROR: {r['error']}"[:60]] + [""] * (len(HEADERS) - 2)
    plain_first = r["plain_jit_first_s"]
    return [
        r["name"], fmt_time(r["eager_s"]),
        "fails" if isinstance(plain_first, str) else fmt_time(plain_first),
        "fails" if isinstance(plain_first, str) else fmt_time(r["plain_jit_cached_s"]),
        fmt_time(r["py2lax_first_s"]), fmt_time(r["lax_first_s"]),
        fmt_ratio(r["first_call_ratio"], TARGETS["first_call_ratio"]),
        fmt_time(r["py2lax_cached_s"]), fmt_time(r["lax_cached_s"]),
        fmt_ratio(r["cached_ratio"], TARGETS["cached_ratio"]),
        f"{r['py2lax_eqns']}/{r['lax_eqns']}",
        fmt_ratio(r["eqn_ratio"], TARGETS["eqn_ratio"]),
        f"{r['py2lax_hlo_ops']}/{r['lax_hlo_ops']}",
        f"{r['convert_ms']:.2f}ms" + ("!" if r["convert_ms"] > TARGETS["convert_ms"] else ""),
        fmt_ratio(r["trace_ratio"]),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run, fewer repeats")
    parser.add_argument("--json", default=str(RESULTS / "latest.json"), help="where to write")
    parser.add_argument("--only", nargs="*", help="program names to run (default: all)")
    options = parser.parse_args(argv)
    cfg = QUICK if options.quick else FULL

    info = machine_info()
    print_machine(info)
    warm_up()
    programs = [p for p in PROGRAMS if not options.only or p.name in options.only]
    rows = []
    for program in programs:
        print(f"  {program.name} ...", end="", flush=True)
        start = time.perf_counter()
        try:
            rows.append(bench(program, cfg))
            print(f" {time.perf_counter() - start:.1f}s", flush=True)
        except Exception as error:  # noqa: BLE001 - one program must not kill the table
            print(" ERROR", flush=True)
            traceback.print_exc()
            rows.append({"name": program.name, "what": program.what,
                         "error": f"{type(error).__name__}: {error}",
                         "mismatch": isinstance(error, MismatchError)})

    print()
    print_table(HEADERS, [table_row(r) for r in rows])
    long_ms = conversion_ms(fifty_lines, cfg["convert_reps"])
    print(f"\nconversion of a 50-line function (benchmarks/long_function.py): {long_ms:.2f} ms "
          f"(target <= {LONG_CONVERT_MS} ms)" + ("!" if long_ms > LONG_CONVERT_MS else ""))
    traced = [r["trace_ratio"] for r in rows if "trace_ratio" in r]
    if traced:
        print(f"tracing py2lax / hand-written: median {statistics.median(traced):.2f}x, worst "
              f"{max(traced):.2f}x (target <= {TRACE_RATIO}x)")
    print("\ntargets (py2lax / hand-written lax): cached ratio <= {cached_ratio}, 1st ratio <= "
          "{first_call_ratio}, eqn ratio <= {eqn_ratio}, convert <= {convert_ms} ms median; "
          "'!' marks a miss".format(**TARGETS))
    misses = [(r["name"], m) for r in rows for m in r.get("misses", [])]
    errors = [r for r in rows if "error" in r]
    print(f"{len(rows) - len(errors)}/{len(rows)} programs agree with eager Python and the "
          f"lax twin; {len(misses)} target misses" + (": " + ", ".join(
              f"{n} {m}" for n, m in misses) if misses else ""))
    path = write_json(options.json, {"machine": info, "mode": "quick" if options.quick else "full",
                                     "config": cfg, "targets": TARGETS, "programs": rows,
                                     "fifty_line_convert_ms": long_ms})
    print(f"wrote {path}")
    if errors:
        print(f"FAILED: {', '.join(r['name'] for r in errors)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
