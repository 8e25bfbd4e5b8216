"""Generate docs/reference.md, the conversion reference, from the real converter.

Every entry below is a small function. For each one this script

1. writes it to a module file and imports it (py2lax reads sources from files);
2. prints ``py2lax.to_source(f)``: exactly the code py2lax compiles;
3. traces ``py2lax.convert(f)`` with ``jax.make_jaxpr`` twice, once with the example
   arguments traced and once with them as concrete constants, and lists the lax
   primitives each jaxpr holds;
4. checks that ``jax.jit(py2lax.convert(f))`` returns what plain Python returns.

So the page cannot drift from the code: change the converter and the page changes (the
test ``tests/test_docs.py`` fails until it is regenerated).

Run:  .venv/bin/python scripts/gen_reference.py          (writes docs/reference.md)
      .venv/bin/python scripts/gen_reference.py --check  (exit 1 if it is out of date)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import sys
import tempfile
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "reference.md"
COMMAND = "python scripts/gen_reference.py"


@dataclass(frozen=True)
class Case:
    id: str                  # anchor on the page
    group: str               # section
    title: str               # row / heading
    form: str                # the construct in one line, for the summary table
    source: str              # the module text; the function shown is `f`
    args: str                # Python expression for the example arguments (a tuple)
    note: str = ""           # one or two sentences shown under the code
    static_argnames: tuple[str, ...] = ()
    # What the compiled result is checked against: "python" (the function itself, run
    # eagerly) or "converted" (the converted function run eagerly, for code that plain
    # Python cannot run on JAX arrays, such as `x[i] = v`).
    oracle: str = "python"
    primitives: tuple[str, ...] = ()   # listed besides cond/while/scan and the section's


GROUPS = {
    "if": "`if` statements and conditional expressions",
    "while": "`while` loops",
    "for": "`for` loops",
    "return": "`return` inside control flow",
    "bool": "Boolean operators and comparisons",
    "item": "Item and attribute assignment",
    "list": "Lists",
    "io": "`print` and `assert`",
    "call": "Calls",
}

CASES: list[Case] = [
    # ------------------------------------------------------------------ if
    Case("if", "if", "`if` without `else`", "`if c: ...`", """
def f(x):
    y = 0.0
    if x > 0:
        y = x * 2
    return y
""", "(1.5,)",
         "Each branch becomes a function taking and returning the variables the `if` "
         "assigns that are read afterwards; the missing `else` returns them unchanged."),
    Case("if-else", "if", "`if` / `else`", "`if c: ... else: ...`", """
def f(x):
    if x > 0:
        y = x * 2
    else:
        y = -x
    return y
""", "(-1.5,)",
         "`y` is assigned in both branches, so it needs no value before the `if`."),
    Case("if-elif", "if", "`if` / `elif` / `else`", "`if a: ... elif b: ... else: ...`", """
def f(x):
    if x < -1:
        y = -1.0
    elif x > 1:
        y = 1.0
    else:
        y = x
    return y
""", "(0.25,)",
         "An `elif` is an `if` nested in the `else` branch: two nested `lax.cond`s."),
    Case("if-nested", "if", "nested `if`", "`if a: if b: ...`", """
def f(x, y):
    z = 0.0
    if x > 0:
        if y > 0:
            z = x + y
        else:
            z = x - y
    return z
""", "(1.0, -2.0)",
         "Statements are lowered innermost first; the inner `cond` runs inside a branch "
         "of the outer one."),
    Case("ifexp", "if", "conditional expression", "`a if c else b`", """
def f(x, neg):
    return -x if neg else x
""", "(1.0, True)",
         "The seed tutorial's `f(x, neg)`: with `neg` traced it is a `lax.cond` of two "
         "thunks; with a concrete `neg` it is Python's ternary."),
    Case("if-shape", "if", "condition on a shape", "`if x.ndim == 2: ...`", """
def f(x):
    if x.ndim == 2:
        return jnp.log(x) / jnp.log(2.0)
    else:
        return x
""", "(jnp.ones((2, 2)),)",
         "Shapes, dtypes and `ndim` are static under `jit`. The condition is static from "
         "the code alone, so the `if` is left as Python and the branches may return "
         "different shapes."),
    Case("if-none", "if", "`is None` test", "`if y is None: ...`", """
