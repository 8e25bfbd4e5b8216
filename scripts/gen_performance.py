"""Generate docs/performance.md from the benchmark results in benchmarks/results/*.json.

The benchmarks (``benchmarks/run.py``, ``compile_time.py``, ``unroll_threshold.py``)
write JSON with the machine they ran on; this script turns the latest results into the
performance page, so the page always shows the numbers of the last run and says where
they come from. ``tests/test_docs.py`` fails when the page is older than the JSON.

Run:  .venv/bin/python scripts/gen_performance.py          (writes docs/performance.md)
      .venv/bin/python scripts/gen_performance.py --check  (exit 1 if it is out of date)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUTPUT = ROOT / "docs" / "performance.md"
PLOT = ROOT / "docs" / "images" / "compile_time.png"
COMMAND = "python scripts/gen_performance.py"


def load(name: str) -> dict | None:
    path = RESULTS / name
    if not path.exists():
        return None
    return json.loads(path.read_text())


def seconds(value) -> str:
    if isinstance(value, str):
        return value.split(" (")[0]  # "fails (TracerBoolConversionError)" -> "fails"
    if value is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"


def ratio(value) -> str:
    return "—" if not isinstance(value, (int, float)) else f"{value:.2f}"


def times(value) -> str:
    return "—" if not isinstance(value, (int, float)) else f"{value:,.0f}x"


def machine_section(machine: dict, mode: str | None) -> list[str]:
    rows = [
        ("Platform", machine.get("platform")),
        ("CPU", f"{machine.get('processor', '?')}, {machine.get('cpus_usable', machine.get('cpu_count', '?'))} usable cores"),
        ("JAX backend", f"{machine.get('backend', '?')} ({machine.get('device_kind', '?')}, "
                        f"{machine.get('device_count', '?')} device)"),
        ("Python / jax / jaxlib", f"{machine.get('python')} / {machine.get('jax')} / {machine.get('jaxlib')}"),
        ("py2lax commit", machine.get("git_commit")),
        ("Run", f"{machine.get('time')}, {mode or '?'} mode, 1-minute load average "
                f"{machine.get('load_average_1min', '?')}"),
    ]
    lines = ["| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in rows if value is not None]
    return lines


def where(results: dict) -> str:
    """When and on what the results in ``results`` were measured, in a few words."""
    m = results.get("machine", {})
    return (f"{m.get('time', '?')} on {m.get('platform', '?')}, "
            f"{m.get('cpus_usable', m.get('cpu_count', '?'))} cores, JAX backend "
            f"{m.get('backend', '?')}")


def main_table(results: dict) -> list[str]:
    """Three narrow tables (what each program is, cached calls, first calls): one table of
    every column would not fit the page without scrolling sideways."""
    targets = results.get("targets", {})
    rows = results.get("programs", [])
    measured = [row for row in rows if "error" not in row]
    lines = ["| Program | Construct | Eager Python | Plain `jax.jit` |", "|---|---|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| `{row.get('name', '?')}` | {row.get('what', '')} "
                         f"| error: {row['error'][:60]} | |")
            continue
        plain = row.get("plain_jit_first_s")
        plain_text = (seconds(plain) if isinstance(plain, str)
                      else f"{seconds(plain)} 1st, {seconds(row.get('plain_jit_cached_s'))} cached")
        lines.append(f"| `{row.get('name', '?')}` | `{row.get('what', '')}` "
                     f"| {seconds(row.get('eager_s'))} | {plain_text} |")
    lines += ["", "**Cached calls**", "",
              "| Program | py2lax | Hand-written lax | Ratio | HLO ops: py2lax / lax "
              "| Speed-up over eager |", "|---|---|---|---|---|---|"]
    for row in measured:
        eager, cached = row.get("eager_s"), row.get("py2lax_cached_s")
        speed_up = eager / cached if isinstance(eager, float) and cached else None
        lines.append(f"| `{row.get('name', '?')}` | {seconds(cached)} "
                     f"| {seconds(row.get('lax_cached_s'))} | {ratio(row.get('cached_ratio'))} "
                     f"| {row.get('py2lax_hlo_ops', '—')} / {row.get('lax_hlo_ops', '—')} "
                     f"| {times(speed_up)} |")
    lines += ["", "**First call**", "",
              "| Program | py2lax | Hand-written lax | Ratio |", "|---|---|---|---|"]
    for row in measured:
        lines.append(f"| `{row.get('name', '?')}` | {seconds(row.get('py2lax_first_s'))} "
                     f"| {seconds(row.get('lax_first_s'))} "
                     f"| {ratio(row.get('first_call_ratio'))} |")
    if targets:
        lines += ["", "Targets (py2lax over hand-written lax): cached ratio ≤ "
                  f"{targets.get('cached_ratio', '?')}, first-call ratio ≤ "
                  f"{targets.get('first_call_ratio', '?')}."]
    long_ms = results.get("fifty_line_convert_ms")
    if isinstance(long_ms, (int, float)):
        lines += ["", f"Converting a 50-line function (`benchmarks/long_function.py`) takes "
                  f"{long_ms:.1f} ms, parsing and compiling included (the goal is at most "
                  "10 ms). Conversion happens once per function; later calls reuse it."]
    return lines


def compile_time_table(results: dict) -> list[str]:
    lines = ["| N | Plain `jax.jit` (unrolled) | py2lax | Hand-written `lax.fori_loop` "
             "| Jaxpr equations: plain / py2lax |", "|---|---|---|---|---|"]
    for row in results.get("sizes", []):
        lines.append(f"| {row['n']:,} | {seconds(row.get('plain_jit_first_s'))} "
                     f"| {seconds(row.get('py2lax_first_s'))} | {seconds(row.get('lax_first_s'))} "
                     f"| {row.get('plain_jit_eqns', '—')} / {row.get('py2lax_eqns', '—')} |")
    return lines


def unroll_table(results: dict) -> list[str]:
    lines = []
    for name, body in results.get("bodies", {}).items():
        advice = body.get("advice", {})
        lines += [f"**`{name}` body**: compiling a loop is cheaper than unrolling from "
                  f"N = {advice.get('compile_crossover_n', '?')}; suggested limit "
                  f"{advice.get('suggested_unroll_limit', '?')}.", "",
                  "| N | Unrolled, 1st call | Loop, 1st call | py2lax, 1st call "
                  "| Unrolled, cached | Loop, cached |", "|---|---|---|---|---|---|"]
        for row in body.get("trip_counts", []):
            lines.append(f"| {row['n']} | {seconds(row.get('unrolled_first_s'))} "
                         f"| {seconds(row.get('loop_first_s'))} | {seconds(row.get('py2lax_first_s'))} "
                         f"| {seconds(row.get('unrolled_cached_s'))} "
                         f"| {seconds(row.get('loop_cached_s'))} |")
        lines.append("")
    return lines


def generate() -> str:
    main = load("latest.json")
    compile_time = load("compile_time.json")
    unroll = load("unroll_threshold.json")
    out = [
        "# Performance",
        "",
        "<!-- Generated by scripts/gen_performance.py from benchmarks/results/*.json. Do not",
        f"     edit by hand: rerun the benchmarks, then `{COMMAND}`. -->",
        "",
        "How much does writing Python control flow cost, compared with the `lax` code a JAX",
        "expert writes by hand? The benchmarks in `benchmarks/` write each program twice,",
        "as the plain Python a user writes (compiled by py2lax) and as its hand-written",
        "`lax` twin, check that both agree with eager Python, and time them. The numbers",
        "below are from the last run and the machine it ran on; timings are only",
        "comparable between runs on the same machine.",
        "",
        "```bash",
        ".venv/bin/python benchmarks/run.py              # the main table",
        ".venv/bin/python benchmarks/compile_time.py     # static loops: unrolled vs loop",
        ".venv/bin/python benchmarks/unroll_threshold.py # where to stop unrolling",
        f".venv/bin/{COMMAND}    # this page",
        "```",
        "",
    ]
    if main is None:
        out += ["No results yet: run the benchmarks, then this script.", ""]
    else:
        out += ["## Machine", "", *machine_section(main.get("machine", {}), main.get("mode")), ""]
        out += [
            "## py2lax against hand-written lax",
            "",
            "*Plain `jax.jit`*: the Python function under `jax.jit` without py2lax, which",
            "fails on traced control flow and unrolls static loops. *Cached calls*: time per",
            "call once compiled (results ready); *HLO ops*: instructions in the optimised",
            "program XLA compiled for py2lax and for the twin, equal counts mean XLA runs the",
            "same program. *First call*: convert, trace, compile and run, with every cache",
            "cleared. *Ratio*: py2lax over hand-written lax. The column definitions are in",
            "`benchmarks/README.md`.",
            "",
            *main_table(main),
            "",
        ]
    if compile_time is not None:
        out += [
            "## Static loops: compile time",
            "",
            "`for i in range(N): s = s + jnp.sin(x * i)` with a static `N`, first call",
            "(trace + compile + run). Plain `jax.jit` unrolls the loop into `N` copies of the",
            "body; py2lax compiles a long static loop as a `lax.fori_loop` (a `scan`).",
            f"Measured {where(compile_time)}.",
            "",
        ]
        if PLOT.exists():
            out += ["![First-call time against N](images/compile_time.png)", ""]
        out += [*compile_time_table(compile_time), ""]
    if unroll is not None:
        out += [
            "## When to unroll",
            "",
            "Short static loops are unrolled (XLA optimises straight-line code well and it",
            "compiles fast); longer ones are compiled as loops. `unroll_threshold.py` times",
            "both for two bodies (a 32-unit `tanh(h @ w + b * i)` cell, `rnn`, and an",
            "element-wise `0.9 * h + b * i`, `decay`) to choose `UNROLL_LIMIT` in",
            "`py2lax/runtime/loops.py` (it was "
            f"{unroll.get('unroll_limit', '?')} when these were measured, {where(unroll)}).",
            "",
            *unroll_table(unroll),
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/performance.md is not up to date")
    options = parser.parse_args(argv)
    text = generate()
    if options.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date; run: {COMMAND}", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