def f(x, y=None):
    if y is None:
        y = jnp.zeros_like(x)
    return x + y
""", "(jnp.ones(3),)",
         "`is None` is decided from the code: plain Python."),
    Case("if-static", "if", "static argument", "`if mode == 'relu': ...` (`static_argnames`)", """
def f(x, mode):
    if mode == "relu":
        y = jnp.maximum(x, 0.0)
    else:
        y = jnp.tanh(x)
    return y
""", "(jnp.array([-1.0, 2.0]), 'relu')",
         "Parameters named in `static_argnames` (of `autograph_jit` or `convert`) are "
         "static, so the statement stays Python; strings are fine.",
         static_argnames=("mode",)),
    Case("if-walrus", "if", "assignment expression in a condition", "`if (m := g(x)) > 1: ...`", """
def f(x):
    if (m := jnp.max(x)) > 1:
        x = x / m
    return x
""", "(jnp.array([1.0, 4.0]),)",
         "The walrus is hoisted into an assignment before the test, so `m` is bound in "
         "the function, as in Python."),
    # --------------------------------------------------------------- while
    Case("while", "while", "`while` on a traced condition", "`while c: ...`", """
def f(x):
    s = 0.0
    n = 1
    while n < x:
        s = s + n
        n = n + 1
    return s
""", "(5,)",
         "The seed tutorial's `sum_up_to`. The carried tuple holds the variables the loop "
         "assigns and reads again: `n` and `s`. `x` is only read, so it is closed over."),
    Case("while-and", "while", "tolerance and iteration limit", "`while err > tol and it < maxit: ...`", """
def f(x):
    y = 1.0
    it = 0
    while abs(y * y - x) > 1e-6 and it < 50:
        y = 0.5 * (y + x / y)
        it = it + 1
    return y
""", "(2.0,)",
         "`and` of two traced comparisons is `jnp.logical_and` inside the loop condition."),
    Case("while-break", "while", "`while` with `break`", "`while c: ... break`", """
def f(x):
    n = 0
    while n < 100:
        x = x * 2
        if x > 1000:
            break
        n = n + 1
    return x, n
""", "(3.0,)",
         "`break` sets a flag; the loop condition becomes `n < 100 and not broke`, and the "
         "statements after the `break` run under `if not broke`."),
    Case("while-continue", "while", "`while` with `continue`", "`while c: ... continue`", """
def f(n):
    i = 0
    odd = 0
    while i < n:
        i = i + 1
        if i % 2 == 0:
            continue
        odd = odd + i
    return odd
""", "(7,)",
         "`continue` becomes a flag reset at the top of each iteration; the rest of the "
         "body runs under `if not continued`."),
    Case("while-true", "while", "`while True` with `break`", "`while True: ... if c: break`", """
def f(x):
    steps = 0
    while True:
        x = x / 2
        steps = steps + 1
        if x < 1:
            break
    return steps
""", "(37.0,)",
         "The condition `True` is concrete, but the flag the `break` sets is traced: "
         "the loop is a `lax.while_loop` on `not broke`."),
    Case("while-else", "while", "`while` / `else`", "`while c: ... else: ...`", """
def f(x):
    while x < 10:
        x = x * 3
    else:
        x = x - 1
    return x
""", "(2.0,)",
         "Without a `break`, the `else` block always runs after the loop, so it follows "
         "the `while_loop` call."),
    Case("while-static", "while", "`while` on a concrete condition", "`while i < 3: ...` (`i` a Python int)", """
def f(x):
    i = 0
    while i < 3:
        x = jnp.sin(x)
        i = i + 1
    return x
""", "(1.0,)",
         "`i` is a Python number, so the condition is concrete at every step: the loop "
         "runs as Python while tracing (it is unrolled), exactly as under plain `jit`."),
    # ----------------------------------------------------------------- for
    Case("for-range", "for", "`for` over `range(n)`, `n` traced", "`for i in range(n): ...`", """
def f(x, n):
    y = 0.0
    for i in range(n):
        y = y + x
    return y
""", "(2.0, 10)",
         "The seed tutorial's `f_loop`: a traced bound gives a `lax.fori_loop`, which "
         "lowers to a `while` primitive."),
    Case("for-range-step", "for", "`range(start, stop, step)`", "`for i in range(a, b, s): ...`", """
def f(a, b):
    total = 0
    for i in range(a, b, 3):
        total = total + i * i
    return total
""", "(1, 20)",
         "Any of the three bounds may be traced; the trip count is computed as "
         "`len(range(a, b, s))` would."),
    Case("for-range-short", "for", "short static `range`", "`for i in range(3): ...`", """
def f(x):
    for i in range(3):
        x = x * x + i
    return x
""", "(0.5,)",
         "A static range of at most `UNROLL_LIMIT` ({unroll_limit}) iterations is unrolled "
         "as Python: "
         "cheap to compile, and XLA optimises straight-line code best."),
    Case("for-range-long", "for", "long static `range`", "`for i in range(1000): ...`", """
def f(x):
    for i in range(1000):
        x = 0.5 * x + i
    return x
""", "(1.0,)",
         "A longer static range is compiled as a `lax.fori_loop` with static bounds, which "
         "lowers to `scan` (reverse-differentiable), instead of 1000 unrolled copies."),
    Case("for-array", "for", "`for` over an array", "`for row in xs: ...`", """
def f(xs):
    total = jnp.zeros(xs.shape[1])
    for row in xs:
        total = total + row * row
    return total
""", "(jnp.arange(12.0).reshape(4, 3),)",
         "Iterating over a JAX array scans its leading axis: `lax.scan`."),
    Case("for-enumerate", "for", "`enumerate` over an array", "`for i, x in enumerate(xs): ...`", """
def f(xs):
    acc = 0.0
    for i, x in enumerate(xs):
        acc = acc + i * x
    return acc
""", "(jnp.array([1.0, 2.0, 3.0, 4.0]),)",
         "`enumerate` and `zip` are replaced by `py2lax.enumerate`/`py2lax.zip`, which the "
         "runtime sees through: the scan runs over the indices and the rows together. "
         "Traced arrays, and concrete ones longer than `UNROLL_LIMIT` ({unroll_limit}), "
         "give a `scan`."),
    Case("for-zip", "for", "`zip` of arrays", "`for a, b in zip(xs, ys): ...`", """
def f(xs, ys):
    dot = 0.0
    for a, b in zip(xs, ys):
        dot = dot + a * b
    return dot
""", "(jnp.arange(10.0), jnp.ones(10))",
         "Stops at the shorter array, as Python's `zip` does."),
    Case("for-list", "for", "`for` over a Python list", "`for w in [1.0, 2.0]: ...`", """
def f(x):
    for w in [0.5, 2.0, 3.0]:
        x = x * w
    return x
""", "(1.0,)",
         "Lists, tuples, dicts and NumPy arrays are Python containers: the loop is Python "
         "(unrolled), so its items may have any type."),
    Case("for-break", "for", "`for` with `break`", "`for ...: ... break`", """
def f(xs):
    total = 0.0
    for x in xs:
        if x < 0:
            break
        total = total + x
    return total
""", "(jnp.array([1.0, 2.0, -1.0, 5.0]),)",
         "A loop that can stop early becomes a `lax.while_loop` over the index that also "
         "stops on the break flag."),
    Case("for-continue", "for", "`for` with `continue`", "`for ...: ... continue`", """
def f(xs):
    total = 0.0
    for x in xs:
        if x < 0:
            continue
        total = total + x
    return total
""", "(jnp.arange(-5.0, 5.0),)",
         "`continue` only skips the rest of the body: the loop keeps its `scan`."),
    Case("for-else", "for", "`for` / `else` with `break`", "`for ...: ... break` / `else: ...`", """
def f(xs, target):
    found = -1
    for i in range(xs.shape[0]):
        if xs[i] == target:
            found = i
            break
    else:
        found = xs.shape[0]
    return found
""", "(jnp.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]), 5)",
         "The `else` block runs only when the loop did not `break`: it becomes "
         "`if not broke: ...` after the loop."),
    Case("for-max-iterations", "for", "`loop_options(max_iterations=N)`", "`py2lax.loop_options(max_iterations=N)`", """
def f(x, n):
    y = 1.0
    for _ in range(n):
        py2lax.loop_options(max_iterations=16)
        y = y * x
    return y
""", "(1.5, 5)",
         "With a bound on a traced trip count the loop is a masked `scan` of that many "
         "steps, so `jax.grad` can differentiate through it (it cannot through "
         "`while_loop`). Exceeding the bound raises at run time."),
    # -------------------------------------------------------------- return
    Case("return-if-else", "return", "`return` in both branches", "`if c: return a` / `else: return b`", """
def f(x):
    if x > 0:
        return x
    else:
        return -x
""", "(-2.0,)",
         "The seed tutorial's `myabs`. Each branch assigns the result; the function "
         "returns it once."),
    Case("return-early", "return", "early `return`", "`if c: return a` then more code", """
def f(x):
    if x < 0:
        return 0.0
    y = jnp.sqrt(x)
    return y + 1
""", "(4.0,)",
         "When one branch always returns and the other never does, the statements after "
         "the `if` move into the other branch: no flag is needed."),
    Case("return-elif", "return", "`return` in an `elif` chain", "`if a: return ... elif b: return ...`", """
def f(x):
    if x < 0:
        return -1.0
    elif x == 0:
        return 0.0
    return 1.0
""", "(3.0,)", ""),
    Case("return-loop", "return", "`return` inside a loop", "`for ...: if c: return i`", """
def f(xs):
    for i in range(xs.shape[0]):
        if xs[i] > 0:
            return i
    return -1
""", "(jnp.array([-1.0, -2.0, -3.0, -4.0, -5.0, 6.0, 7.0, -8.0, 9.0, 1.0]),)",
         "`return` inside a loop sets a `returned` flag and breaks every enclosing loop; "
         "the final `return` runs under `if not returned`."),
    # ---------------------------------------------------------------- bool
    Case("and", "bool", "`and`", "`a and b`", """
def f(x, y):
    return x > 0 and y > 0
""", "(1.0, -1.0)",
         "Operands after the first are wrapped in `lambda` so they are evaluated only "
         "when Python would evaluate them. Traced booleans give `jnp.logical_and`."),
    Case("or", "bool", "`or` of non-booleans", "`x or default`", """
def f(x, default):
    return x or default
""", "(0.0, 7.0)",
         "Python returns an operand, not a bool: traced, `x or y` is "
         "`jnp.where(x != 0, x, y)`.", primitives=("select_n",)),
    Case("not", "bool", "`not`", "`not c`", """
def f(x):
    if not x > 0:
        x = -x
    return x
""", "(-3.0,)", ""),
    Case("chained", "bool", "chained comparison", "`lo < x < hi`", """
def f(x):
    if 0 < x < 1:
        y = x
    else:
        y = 0.0
    return y
""", "(0.5,)",
         "`0 < x < 1` is `0 < x and x < 1`; the middle operand is a plain name, so it is "
         "simply repeated."),
    Case("chained-call", "bool", "chained comparison with a call", "`lo < g(x) < hi`", """
def f(x):
    return 0 < jnp.sin(x) < 0.5
""", "(0.3,)",
         "A middle operand that is not a plain name is evaluated once, as in Python, "
         "through `py2lax.compare`."),
    # ---------------------------------------------------------------- item
    Case("setitem", "item", "`x[i] = v`", "`x[i] = v`", """
def f(n):
    x = jnp.zeros(8)
    for i in range(n):
        x[i] = i * i
    return x
""", "(5,)",
         "JAX arrays are immutable: `x[i] = v` becomes `x = py2lax.setitem(x, i, v)`, "
         "which is `x.at[i].set(v)` for a JAX array (lists, dicts and NumPy arrays are "
         "mutated in place as in Python).", oracle="converted"),
    Case("setitem-aug", "item", "`x[i] += v`", "`x[i] += v`", """
def f(xs, idx):
    counts = jnp.zeros(4)
    for i in idx:
        counts[i] += xs[i]
    return counts
""", "(jnp.array([1.0, 2.0, 3.0, 4.0]), jnp.array([0, 3, 3, 1, 0, 2, 3, 3, 0, 1]))",
         "Augmented assignment reads, combines and writes: `x.at[i].set(x[i] + v)`.",
         oracle="converted"),
    Case("setitem-mask", "item", "boolean mask assignment", "`x[x < 0] = 0`", """
def f(x):
    x[x < 0] = 0.0
    return x
""", "(jnp.array([-1.0, 2.0, -3.0]),)",
         "A boolean mask of the array's shape is a `jnp.where`, so it also works when "
         "the mask is traced (plain `x.at[mask]` would need a concrete mask).",
         oracle="converted", primitives=("select_n",)),
    Case("setitem-dict", "item", "dict item in a traced `if`", "`state['k'] = v`", """
def f(x):
    state = {"value": x, "clipped": False}
    if state["value"] > 1:
        state["value"] = 1.0
        state["clipped"] = True
    return state
""", "(3.0,)",
         "The dict is a carried variable (a pytree); each branch gets its own copy."),
    Case("setattr", "item", "attribute assignment", "`obj.total = v`", """
class Accumulator:
    def __init__(self):
        self.total = 0.0


def f(x, n):
    acc = Accumulator()
    for i in range(n):
        acc.total = acc.total + x
    return acc.total
""", "(0.5, 4)",
         "An object of your own class whose attributes a traced statement assigns is "
         "carried through it by its array attributes, and updated in place afterwards."),
    # ---------------------------------------------------------------- list
    Case("append", "list", "`append` in a loop of known length", "`ys.append(v)`", """
def f(xs):
    ys = []
    for x in xs:
        ys.append(x * 2)
    return jnp.stack(ys)
""", "(jnp.arange(10.0),)",
         "A list that grows in a loop needs the loop's length while tracing (an array "
         "of fixed shape, a static `range`); the result is Python's list, and "
         "`jnp.stack` makes it one array. Where the trip count is traced, py2lax raises "
         "an error at your line that says to preallocate an array instead."),
    Case("list-index", "list", "indexing a Python list", "`ws[i]` in `for i in range(len(ws))`", """
def f(x):
    ws = [0.5, 2.0, 3.0]
    for i in range(len(ws)):
        x = x * ws[i]
    return x
""", "(1.0,)",
         "A short static loop is Python, so `i` is an `int` and a Python list can be "
         "indexed by it."),
    # ------------------------------------------------------------------ io
    Case("print", "io", "`print` of traced values", "`print(f'... {x}')`", """
def f(x, n):
    for i in range(n):
        x = x * 0.5
        print(f"step {i}: x = {x:.3f}")
    return x
""", "(8.0, 3)",
         "`print` becomes `py2lax.print_`: Python's `print` for concrete values, "
         "`jax.debug.print` for traced ones, which prints at every execution (once per "
         "iteration here). f-string format specs are kept."),
    Case("assert", "io", "`assert` on traced values", "`assert c, 'message'`", """
def f(x):
    y = jnp.sqrt(x)
    assert y >= 0, "negative square root"
    return y
""", "(4.0,)",
         "A traced condition installs a `jax.debug.callback` that checks it when the "
         "compiled program runs. A false condition stops the call: JAX reports the "
         "callback's failure as a `jax.errors.JaxRuntimeError` (a `RuntimeError`, not an "
         "`AssertionError`: the error crosses the compiled program), whose message holds "
         "Python's `AssertionError: your message`, then `(raised at your_file.py:LINE, by a failed assert)`. Catch "
         "`RuntimeError` around the call if you handle it; a concrete condition raises "
         "`AssertionError` at trace time, as Python does."),
    # ---------------------------------------------------------------- call
    Case("call", "call", "calling your own function", "`g(x)` where `g` has control flow", """
def clip(x):
    if x > 1:
        x = 1.0
    return x


def f(x):
    return clip(x) + clip(2 * x)
""", "(0.75,)",
         "Calls that may reach your code go through `py2lax.converted`, which converts "
         "the callee once (cached) and leaves jax, numpy, the standard library, installed "
         "packages and builtins alone."),
    Case("call-any", "call", "`any` / `all` of a traced vector", "`if any(xs > 0): ...`", """
def f(xs):
    if any(xs > 0.5):
        xs = xs * 2
    return xs
""", "(jnp.array([0.25, 0.75]),)",
         "`any(v)` calls `bool` on each element, which a traced one refuses. Called through "
         "`py2lax.converted`, `any`/`all` of a traced vector (or of a list of traced "
         "scalars) are `jnp.any`/`jnp.all` of the truth values; on Python values, "
         "Python's builtins.",
         primitives=("reduce_or",)),
    Case("call-max", "call", "`max` / `min` of traced values", "`min(dt, t_end - t)`", """
def f(dt, t):
    dt = min(dt, 1.0 - t)
    return max(dt, 0.01)
""", "(0.25, 0.9)",
         "Python's `max`/`min` compare with `bool()`, which a traced value refuses. Called "
         "through `py2lax.converted`, they compare traced scalars with `jnp.where`, by "
         "Python's own rule (`max(a, b)` is `b if b > a else a`); on static values, with a "
         "`key=`, or on one iterable they are Python's builtins.",
         primitives=("select_n",)),
    Case("call-filtered-sum", "call", "`sum` of a filtered generator", "`sum(x for x in v if x > 0)`", """
def f(v):
    return sum(x for x in v if x > 0), sum(1 for x in v if x > 0)
""", "(jnp.array([1.0, -2.0, 3.0]),)",
         "A comprehension's `if` drops items, which a traced condition cannot decide while "
         "tracing. Given to `sum`, `any`, `all`, `max` or `min` (through "
         "`py2lax.converted`), the condition becomes `py2lax.masked(c)`: a traced `c` keeps "
         "the item, masked, and the reduction computes `jnp.where(c, item, 0)` (for `max`/"
         "`min`, with `default=`, a best value only kept items replace); a concrete `c` "
         "filters as Python does.",
         primitives=("select_n",)),
    Case("call-int", "call", "`int` / `.item()` / `.index()` of traced values", "`int(x * (len(v) - 1))`", """
def f(v, x):
    i = int(x * (len(v) - 1))
    scores = v.tolist()
    return v[i] + v.max().item(), scores.index(max(scores))
""", "(jnp.array([1.0, 3.0, 2.0]), 0.5)",
         "`int(x)`, `float(x)`, `bool(x)`, `x.item()`, `x.tolist()` and `lst.index(v)` must "
         "give a Python value, which a traced one cannot. Called through `py2lax.converted` "
         "where the argument may be traced, they give the same value as a traced array: "
         "`int` truncates toward zero (a NaN or infinity raises when the program runs, as "
         "in Python), `lst.index(v)` is the first matching position (a `ValueError` when the "
         "program runs if none matches); `int(len(v))` is left as it is."),
    Case("call-math", "call", "`math` functions of traced values", "`math.sqrt(dt)`", """
import math


def f(x):
    return math.exp(-x) * math.sqrt(x + 1.0)
""", "(0.5,)",
         "`math.sqrt` needs a Python float, which a traced value cannot give. Called "
         "through `py2lax.converted`, `math` functions are themselves on Python values and "
         "their `jax.numpy` twins (`jnp.sqrt`, `jnp.exp`, ...) on traced ones; with static "
         "arguments (`math.sqrt(x.shape[0])`) the call is left as it is."),
    Case("call-numpy", "call", "NumPy functions of traced values", "`np.sin(x)`", """
import numpy as np


def f(x, v):
    return np.sin(x) * np.linalg.norm(v) / np.prod(v.shape)
""", "(0.5, jnp.ones(3))",
         "NumPy converts its arguments to arrays, which a traced value cannot give. Called "
         "through `py2lax.converted`, a NumPy function with a `jax.numpy` twin of the same "
         "name (`np.sin`, `np.linalg.norm`, ...) is the twin when an argument is traced and "
         "NumPy otherwise; with only static arguments (`np.prod(v.shape)`) the call is left "
         "as it is."),
    Case("do-not-convert", "call", "`@do_not_convert`", "`@py2lax.do_not_convert`", """
@py2lax.do_not_convert
def scale(x):
    return 2 * x


def f(x):
    if x > 0:
        x = scale(x)
    return x
""", "(3.0,)",
         "A function marked `do_not_convert` is called as written: `converted(scale)` "
         "returns `scale` itself."),
]

# Primitives named in the table: control flow always, and per section the primitives its
# constructs become (arithmetic, and bookkeeping such as a trip count, is not listed).
CONTROL_FLOW = ("cond", "while", "scan")
SHOWN_PRIMITIVES = {
    "bool": ("and", "or", "not"),
    "item": ("scatter",),
    "io": ("debug_callback", "debug_print"),
}


@dataclass
class Result:
    case: Case
    generated: str
    runtime_calls: list[str]
    traced: list[str]
    concrete: list[str] | None   # None: the example has array arguments


# --------------------------------------------------------------------------- running
def load_module(case: Case, directory: Path):
    path = directory / f"case_{case.id.replace('-', '_')}.py"
    path.write_text(textwrap.dedent(case.source).lstrip("\n"))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    import jax
    import jax.numpy as jnp
    import numpy as np

    import py2lax

    module.__dict__.update(jax=jax, jnp=jnp, np=np, py2lax=py2lax)
    spec.loader.exec_module(module)
    return module


def sub_jaxprs(value):
    import jax.extend.core as jex

    if isinstance(value, jex.ClosedJaxpr):
        yield value.jaxpr
    elif isinstance(value, jex.Jaxpr):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from sub_jaxprs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from sub_jaxprs(item)


def shown_primitives(closed_jaxpr, case: Case) -> list[str]:
    """The primitives shown for ``case`` in a jaxpr and its sub-jaxprs, outermost first."""
    shown = CONTROL_FLOW + SHOWN_PRIMITIVES.get(case.group, ()) + case.primitives
    found: list[str] = []

    def visit(jaxpr):
        for equation in jaxpr.eqns:
            name = equation.primitive.name
            if name in shown and name not in found:
                found.append(name)
            for parameter in equation.params.values():
                for inner in sub_jaxprs(parameter):
                    visit(inner)

    visit(closed_jaxpr.jaxpr)
    return found


def static_positions(function, names) -> tuple[int, ...]:
    import inspect

    parameters = list(inspect.signature(function).parameters)
    return tuple(parameters.index(name) for name in names)


def leaves_close(expected, actual) -> bool:
    import jax
    import numpy as np

    expected_leaves, expected_tree = jax.tree_util.tree_flatten(expected)
    actual_leaves, actual_tree = jax.tree_util.tree_flatten(actual)
    return expected_tree == actual_tree and all(
        np.allclose(np.asarray(e), np.asarray(a), rtol=1e-5, atol=1e-6)
        for e, a in zip(expected_leaves, actual_leaves))


def run_case(case: Case, directory: Path) -> Result:
    import jax
    import jax.numpy as jnp
    import numpy as np

    import py2lax

    module = load_module(case, directory)
    function = module.f
    args = eval(case.args, {"jnp": jnp, "np": np, "jax": jax})  # noqa: S307 - our literals
    generated = py2lax.to_source(function, static_argnames=case.static_argnames)
    converted = py2lax.convert(function, static_argnames=case.static_argnames)
    static = static_positions(function, case.static_argnames)
    with contextlib.redirect_stdout(io.StringIO()):
        traced = shown_primitives(jax.make_jaxpr(converted, static_argnums=static)(*args),
                                  case)
        concrete = None
        if all(isinstance(a, (bool, int, float, str, type(None))) for a in args):
            concrete = shown_primitives(jax.make_jaxpr(lambda: converted(*args))(), case)
        expected = (function if case.oracle == "python" else converted)(*args)
        actual = jax.block_until_ready(jax.jit(converted, static_argnums=static)(*args))
        if not leaves_close(expected, actual):
            raise AssertionError(f"{case.id}: py2lax gives {actual!r}, {case.oracle} "
                                 f"gives {expected!r}")
    calls = []
    for name in re.findall(r"\bpy2lax\.(\w+)\(", generated):
        if name not in calls and name not in ("Undefined", "loop_options"):
            calls.append(name)
    return Result(case, generated.rstrip("\n"), calls, traced, concrete)


# --------------------------------------------------------------------------- rendering
INTRO = """\
# Conversion reference

<!-- Generated by scripts/gen_reference.py from the real converter. Do not edit by hand:
     change the script (or the converter) and run `{command}`. -->

One entry per construct: the Python you write, the code py2lax compiles
(`py2lax.to_source(f)`, verbatim) and the lax primitives that end up in the jaxpr. The
page is generated by `scripts/gen_reference.py`, which runs the converter on each
example, traces the result, and checks that `jax.jit(py2lax.convert(f))` returns what
plain Python returns on the example arguments. It cannot drift from the code: the test
suite fails until it is regenerated.

How to read the summary:

* **py2lax calls**: the runtime helpers in the generated code. Each one decides *at trace
  time*, from the actual values, whether the statement runs as Python or as lax; the
  Python meaning of each is in the [API reference](api.md#the-runtime).
* **Traced**: the primitives in `jax.make_jaxpr(py2lax.convert(f))(*args)`, every
  argument traced (except those in `static_argnames`). `cond` is `lax.cond`; `while` is
  `lax.while_loop`, and also `lax.fori_loop` with traced bounds; `scan` is `lax.scan`,
  and also `lax.fori_loop` with static bounds. "Python" means no control-flow primitive:
  the statement ran as ordinary Python while tracing.
* **Python values**: the same when the arguments are plain Python numbers, as they are
  for `static_argnames` or values computed from shapes (only for examples whose
  arguments are numbers; "—" otherwise).

Control-flow primitives (`cond`, `while`, `scan`) are always listed; the sections on
Boolean operators, item assignment and `print`/`assert` also list the primitives those
constructs become. Arithmetic is not listed.
"""


def primitive_cell(names: list[str] | None) -> str:
    if names is None:
        return "—"
    return ", ".join(f"`{n}`" for n in names) if names else "Python"


def calls_cell(calls: list[str]) -> str:
    return ", ".join(f"`{c}`" for c in calls) if calls else "none: left as written"


def escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(results: list[Result]) -> str:
    parts = [INTRO.format(command=COMMAND)]
    parts.append("## Summary\n")
    parts.append("| Construct | You write | py2lax calls | Traced | Python values |")
    parts.append("|---|---|---|---|---|")
    for r in results:
        c = r.case
        parts.append(f"| [{escape_cell(c.title)}](#{c.id}) | {escape_cell(c.form)} | "
                     f"{calls_cell(r.runtime_calls)} | {primitive_cell(r.traced)} | "
                     f"{primitive_cell(r.concrete)} |")
    parts.append("")
    for group, heading in GROUPS.items():
        members = [r for r in results if r.case.group == group]
        if members:
            parts.append(f"## {heading}\n")
            parts.extend(render_case(r) for r in members)
    return "\n".join(parts).rstrip("\n") + "\n"


def render_case(r: Result) -> str:
    c = r.case
    source = textwrap.dedent(c.source).strip("\n")
    static = f", `static_argnames={c.static_argnames!r}`" if c.static_argnames else ""
    oracle = ("" if c.oracle == "python" else
              " Plain Python cannot assign into a JAX array, so the check compares with "
              "the converted function run eagerly.")
    lines = [
        f"### {c.title} {{#{c.id}}}\n",
        f"=== \"Python\"\n\n{indent(fence(source))}\n",
        f"=== \"py2lax compiles\"\n\n{indent(fence(r.generated))}\n",
    ]
    if c.note:
        from py2lax.runtime import UNROLL_LIMIT

        lines.append(c.note.replace("{unroll_limit}", str(UNROLL_LIMIT)) + "\n")
    call = c.args[1:-1].rstrip(",") if c.args.startswith("(") else c.args
    lines.append(f"*Example `f({call})`{static}. Traced: {primitive_cell(r.traced)}. "
                 f"Python values: {primitive_cell(r.concrete)}.{oracle}*\n")
    return "\n".join(lines)


def fence(code: str) -> str:
    return f"```python\n{code}\n```"


def indent(text: str) -> str:
    return textwrap.indent(text, "    ", lambda line: line.strip() != "")


def generate() -> str:
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="py2lax_reference_") as directory:
        sys.path.insert(0, directory)
        try:
            results = [run_case(case, Path(directory)) for case in CASES]
        finally:
            sys.path.remove(directory)
    return render(results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/reference.md is not up to date")
    options = parser.parse_args(argv)
    text = generate()
    if options.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date; run: {COMMAND}", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(CASES)} constructs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
