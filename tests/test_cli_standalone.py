"""``py2lax --standalone``: output that calls ``jax.lax`` itself and needs only jax.

Golden files: ``py2lax --standalone tests/cli_golden/inputs/NAME.py`` must print
tests/cli_golden/expected_standalone/NAME.py (regenerate with
``python tests/cli_golden/regenerate.py``). The oracle is Python: every output is run
against the original function executed eagerly, on the golden cases and on inputs
hypothesis draws.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_tree_close, function_lengths, golden_cases, load_module, run_cli
from test_standalone_s10 import unchecked  # the checks of kept tests
from py2lax.transpiler import transpile

ROOT = Path(__file__).resolve().parent.parent



golden = load_module(ROOT / "tests" / "cli_golden" / "regenerate.py", "cli_golden_regenerate_sa")
INPUTS = golden.inputs()
# Functions allowed more than 3x the lines of their input, and why.
LONGER_THAN_3X: set[str] = {
    # 8 lines: a `for` with `break` over a parameter is a while_loop under `if len(xs) > 0:`
    # (xs may be empty), and the printer repeats the loop's comment inside that `if`
    "sum_until_large",
}



def standalone(source: str) -> str:
    return transpile(textwrap.dedent(source), "program.py", readable=True, standalone=True)


def uses_py2lax(text: str) -> bool:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "py2lax"
                                                for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "py2lax":
            return True
        if isinstance(node, ast.Name) and node.id == "py2lax":
            return True
    return False


# --------------------------------------------------------------------------- golden files
@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_standalone_golden_output(path):
    expected_path = golden.EXPECTED_STANDALONE / path.name
    assert expected_path.exists(), f"missing {expected_path}; run `{golden.COMMAND}`"
    expected = expected_path.read_text(encoding="utf-8")
    actual = golden.standalone(path)
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"expected_standalone/{path.name}", tofile="py2lax --standalone output"))
        pytest.fail(f"--standalone output for {path.name} changed.\n{diff}\nIf intended, "
                    f"regenerate with\n\n    {golden.COMMAND}\n\nand review the diff.",
                    pytrace=False)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_standalone_output_needs_no_py2lax(path):
    text = (golden.EXPECTED_STANDALONE / path.name).read_text(encoding="utf-8")
    assert not uses_py2lax(text)
    assert "jax.lax." in text


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_standalone_output_is_a_fixed_point(path):
    expected = (golden.EXPECTED_STANDALONE / path.name).read_text(encoding="utf-8")
    assert transpile(expected, path.name, readable=True, standalone=True) == expected



@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_standalone_output_is_at_most_three_times_longer(path):
    before = function_lengths(path.read_text(encoding="utf-8"))
    after = function_lengths((golden.EXPECTED_STANDALONE / path.name).read_text(encoding="utf-8"))
    for name, lines in before.items():
        if name not in LONGER_THAN_3X:
            assert after[name] <= 3 * lines, f"{name}: {lines} lines became {after[name]}"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_standalone_output_comments_every_lax_statement(path):
    text = (golden.EXPECTED_STANDALONE / path.name).read_text(encoding="utf-8")
    calls = re.findall(r"^\s*[\w, ]+= jax\.lax\.\w+\(.*$", text, flags=re.MULTILINE)
    # The `if`s py2lax writes itself for a `return` or `break` (on its flags) have none:
    # the user's statement there is no `if`.
    users = [call for call in calls if not re.search(r"\b(returned|broke_\d+)\b", call)]
    headers = re.findall(r"#.*  ->  .*lax\.\w+$", text, flags=re.MULTILINE)
    assert not re.findall(r"when traced", text)
    misleading = [h for h in headers if re.match(r"#\s*(return|break|continue)\b", h)
                  and " if " not in h.split("  ->  ")[0]]
    assert not misleading, misleading
    assert len(headers) >= len(users) > 0



@pytest.fixture(scope="module")
def modules():
    return {path: (load_module(path, f"sa_input_{path.stem}"),
                   load_module(golden.EXPECTED_STANDALONE / path.name, f"sa_expected_{path.stem}"))
            for path in INPUTS}


@pytest.mark.parametrize("path, name, index", list(golden_cases(INPUTS, "sa_input")))
def test_standalone_module_computes_like_the_original(modules, path, name, index):
    original, rewritten = modules[path]
    args = original.CASES[name][index]
    expected = inspect.unwrap(getattr(original, name))(*args)   # plain Python, eagerly
    assert_tree_close(expected, getattr(rewritten, name)(*args))


BLOCK_PY2LAX = """
import importlib.abc, json, sys
class NoPy2lax(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "py2lax":
            raise ImportError("py2lax is not installed here")
sys.meta_path.insert(0, NoPy2lax())
import importlib.util
spec = importlib.util.spec_from_file_location("rewritten", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import numpy as np
results = {name: [np.asarray(getattr(module, name)(*args)).tolist() for args in cases]
           for name, cases in module.CASES.items()}
print(json.dumps(results))
"""


def test_standalone_output_runs_where_py2lax_cannot_be_imported():
    path = golden.EXPECTED_STANDALONE / "searches.py"
    completed = subprocess.run([sys.executable, "-c", BLOCK_PY2LAX, str(path)],
                               capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    original = load_module(INPUTS[0].parent / "searches.py", "sa_searches_blocked")
    for name, cases in original.CASES.items():
        for args, got in zip(cases, results[name]):
            np.testing.assert_allclose(got, inspect.unwrap(getattr(original, name))(*args),
                                       rtol=1e-6)


# --------------------------------------------------------------------------- programs
PROGRAMS = """
import math

import jax
import jax.numpy as jnp
import numpy as np

STEPS = 4


def scale(v, factor):
    if factor > 1:
        return v * factor
    return v


@jax.jit
def piecewise(x):
    if x < -1:
        y = -x - 0.5
    elif x < 1:
        y = 0.5 * x * x
    else:
        y = x - 0.5
    return y


@jax.jit
def trip_count(x, n):
    total = 0.0
    for i in range(n):
        total = total + scale(x, 2.0) * i
    return total


@jax.jit
def stepped(xs, start):
    total = 0.0
    for i in range(start, xs.shape[0], 2):
        total = total + xs[i]
        start = start + 1
    return total + start


@jax.jit
def countdown(n):
    k = 0
    for j in range(n, 0, -2):
        if j < 3:
            break
        k = k + j
    return k


@jax.jit
def collatz(n):
    steps = 0
    while n != 1 and steps < 200:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps = steps + 1
    return steps


@jax.jit
def table(xs):
    h = jnp.zeros(STEPS)
    for k in range(STEPS):
        h[k] = xs[k] * k
        h[k] += 1.0
    names = {}
    names["first"] = h[0]
    return h, names


@jax.jit
def oscillator(x, n):
    state = {"pos": x, "vel": 0.0}
    for i in range(n):
        state["vel"] = state["vel"] - 0.1 * state["pos"]
        state["pos"] = state["pos"] + 0.1 * state["vel"]
    return state["pos"]


@jax.jit
def clamped_sum(xs, limit):
    def clamp(v):
        if v > limit:
            v = limit
        return v
    total = 0.0
    for x in xs:
        total = total + clamp(x)
    return total


@jax.jit
def trajectory(x, xs):
    path = [x]
    for k in range(STEPS):
        x = 0.9 * x
        path.append(x)
    signs = []
    for v in xs:
        if v > 0:
            signs.append(v)
        else:
            signs.append(-v)
        signs.extend([v * 0.5, v * 0.25])
    grid = []
    for i in range(2):
        for j in range(3):
            grid.append(x * i + j)
    return jnp.stack(path), jnp.stack(signs), jnp.stack(grid)


@jax.jit
def weighted_terms(xs):
    weights = [1.0, 0.5, 0.25]
    total = 0.0
    for i in range(len(weights)):
        if xs[i] > 0:
            total = total + weights[i] * xs[i]
    return total


@jax.jit
def first_pair(xs, limit):
    for i in range(xs.shape[0]):
        for j in range(i):
            if xs[i] + xs[j] > limit:
                return i * 10 + j
    return -1


@jax.jit
def flagged(xs, limit):
    if any(xs > limit) and not all(xs > -limit):
        return jnp.sum(xs)
    return jnp.max(xs)


@jax.jit
def numpy_style(x, v):
    n = np.prod(v.shape)
    y = np.sin(x) + np.linalg.norm(v) / n
    if np.abs(y) > 1:
        y = np.clip(y, -1, 1)
    return y


@jax.jit
def decay(x, n):
    size = math.sqrt(n * 4)
    return math.exp(-x) * size + math.floor(x * 3) + math.log(abs(x) + 1.0, 2)


@jax.jit
def clamp_step(dt, t, n):
    dt = min(dt, 10.0 - t)
    width = max(n - 1, 1)
    return max(dt, 0.125) * width


@jax.jit
def positives_sum(xs):
    acc = 0.0
    for i, x in enumerate(xs, 1):
        if x <= 0:
            continue
        acc = acc + x / i
    return acc
"""


@pytest.fixture(scope="module")
def programs():
    text = standalone(PROGRAMS)
    assert not uses_py2lax(text)
    rewritten, original = {}, {}
    exec(compile(text, "standalone_programs.py", "exec"), rewritten)
    exec(compile(PROGRAMS, "original_programs.py", "exec"), original)
    return original, rewritten


def eager(original, name, *args):
    with jax.disable_jit():
        return original[name](*args)


floats = st.floats(-5, 5, allow_nan=False, width=32)
vectors = st.lists(floats, min_size=4, max_size=9).map(lambda v: jnp.asarray(v, jnp.float32))


@settings(max_examples=25, deadline=None)
@given(x=floats, n=st.integers(0, 9))
def test_programs_with_scalars_match_python(programs, x, n):
    original, rewritten = programs
    for name, args in (("piecewise", (jnp.float32(x),)), ("trip_count", (jnp.float32(x), n)),
                       ("countdown", (jnp.int32(n),)), ("collatz", (jnp.int32(n + 1),)),
                       ("oscillator", (jnp.float32(x), n)),
                       ("clamp_step", (jnp.float32(x), jnp.float32(x * 2), 3)),
                       ("decay", (jnp.float32(x), n)),
                       ("numpy_style", (jnp.float32(x), jnp.ones(n + 1)))):
        assert_tree_close(eager(original, name, *args), rewritten[name](*args))


@settings(max_examples=25, deadline=None)
@given(xs=vectors, start=st.integers(0, 5))
def test_programs_with_arrays_match_python(programs, xs, start):
    original, rewritten = programs
    for name, args in (("stepped", (xs, start)), ("positives_sum", (xs,)),
                       ("weighted_terms", (xs,)), ("first_pair", (xs, jnp.float32(start))),
                       ("flagged", (xs, jnp.float32(start - 1))),
                       ("trajectory", (jnp.float32(start), xs)),
                       ("clamped_sum", (xs, jnp.float32(start - 2)))):
        assert_tree_close(eager(original, name, *args), rewritten[name](*args))


def test_item_assignment_becomes_at_on_arrays_and_stays_python_on_dicts(programs):
    original, rewritten = programs
    xs = jnp.arange(5.0)
    h, names = rewritten["table"](xs)
    expected = np.arange(5.0)[:4] * np.arange(4) + 1.0  # what the loop computes in NumPy
    np.testing.assert_allclose(h, expected)
    assert float(names["first"]) == 1.0
    text = standalone(PROGRAMS)
    assert "h = h.at[k].set(xs[k] * k)" in text and "h = h.at[k].add(1.0)" in text
    assert '    names = {}\n    names["first"] = h[0]\n' in text


def test_a_static_loop_indexing_a_python_list_stays_the_users_loop():
    text = standalone(PROGRAMS)
    assert "    for i in range(len(weights)):\n        # if xs[i] > 0:  ->  lax.cond\n" in text


def test_numpy_calls_on_traced_values_become_jax_numpy():
    text = standalone(PROGRAMS)
    assert "    n = np.prod(v.shape)\n    y = jnp.sin(x) + jnp.linalg.norm(v) / n\n" in text


def test_helpers_called_from_converted_code_are_converted_too():
    text = standalone(PROGRAMS)
    helper = text[text.index("def scale"):text.index("@jax.jit")]
    assert "jax.lax.cond" in helper and "@" not in helper
    nested = text[text.index("    def clamp"):text.index("    total = 0.0\n    # for x in xs")]
    assert "jax.lax.cond(v > limit" in nested


def test_return_inside_a_loop_carries_a_placeholder_of_the_returned_type():
    text = standalone("""
        import jax

        @jax.jit
        def first_positive(xs):
            for i in range(xs.shape[0]):
                if xs[i] > 0:
                    return i
            return -1

        @jax.jit
        def pair(x):
            while x < 10:
                if x > 5:
                    return x, -x
                x = x * 2
            return x, x
    """)
    empty = "jax.numpy.zeros((0,), bool)"  # filled to the returned shape where it meets it
    assert f"return_value = {empty}\n" in text
    assert f"return_value = ({empty}, {empty})\n" in text
    namespace = {}
    exec(compile(text, "searches.py", "exec"), namespace)
    xs = jnp.array([-1.0, -2.0, 3.0, 4.0])
    assert int(namespace["first_positive"](xs)) == 2
    assert int(namespace["first_positive"](-xs[:2])) == 0
    assert int(namespace["first_positive"](xs[:2])) == -1
    assert [float(v) for v in namespace["pair"](jnp.float32(1.5))] == [6.0, -6.0]
    assert [float(v) for v in namespace["pair"](jnp.float32(12.0))] == [12.0, 12.0]


def test_methods_called_on_self_are_converted_too():
    text = standalone("""
        from functools import partial

        import jax

        class Stepper:
            def __init__(self, limit):
                self.limit = limit

            def clip(self, v):
                if v > self.limit:
                    v = v * 0 + self.limit
                return v

            @partial(jax.jit, static_argnums=0)
            def run(self, x, n):
                for i in range(n):
                    x = self.clip(x * 2)
                return x
    """)
    assert text.count("jax.lax.cond(v > self.limit") == 1
    namespace = {}
    exec(compile(text, "stepper.py", "exec"), namespace)
    stepper = namespace["Stepper"](5.0)
    assert float(stepper.run(jnp.float32(1.0), 4)) == 5.0
    assert float(stepper.run(jnp.float32(0.25), 3)) == 2.0


def test_functions_given_to_lax_are_converted_and_lax_code_is_left_alone():
    source = """
        import jax

        def halve_large(i, x):
            if x > 10:
                x = x / 2
            return x + i

        @jax.jit
        def loops(x, n, xs):
            def step(carry, v):
                if v > carry:
                    carry = v
                return carry, carry * 2
            x = jax.lax.fori_loop(0, n, halve_large, x)
            best, doubled = jax.lax.scan(step, x * 0, xs)
            return x, best, doubled
    """
    text = standalone(source)
    assert text.count("jax.lax.cond(") == 2 and "  ->  lax.fori_loop" not in text
    assert "    x = jax.lax.fori_loop(0, n, halve_large, x)\n" in text
    assert standalone(text) == text
    namespace = {}
    exec(compile(text, "loops.py", "exec"), namespace)
    x, best, doubled = namespace["loops"](jnp.float32(3.0), 6, jnp.array([0.5, -1.0, 2.0]))
    assert float(x) == 11.5 and float(best) == 2.0
    assert doubled.tolist() == [1.0, 1.0, 4.0]


def test_print_becomes_jax_debug_print_with_python_formatting(capsys):
    text = standalone("""
        import jax

        @jax.jit
        def show(x):
            if x > 0:
                x = x + 1
            print("{} x is", x)
            return x
    """)
    assert "jax.debug.callback(lambda v0: print('{{}} x is {}'.format(v0)), x)" in text
    namespace = {}
    exec(compile(text, "show.py", "exec"), namespace)
    namespace["show"](jnp.float32(1.0)).block_until_ready()
    jax.effects_barrier()
    assert capsys.readouterr().out == "{} x is 2.0\n"


# --------------------------------------------------------------------------- refusals
LEFT_AS_PYTHON = [
    ("""
     @jax.jit
     def f(x, n):
         rows = []
         for i in range(n):
             rows.append(x * i)
         return rows
     """, 6, "a list grown in a loop whose trip count is traced"),
    ("""
     @jax.jit
     def f(x, n, step):
         for i in range(0, n, step):
             x = x * 2
         return x
     """, 5, "a `range` step that is not a non-zero integer literal"),
    ("""
     @jax.jit
     def f(x):
         assert x > 0, f"{x} is not positive"
         return x
     """, 5, "an `assert` on a traced value with a computed message"),
    ("""
     @jax.jit
     def f(x, end):
         print("x", x, end=end)
         return x
     """, 5, "an `end` that is not a string literal"),
]
REFUSED = [
    ("""
     @jax.jit
     def f(x, n):
         for i in range(n):
             py2lax.loop_options(max_iterations=10)
             x = x * 2
         return x
     """, 5, "loop_options(max_iterations=...)"),
    ("""
     @jax.jit
     def f(x):
         if x > 0:
             x = x * 2
         return x

     SOURCE = py2lax.to_source(f)
     """, 9, "`py2lax` from py2lax is still used here"),
]


def _ids(cases):
    return [m.split("`")[1] if "`" in m else m[:20] for _, _, m in cases]


@pytest.mark.parametrize("source, line, message", LEFT_AS_PYTHON, ids=_ids(LEFT_AS_PYTHON))
def test_what_lax_cannot_be_told_without_the_runtime_is_left_as_python_with_a_comment(
        tmp_path, capsys, source, line, message):
    path = tmp_path / "program.py"
    text = "import jax\nimport py2lax\n" + textwrap.dedent(source).lstrip("\n")
    path.write_text(text)
    status, out, err = run_cli(["--standalone", path], capsys)
    assert status == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{path}:{line}:") and "--standalone: " in lines[0]
    assert message in lines[0] and lines[0].endswith("(`f` left as Python)")
    function = text[text.index("@jax.jit"):]
    comment = next(line for line in out.splitlines() if line.startswith("# py2lax: left as"))
    assert message in comment and "; instead, " in comment  # it says what to write
    assert out.endswith(comment + "\n" + function) and not uses_py2lax(out)
    status, out, err = run_cli([path], capsys)  # the runtime handles every one of them
    assert status == 0 and err == ""


@pytest.mark.parametrize("source, line, message", REFUSED, ids=_ids(REFUSED))
def test_what_would_still_need_py2lax_is_refused_with_a_location(
        tmp_path, capsys, source, line, message):
    path = tmp_path / "program.py"
    path.write_text("import jax\nimport py2lax\n" + textwrap.dedent(source).lstrip("\n"))
    status, out, err = run_cli(["--standalone", path], capsys)
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{path}:{line}:") and "--standalone: " in lines[0]
    assert message in lines[0]
    status, out, err = run_cli([path], capsys)  # the runtime handles every one of them
    assert status == 0 and err == ""


def test_a_mixed_py2lax_import_is_refused(tmp_path, capsys):
    path = tmp_path / "mixed.py"
    path.write_text("import jax, py2lax\n\n@jax.jit\ndef f(x):\n    if x > 0:\n"
                    "        x = -x\n    return x\n")
    status, out, err = run_cli(["--standalone", path], capsys)
    assert status == 2 and err.startswith(f"{path}:1:1: --standalone: this import mixes")


def test_autograph_jit_imports_are_dropped_and_jax_is_imported(capsys):
    text = standalone("""
        from py2lax import autograph_jit
        import py2lax as p

        @autograph_jit(static_argnames=("n",))
        def f(x, n):
            for i in range(n):
                x = x * 2
            if x > 0:
                x = -x
            return x
    """)
    assert not uses_py2lax(text) and "p." not in text
    assert text.startswith("import jax\nimport functools\n") or "import jax" in text
    assert '@functools.partial(jax.jit, static_argnames=("n",))' in text
    namespace = {}
    exec(compile(text, "f.py", "exec"), namespace)
    assert float(namespace["f"](jnp.float32(1.5), 3)) == -12.0


def test_standalone_works_with_check_and_diff(tmp_path, capsys):
    path = tmp_path / "program.py"
    path.write_text("import jax\n\n@jax.jit\ndef f(x):\n    while x < 10:\n"
                    "        x = x * 2\n    return x\n")
    status, out, _ = run_cli(["--standalone", "--diff", path], capsys)
    assert status == 0
    assert "+    x, = jax.lax.while_loop(loop_cond_5, loop_body_5, (x,))" in out.splitlines()
    status, _, _ = run_cli(["--standalone", "--check", path], capsys)
    assert status == 1


# --------------------------------------------------------------------------- Python's meaning
# Programs whose statements plain lax cannot express as written, or only with the runtime's
# rule spelled out in jax (`--all`: no decorator says what is static, as in most code).
KEPT = '''
import jax
import jax.numpy as jnp
import numpy as np


class Box:
    pass


def unassigned(x, flag):
    if flag:
        y = x
    return y


def labelled(x, mode):
    if mode == "double":
        label = "twice"
    else:
        label = "once"
    return x * 2.0 if label == "twice" else x


def stored(x, flag):
    box = Box()
    box.value = 0.0
    if flag > 0:
        box.value = x
    return box.value


def gathered(x, n):
    rows = []
    k = 0
    while k < n:
        rows.append(x * k)
        k += 1
    return jnp.stack(rows)


def popped(n):
    items = [1, 2, 3, 4]
    total = 0
    for _ in range(n):
        total += items.pop()
    return total, len(items)


def last_index(xs, n):
    for i in range(n):
        xs = xs + i
    return i


def short(x):
    for k in range(3):
        x = x * 2.0 + k
    return x


def checked(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2.0


def checked_else(x):
    if x >= 0:
        y = x * 2.0
    else:
        raise ValueError("negative input")
    return y


def asserted(x):
    assert x > 0, "positive"
    return x + 1.0


def either(a, b):
    return a or b


def both(x):
    return x > 0.0 and x < 1.0


def scaled(x, scale):
    s = scale or 1.0
    return x * s


def member(c):
    return c in (1, 2, 3)


def countdown(n):
    steps = 0
    while n:
        n = n // 2
        steps += 1
    return steps


def filled(x, n):
    out = np.zeros(4, np.float32)
    for i in range(n):
        out[i] = x * i
    return out


def masked(w):
    w = w.copy()
    w[w < 0.0] = 0.0
    return w


def mixed_return(x):
    if x > 0:
        return 1
    return 2.5


def first_large(xs):
    k = 0
    while k < xs.shape[0]:
        if xs[k] > 2.0:
            return k
        k += 1
    return -1


def all_positive(xs):
    for i in range(xs.shape[0]):
        if xs[i] <= 0:
            return False
    return True


def shown(x):
    print(f"x = {x:.2f}")
    return x


def flagged_records(v):
    records = [{"value": e, "flag": 0} for e in [v[0], v[1], v[2]]]
    for r in records:
        if r["value"] > 1.0:
            r["flag"] = 1
    return sum(r["flag"] for r in records)


def row_masks(m):
    m = m.copy()
    for i, row in enumerate(m):
        if row.sum() > 1.0:
            m[i][m[i] > 0.5] = 0.5
    return m


def history(x):
    hist = [x]
    for k in range(5):
        hist.append(hist[-1] * 0.5 + k)
    return hist[-1], len(hist)


def gathered_from_one(x):
    ys = []
    for j in range(4):
        if j >= 1:
            ys.append(x * j)
    return jnp.stack(ys)
'''


@pytest.fixture(scope="module")
def kept():
    text = transpile(KEPT, "kept.py", all_functions=True, readable=True, standalone=True)
    assert not uses_py2lax(text)
    rewritten, original = {}, {}
    exec(compile(text, "kept_standalone.py", "exec"), rewritten)
    exec(compile(KEPT, "kept.py", "exec"), original)
    return text, original, rewritten


def test_standalone_output_of_python_statements_is_a_fixed_point(kept):
    text, _, _ = kept
    assert transpile(text, "kept.py", all_functions=True, readable=True, standalone=True) == text


@pytest.mark.parametrize("name, statement", [
    ("unassigned", "    if flag:\n        y = x\n    return y\n"),
    ("labelled", '    if mode == "double":\n        label = 0\n'),
    ("gathered", "    while k < n:\n        rows.append(x * k)\n"),
    ("popped", "    for _ in range(n):\n        total += items.pop()\n"),
    ("short", "    for k in range(3):\n        x = x * 2.0 + k\n"),
])
def test_what_lax_cannot_express_stays_the_users_statement(kept, name, statement):
    """A string or None carried, a list that grows or shrinks, a variable Python may
    leave unbound, a static range of at most UNROLL_LIMIT iterations: the statement stays
    Python, right whenever what it tests is static. (An object's attribute is carried:
    see ``test_objects_a_traced_statement_changes_are_carried_as_their_attributes``.)"""
    text, original, rewritten = kept
    text = unchecked(text)
    function = text[text.index(f"def {name}("):]
    assert function[:function.index("\n\n\n")].endswith(statement.rstrip("\n")) or (
        statement in function)
    static = {"unassigned": ((1.5, True), (1,)), "labelled": ((1.5, "double"), (1,)),
              "gathered": ((1.5, 3), (1,)),
              "popped": ((3,), (0,)),
              "short": ((1.5,), ())}[name]
    args, static_argnums = static
    expected = original[name](*args)
    assert_tree_close(expected, jax.jit(rewritten[name], static_argnums=static_argnums)(*args))
    if static_argnums:  # the same argument traced: JAX's error, never another answer
        with pytest.raises((jax.errors.TracerBoolConversionError,
                            jax.errors.TracerIntegerConversionError,
                            jax.errors.ConcretizationTypeError, TypeError)):
            jax.jit(rewritten[name])(*args)


def test_a_raise_under_a_traced_condition_raises_when_the_program_runs(kept):
    text, _, rewritten = kept
    assert "    jax.debug.callback(raise_if_" in text and "jax.debug.callback(raise_" in text
    for name in ("checked", "checked_else"):
        compiled = jax.jit(rewritten[name])
        assert float(compiled(jnp.float32(2.0))) == 4.0
        with pytest.raises(Exception, match="ValueError: negative input"):
            compiled(jnp.float32(-1.0)).block_until_ready()


def test_an_assert_on_a_traced_value_is_checked_when_the_program_runs(kept):
    _, _, rewritten = kept
    compiled = jax.jit(rewritten["asserted"])
    assert float(compiled(jnp.float32(2.0))) == 3.0
    with pytest.raises(Exception, match="AssertionError: positive"):
        compiled(jnp.float32(-1.0)).block_until_ready()


@pytest.mark.parametrize("name, cases, written", [
    ("either", [(0, 3), (2, 3), (0.0, 0.0)], "jnp.where(jnp.broadcast_to(jnp.squeeze(a), ()), a, b)"),
    ("both", [(0.5,), (1.5,), (-1.0,)], "jnp.logical_and(x > 0.0, x < 1.0)"),
    ("scaled", [(2.0, 0.0), (2.0, 3.0)], "jnp.where(jnp.broadcast_to(jnp.squeeze(scale), ()), scale, 1.0)"),
    ("member", [(2,), (5,)], "jnp.isin(c, jnp.asarray([1, 2, 3]))"),
    ("countdown", [(0,), (1,), (13,)], "jnp.not_equal(n, 0)"),
])
def test_and_or_not_in_on_traced_values_follow_pythons_rule(kept, name, cases, written):
    text, original, rewritten = kept
    assert written in text
    compiled = jax.jit(rewritten[name])
    for args in cases:
        assert_tree_close(original[name](*args), compiled(*(jnp.asarray(a) for a in args)))


def test_numpy_arrays_filled_in_place_become_jax_arrays_updated_with_at(kept):
    text, original, rewritten = kept
    assert "out = jnp.zeros(4, np.float32)" in text and "out = out.at[i].set(x * i)" in text
    assert "w = jnp.where(w < 0.0, jnp.asarray(0.0, w.dtype), w)" in text
    assert_tree_close(original["filled"](2.0, 3), jax.jit(rewritten["filled"])(
        jnp.float32(2.0), jnp.int32(3)))
    values = np.array([1.0, -2.0, 3.0], np.float32)
    assert_tree_close(original["masked"](values.copy()), jax.jit(rewritten["masked"])(
        jnp.asarray(values)))


def test_a_return_under_traced_conditions_keeps_pythons_types_and_values(kept):
    """A result that is an int on one path and a float on another, or that a loop may
    leave as its placeholder: the types are joined as jnp promotes them."""
    text, original, rewritten = kept
    assert "jax.eval_shape(if_true_" in text
    xs = jnp.array([1.0, 3.0, 0.5])
    for name, args in (("mixed_return", (1.0,)), ("mixed_return", (-1.0,)),
                       ("first_large", (xs,)), ("first_large", (xs * 0,)),
                       ("all_positive", (xs,)), ("all_positive", (xs - 1,))):
        expected = original[name](*(np.asarray(a) for a in args))
        got = jax.jit(rewritten[name])(*(jnp.asarray(a) for a in args))
        assert float(got) == float(expected)  # `1` joined with `2.5` is a float, as jnp has it


def test_print_with_a_format_spec_formats_when_the_values_are_known(kept, capsys):
    """``jax.debug.print`` of JAX 0.4.30 cannot apply ``{:.2f}`` to a traced value."""
    text, _, rewritten = kept
    assert "jax.debug.callback(lambda v0: print('x = {:.2f}'.format(v0)), x)" in text
    jax.jit(rewritten["shown"])(jnp.float32(1.5)).block_until_ready()
    jax.effects_barrier()
    assert capsys.readouterr().out == "x = 1.50\n"


# Repros from the command line's runs over installed packages (see the CLI's tests).
def test_a_static_loop_over_a_python_list_stays_python_on_a_second_run():
    source = """
        import numpy as np

        def as_series_pairs(pu):
            types = ['i', 'd', 'O']
            for i in range(len(types)):
                for j in range(i):
                    ci = np.ones(1, types[i])
                    cj = np.ones(1, types[j])
                    [resi, resj] = pu.as_series([ci, cj])

        def nulp(x, y, z):
            if z > 0:
                max_nulp = np.max(abs(x - y))
            else:
                max_nulp = 0
            return max_nulp
    """
    once = transpile(textwrap.dedent(source), "m.py", all_functions=True, readable=True,
                     standalone=True)
    assert "        for j in range(i):\n            ci = np.ones(1, types[i])\n" in once
    assert "max_nulp = jnp.max(abs(x - y))" in once or "numpy.max(abs(x - y))" in once
    assert transpile(once, "m.py", all_functions=True, readable=True, standalone=True) == once


def test_a_slice_assigned_a_list_is_python():
    text = transpile(textwrap.dedent("""
        class Recorder:
            def clear(self):
                self._list[:] = []
    """), "r.py", all_functions=True, readable=True, standalone=True)
    assert "        self._list[:] = []\n" in text and ".at[" not in text


def test_a_raise_in_a_try_else_branch_is_raised_only_when_its_condition_holds():
    source = """
        def f(x, g):
            try:
                y = g(x)
            except KeyError:
                y = 0
            else:
                if y > 0:
                    raise ValueError("positive")
            return y
    """
    text = transpile(textwrap.dedent(source), "k.py", all_functions=True, standalone=True)
    namespace = {}
    exec(compile(text, "k.py", "exec"), namespace)
    assert int(jax.jit(namespace["f"], static_argnums=1)(jnp.int32(-1), lambda v: v)) == -1


def test_a_container_another_name_reaches_is_not_updated_in_a_copy(kept):
    """``r["flag"] = 1`` on the dicts of a list: lax would update its own copy of ``r``
    and the list would never see it. ``r`` travels as its contents, which each branch
    and the statement put back into the dict itself (``_py2lax_refill``): the list sees
    the change, as in Python."""
    text, original, rewritten = kept
    assert "_py2lax_refill(r, r_state)" in text
    values = np.array([0.5, 1.5, 2.5], np.float32)
    expected = original["flagged_records"](values)
    assert int(jax.jit(rewritten["flagged_records"])(jnp.asarray(values))) == expected == 2


@pytest.mark.parametrize("name, args", [
    ("row_masks", (np.array([[0.25, 0.75], [1.0, 0.5]], np.float32),)),
    ("history", (np.float32(2.0),)),
    ("gathered_from_one", (np.float32(1.5),)),
])
def test_containers_updated_in_place_keep_pythons_meaning(kept, name, args):
    """A mask of one row, a list read while it grows, a static loop whose `if` appends:
    Python's answer, traced."""
    _, original, rewritten = kept
    expected = original[name](*(a.copy() for a in args))
    got = jax.jit(rewritten[name])(*(jnp.asarray(a) for a in args))
    for e, g in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(got)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6)


# A second run over the command's own output: the functions it gave lax are read as the
# statement they came from (no cell variables, the same facts), so nothing changes again.
def _twice(source: str) -> tuple[str, str]:
    once = transpile(textwrap.dedent(source), "m.py", all_functions=True, readable=True,
                     standalone=True)
    return once, transpile(once, "m.py", all_functions=True, readable=True, standalone=True)


def test_a_dict_updated_under_an_if_stays_a_dict_assignment_on_a_second_run():
    """The first run's ``if_true_5`` reads ``md``; read again, ``md`` is no closure
    variable (``nonlocal md; md = md_in`` would hide that it is a dict) and is still
    put in the returned tuple, so ``md['width'] = w`` is never ``md.at['width'].set``."""
    once, again = _twice("""
        def metadata(self, always_both=False):
            md = {}
            if self.width:
                md['width'] = self.width
            if md or always_both:
                return self.data, md
            else:
                return self.data
    """)
    assert "        md['width'] = self.width\n" in once
    assert again == once and ".at[" not in again and "nonlocal" not in again


def test_a_list_an_if_grows_unequally_stays_python_on_a_second_run():
    once, again = _twice("""
        def signature(obj_name, params):
            result = []
            pos_only = False
            for param in params:
                if param.kind == 0:
                    pos_only = True
                elif pos_only:
                    result.append('/')
                    pos_only = False
                result.append(str(param))
            if len(obj_name) + sum(len(r) + 2 for r in result) > 75:
                rendered = '\\n'.join(result)
            else:
                rendered = ', '.join(result)
            return rendered
    """)
    assert "    for param in params:\n        if param.kind == 0:\n" in unchecked(once)
    assert again == once


def test_a_continue_guard_stays_python_on_a_second_run():
    """``if not continued_10:`` guards a statement kept Python in the first run; the
    second run keeps it too (``after`` is not made a closure variable by the first
    run's ``if_true_20``)."""
    once, again = _twice("""
        def strip(self, code):
            try:
                _ = list(code)
            except TypeError:
                return code
            tokens = parse(code)
            seen = False
            after = []
            level = 0
            for t in tokens:
                if t.type == 1:
                    if t.string in '([':
                        level += 1
                    elif t.string != '.' and level == 0:
                        seen = True
                        after = []
                        continue
                if seen:
                    after.append(t.string)
            if seen:
                return ''.join(after)
            else:
                return code
    """)
    assert re.search(r"\n +if not continued_\d+:\n +if seen:\n +after.append",
                     unchecked(once))
    assert again == once


def test_an_annotation_in_a_statement_kept_python_survives_a_second_run():
    once, again = _twice("""
        def f(lines, x):
            if lines:
                out: list = [x]
                total = x
            else:
                out = None
                total = 0
            if x > 0:
                y = total + 1
            else:
                y = len(out)
            return y
    """)
    assert "        out: list = [x]\n" in once
    assert again == once


def test_a_method_of_a_conditional_expression_called_for_its_effect_stays_python():
    """``(flags if c else rest).append(a)`` changes a list lax would not carry: the loop
    stays Python, and so does the ternary (not ``lax.cond(...).append``, which would
    append to a copy)."""
    once, again = _twice("""
        def split(unknown, file_or_dir):
            unknown_flags = []
            for arg in unknown:
                (unknown_flags if arg.startswith("-") else file_or_dir).append(arg)
            return unknown_flags
    """)
    shown = unchecked(once)
    assert "    for arg in unknown:\n" in shown and (  # the method on the object chosen
        '        unknown_flags.append(arg) if arg.startswith("-") else file_or_dir.append(arg)\n'
        in shown or '        (unknown_flags if arg.startswith("-") else file_or_dir).append(arg)\n'
        in shown)
    assert again == once and "jax.lax" not in once


def test_a_dict_a_closure_reads_is_still_a_dict_in_the_generated_function():
    """``nonlocal md; md = md_in`` (``md`` is a closure variable) passes the same dict on:
    its item assignment stays ``md['width'] = x``, never ``.at`` on a dict."""
    once, again = _twice("""
        def f(self, x):
            md = {}
            def get():
                return md
            if x > 0:
                md['width'] = x
            return get()
    """)
    assert "        md['width'] = x\n" in once and ".at[" not in once
    assert again == once


def test_a_loop_that_assigns_the_list_it_grows_is_not_stacked():
    """``after = []`` inside the loop starts the list again; a scan stacking every
    iteration's appends would keep them all (``[2, -2, 4]`` where Python gives
    ``[-2, 4]``). The loop stays Python: Python's answer, or JAX's error."""
    source = """
        import jax.numpy as jnp

        def tail(xs):
            after = []
            for t in xs:
                if t < 0:
                    after = []
                after.append(t * 2)
            return jnp.stack(after)
    """
    once, again = _twice(source)
    assert "    for t in xs:\n" in once and "lax.scan" not in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    try:
        got = jax.jit(namespace["tail"])(jnp.array([1.0, -1.0, 2.0]))
    except TypeError:  # the branches give lists of different lengths: JAX's error
        return
    np.testing.assert_allclose(np.asarray(got), [-2.0, 4.0])


def test_an_elif_inside_a_try_is_decided_the_same_on_a_second_run():
    """The first run's inner ``py2lax.cond`` call is not a call that may raise (its
    functions are read instead), as ``jax.lax.cond`` is not on a second run."""
    once, again = _twice("""
        def tok(tokens):
            by_line = [[]]
            level = 0
            try:
                for token in tokens:
                    by_line[-1].append(token)
                    if token.type == 1:
                        by_line.append([])
                    elif token.type == 2 and token.string in {"("}:
                        level += 1
                    elif token.type == 2 and token.string in {")"}:
                        if level > 0:
                            level -= 1
            except ValueError:
                pass
            return by_line
    """)
    assert again == once


def test_a_list_a_first_run_scan_carries_is_still_a_list_on_a_second_run():
    """``in_s, = carry`` and ``axis, x = item`` in the first run's scan body pass the
    function's variables in; ``in_s`` stays the list it was (no ``.at``)."""
    once, again = _twice("""
        def pad(arr, axes, s, fft_type):
            if s is not None:
                in_s = list(arr.shape)
                for axis, x in zip(axes, s):
                    in_s[axis] = x
                if fft_type == 3:
                    in_s[-1] = in_s[-1] // 2 + 1
                arr = arr[tuple(slice(s) for s in in_s)]
            return arr
    """)
    assert "in_s[axis] = x" in once and ".at[" not in once
    assert again == once


def test_a_raise_after_an_or_is_checked_when_the_program_runs_on_both_runs():
    """``rc = p.returncode or -9`` before a ``raise``: written in jax in the callback, as
    a second run reads it; an imported class is read by the callback, not passed."""
    once, again = _twice("""
        def shebang(args, p, cell):
            from subprocess import CalledProcessError
            if args.raise_error:
                rc = p.returncode or -9
                raise CalledProcessError(rc, cell)
            return 0
    """)
    assert "jax.debug.callback(raise_if_" in once and "py2lax" not in once
    assert ", CalledProcessError)" not in once
    assert again == once


def test_a_dict_two_first_run_functions_deep_is_still_a_dict_on_a_second_run():
    """``nonlocal sa_attrs; sa_attrs = sa_attrs_in`` in a scan body and in the ``if``
    inside it: each reaches the function's own ``sa_attrs = {}``."""
    once, again = _twice("""
        def add_setattr(self, hooks):
            sa_attrs = {}
            for a in self._attrs:
                on_setattr = a.on_setattr or self._on_setattr
                if on_setattr and on_setattr is not hooks:
                    sa_attrs[a.name] = a, on_setattr
            def __setattr__(self, name, val):
                return sa_attrs[name]
            return __setattr__
    """)
    assert "sa_attrs[a.name] = a, on_setattr" in once and ".at[" not in once
    assert again == once


def test_lists_grown_inside_a_first_run_function_decide_the_same_on_a_second_run():
    """``toks.append``/``totraverse.append`` inside the first run's ``if_true_N``: read
    again, they grow the list as the runtime's ``append`` did (the loop stays Python)."""
    for source in ("""
        def highlight(self, block, Token):
            tokens = lex(block)
            if self.format_rst:
                toks = []
                for token in tokens:
                    if token[0] == Token.Doc and len(token[1]) > 6:
                        toks += lex(token[1][:3])
                    elif token[0] == Token.Comment:
                        toks.append((Token.Comment, token[1][0]))
                        toks += list(lex(token[1][1:]))[:-1]
                    else:
                        toks.append(token)
                tokens = toks
            return tokens
    """, """
        def names(module, types):
            thedict = {module.__name__: module.__dict__}
            dictlist = [module.__name__]
            totraverse = [module.__dict__]
            while True:
                if len(totraverse) == 0:
                    break
                thisdict = totraverse.pop(0)
                for x in thisdict.keys():
                    if isinstance(thisdict[x], types.ModuleType):
                        modname = thisdict[x].__name__
                        if modname not in dictlist:
                            dictlist.append(modname)
                            totraverse.append(thisdict[x].__dict__)
            return thedict, dictlist
    """):
        once, again = _twice(source)
        assert again == once


def test_a_loop_variable_iterating_over_a_tuple_of_itself_is_no_internal_error():
    """``for a in (a, b)`` (numpy's ``isclose``): the facts read ``a`` once."""
    from py2lax.transpiler import rewrite_module
    result = rewrite_module(textwrap.dedent("""
        def isclose(a, b, rtol):
            x, y = (v if isinstance(v, float) else abs(v) for v in (a, b))
            for a in (a, b):
                a[0] = rtol
            if rtol > 0:
                x = y
            return x
    """), "n.py", all_functions=True, readable=True, standalone=True)
    assert not [f for f in result.failures if f.internal]
    ast.parse(result.text)


def test_branch_functions_a_dtype_join_reads_first_are_no_closures_on_a_second_run():
    """``dtypes_N = jax.tree.map(..., jax.eval_shape(if_true_N, ...))`` between the
    branch functions and ``lax.cond`` (cattrs' ``generate_mapping``): they still run only
    at that statement, so ``mapping`` is not made a closure variable."""
    once, again = _twice("""
        def generate_mapping(cl, old_mapping={}):
            mapping = dict(old_mapping)
            origin = get_origin(cl)
            if origin is not None:
                parameters = getattr(get_origin(cl), '__parameters__', None)
                if parameters is None:
                    return dict(old_mapping)
                for p, t in zip(parameters, get_args(cl)):
                    if isinstance(t, TypeVar):
                        continue
                    mapping[p.__name__] = t
            elif is_generic(cl):
                for base in cl.__orig_bases__:
                    if not hasattr(base, '__args__'):
                        continue
                    base_args = base.__args__
                    if hasattr(base.__origin__, '__parameters__'):
                        base_params = base.__origin__.__parameters__
                    else:
                        continue
                    for param, arg in zip(base_params, base_args):
                        mapping[param.__name__] = arg
            return mapping
    """)
    assert again == once and "nonlocal" not in once


def _run_both(source: str, name: str, *args, jit: bool = True):
    """``name`` of ``source`` run as Python and as its ``--standalone`` output (jitted):
    (value or the error's type) for each."""
    source = textwrap.dedent(source)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert not uses_py2lax(text)
    results = []
    for converted, code, arguments in ((False, source, args), (True, text, jax.tree.map(
            lambda a: jnp.asarray(a) if isinstance(a, (int, float, np.ndarray)) else a,
            args))):
        namespace = {"jax": jax, "jnp": jnp, "np": np}
        exec(compile(code, "program.py", "exec"), namespace)
        function = namespace[name]
        if jit and converted:
            function = jax.jit(function)
        try:
            results.append(function(*arguments))
        except Exception as error:  # noqa: BLE001 - compared as a kind
            results.append(error)
    return text, results[0], results[1]


def test_an_operand_python_may_skip_with_a_call_keeps_the_short_circuit():
    """``x > 0 and lst.pop() > 0``, ``check(x) if x > 0 else False``: neither
    ``jnp.logical_and`` nor ``lax.cond`` skips the call's effect; the expression stays
    Python (JAX's error for a traced test), never a list popped Python would not pop."""
    source = """
        def and_pop(x, lst):
            r = x > 0 and lst.pop() > 0
            return r, len(lst)

        def ternary_counts(x):
            calls = [0]
            def check(v):
                calls[0] += 1
                return v > 2
            r = check(x) if x > 0 else False
            return r, calls[0]

        def pure(x):
            return x > 0 and jnp.sum(x) > 1
    """
    text, python, written = _run_both(source, "and_pop", -1, [1, 2])
    assert python == (False, 2) and isinstance(written, jax.errors.TracerBoolConversionError)
    assert "lst.pop() > 0" in text and "logical_and(x > 0, lst.pop()" not in text
    _, python, written = _run_both(source, "ternary_counts", -1)
    assert python == (False, 0) and isinstance(written, Exception)
    _, python, written = _run_both(source, "pure", 2.0)
    assert bool(written) is bool(python) is True
    assert "logical_and(x > 0, jnp.sum(x) > 1)" in text


def test_and_or_not_of_arrays_of_several_items_raise_as_python_does():
    """``a and b``/``not a`` on arrays of two items: Python cannot take their truth; the
    output must not answer item by item (``jnp.where``/``logical_not``)."""
    source = """
        def both(a, b):
            return a and b

        def negated(a):
            return not a
    """
    pair = np.array([0, 1], np.int32)
    _, python, written = _run_both(source, "both", pair, np.array([1, 1], np.int32))
    assert isinstance(python, ValueError) and isinstance(written, Exception)
    _, python, written = _run_both(source, "negated", pair)
    assert isinstance(python, ValueError) and isinstance(written, Exception)
    _, python, written = _run_both(source, "negated", np.array([1, 1], np.int32))
    assert isinstance(python, ValueError) and isinstance(written, ValueError)
    _, python, written = _run_both(source, "negated", np.array([0], np.int32))
    assert bool(written) is bool(python) is True
    _, python, written = _run_both(source, "negated", np.int32(0))
    assert bool(written) is python is True
    _, python, written = _run_both(source, "both", 2.0, 3.0)
    assert float(written) == python == 3.0


def test_a_list_a_traced_loop_appends_to_is_extended_in_place():
    """``hist = results["loss"]`` then ``hist.append(x)`` in a traced loop: the stacked
    items extend the list itself, so ``results["loss"]`` sees them (a rebinding
    ``hist = hist + [...]`` left it empty)."""
    source = """
        def history(v):
            results = {"loss": []}
            hist = results["loss"]
            for x in v:
                if x > 0:
                    hist.append(x)
                else:
                    hist.append(0.0 * x)
            return len(results["loss"])
    """
    text, python, written = _run_both(source, "history", np.array([1.0, -2.0, 3.0], np.float32))
    assert python == written == 3 and "hist.extend(" in text
    again = transpile(text, "program.py", all_functions=True, standalone=True)
    assert again == text


def test_a_list_two_names_reach_is_not_carried_through_lax_as_a_copy():
    """``hist = results["loss"]``: an ``if`` that appends to ``hist`` (or a loop that
    changes ``results`` in place) would hand back a copy that the other name does not
    see; the statement stays Python (JAX's error for a traced test), never a list
    ``results`` does not hold."""
    source = """
        def branch(x):
            results = {"loss": []}
            hist = results["loss"]
            if x > 0:
                hist.append(x)
            else:
                hist.append(-x)
            return len(results["loss"])

        def counted(v):
            results = {"loss": [], "step": 0}
            hist = results["loss"]
            for x in v:
                if x > 0:
                    hist.append(x)
                else:
                    hist.append(0.0 * x)
                results["step"] += 1
            return len(results["loss"]), results["step"]
    """
    _, python, written = _run_both(source, "branch", 2.0)
    assert python == 1 and (written == 1 or isinstance(written, Exception))
    _, python, written = _run_both(source, "counted", np.array([1.0, -2.0], np.float32))
    assert python == (2, 2) and (isinstance(written, Exception) or (
        int(written[0]), int(written[1])) == python)


def test_a_loop_over_an_array_its_body_assigns_items_of_reads_them_live():
    """``for v in u: s += v; u[4] += 10.0`` (and ``zip(x, u)``): NumPy's loop reads each
    item as it is then; the output indexes the carried array (a scan over a copy taken
    before the loop read the old items)."""
    source = """
        def live(x):
            u = x * 1.0
            s = 0.0
            for v in u:
                s += v
                u[4] += 10.0
            return s, u

        def zipped(x):
            u = x * 1.0
            s = 0.0
            for a, b in zip(x, u):
                s += b
                u[u < 1.0] += 1.0
            return s
    """
    x = np.array([1.0, -0.5, 2.0, 0.25, -1.0], np.float32)
    text, python, written = _run_both(source, "live", x)
    assert_tree_close(written, python)
    _, python, written = _run_both(source, "zipped", x)
    assert_tree_close(written, python)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text


def test_a_write_into_a_row_view_stays_python():
    """``for p in state: p[0] += ...`` writes through NumPy's row view; ``.at`` on the
    row would update a copy and lose it. The statement stays Python: NumPy writes,
    a JAX array raises JAX's own error."""
    source = """
        def rows(state, dt):
            state = state.copy()
            for p in state:
                p[0] += p[1] * dt
            return state
    """
    state = np.array([[0.5, 1.0], [0.9, -1.0]], np.float32)
    text, python, written = _run_both(source, "rows", state, 0.2)
    assert "p[0] += p[1] * dt" in text and ".at[" not in text
    assert isinstance(written, Exception)


def test_a_loop_over_a_python_iterator_stays_a_python_loop():
    """``reversed([...])``, ``itertools.product``, a generator, ``enumerate`` of strings:
    ``jnp.asarray`` cannot take them; the loop runs as Python (its traced ``if`` still a
    ``lax.cond``). ``any(x > t for x in v)`` is ``jnp.any`` of the items' truth."""
    source = """
        import itertools

        def backwards(x):
            s = 0.0
            for v in reversed([1.0, 2.0, 3.0]):
                if x > v:
                    s += v
            return s

        def product(x):
            s = 0.0
            for a, b in itertools.product([1, 2], [3, 4]):
                if x > a:
                    s += b
            return s

        def generated(x):
            s = 0.0
            for v in (i * 2 for i in range(3)):
                if x > v:
                    s += v
            return s

        def named(x):
            s = 0.0
            for i, name in enumerate(["a", "bb"]):
                if x > i:
                    s += len(name)
            return s

        def exceeds(v, t):
            return any(x > t for x in v)
    """
    for name, args in [("backwards", (2.5,)), ("product", (1.5,)), ("generated", (3.0,)),
                       ("named", (0.5,)),
                       ("exceeds", (np.array([1.0, 2.0], np.float32), 1.5)),
                       ("exceeds", (np.array([1.0, 2.0], np.float32), 2.5))]:
        text, python, written = _run_both(source, name, *args)
        assert float(written) == float(python), name
    assert "jax.lax.cond(x > v" in text and "asarray(reversed" not in text


def test_an_item_with_a_string_key_is_a_dict_item():
    """``x["a"]["b"] = 1``: a string indexes a dict, never an array (no ``.at``)."""
    source = """
        def nested(x, n):
            if n > 0:
                x["a"]["b"] = 1
            return x
    """
    text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                     standalone=True)
    assert 'x["a"]["b"] = 1' in text.replace("'", '"') and ".at[" not in text


def test_a_write_into_a_row_view_stays_python_on_a_second_run():
    """The second run reads ``p, = jax.lax.cond(...)`` and a branch function taking
    ``row``: the write into the view still stays Python, and so does the loop."""
    source = """
        def rows(state, dt):
            state = state.copy()
            for p in state:
                p[0] += p[1] * dt
                if p[0] > 1.0:
                    p[1] = -p[1]
            return state

        def traced_write(g, t):
            g = g.copy()
            for i in range(g.shape[0]):
                row = g[i]
                if row[0] > t:
                    row[1] = 0.0
            return g
    """
    once, again = _twice(source)
    assert again == once and ".at[" not in once


def test_a_returned_array_from_inside_a_loop_or_try_has_its_shape():
    """``return (u,)`` inside a traced loop or a ``try``: the result's placeholder meets
    an array; the join fills it to that array's shape (a scalar placeholder made
    ``lax.cond`` refuse branches of different shapes)."""
    source = """
        def in_loop(x, y, n):
            u = x * 1.0
            for i in range(n):
                if u[i % 5] > y:
                    return (u,)
                u = u + 1.0
            return (u,)

        def in_try(x, y):
            u = x * 1.0
            k = 0
            try:
                if y > 0:
                    return (u, k)
            finally:
                k += 1
            return (u, k)
    """
    x = np.array([1.0, -0.5, 2.0, 0.25, -1.0], np.float32)
    for y in (0.5, 5.0):
        text, python, written = _run_both(source, "in_loop", x, y, 3)
        assert_tree_close(written, python)
        _, python, written = _run_both(source, "in_try", x, y)
        assert_tree_close(written, python)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text


def test_a_loop_drawing_from_a_generator_or_iterator_stays_python():
    """``rng.normal()``/``next(it)`` in a static loop: lax would trace one draw for all
    iterations; the loop runs as Python."""
    source = """
        import numpy as np

        def walk(x, seed):
            rng = np.random.default_rng(seed)
            for _ in range(5):
                x = x + rng.normal()
            return x

        def schedule(w):
            lrs = iter([0.1, 0.2, 0.3, 0.4])
            for _ in range(4):
                lr = next(lrs)
                w = w - lr * w
            return w
    """
    text, python, written = _run_both(source, "walk", 0.5, np.int64(3), jit=False)
    assert np.isclose(float(written), python) and "fori_loop" not in text
    _, python, written = _run_both(source, "schedule", 2.0)
    assert np.isclose(float(written), python)


def test_an_append_to_a_list_another_name_reaches_is_not_a_lax_copy():
    """``log.append(x)`` on a parameter, or on ``h = self.hist``, in a traced ``if``:
    ``lax.cond`` would hand back a copy and the caller's list would stay empty; the
    ``if`` stays Python."""
    source = """
        def record(log, x):
            if x > 0:
                log.append(x)
            else:
                log.append(-x)

        class Recorder:
            def __init__(self):
                self.hist = []

            def record(self, x):
                h = self.hist
                if x > 0:
                    h.append(x)
                else:
                    h.append(-x)
    """
    text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                     standalone=True)
    assert "lax.cond" not in text


def test_an_item_assignment_on_a_parameter_that_may_be_a_list_dispatches_on_its_type():
    """``x[len(x) - 1] = 0`` / ``t[i] = x`` on a parameter the code does not show to be an
    array: ``.at`` for a JAX array, Python's statement for a list or a NumPy array (``.at``
    on a list raised AttributeError); a loop whose index picks the item runs as Python."""
    source = """
        def zero_last(x):
            last = len(x) - 1
            x[last] = 0
            return x

        def fill_traced(t, x):
            for i in range(len(t)):
                if x > i:
                    t[i] = x
            return t
    """
    text, python, written = _run_both(source, "zero_last", [5, 3, 4])
    assert python == [5, 3, 0] and [int(v) for v in written] == python
    _, python, written = _run_both(source, "zero_last", np.array([5, 3, 4], np.int32))
    assert [int(v) for v in written] == list(python)
    _, python, written = _run_both(source, "fill_traced", [0, 0, 0], 2)
    assert [int(v) for v in written] == python == [2, 2, 0]
    assert "if isinstance(x, jax.Array):" in text
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text


def test_a_loop_splitting_jax_random_keys_is_still_compiled():
    """``jax.random`` is functional (keys in, keys out): only NumPy's and Python's
    generators keep a loop Python."""
    text = transpile(textwrap.dedent("""
        import jax

        def monte_carlo(seed, n):
            key = jax.random.PRNGKey(seed)
            inside = 0
            for _ in range(n):
                key, sub = jax.random.split(key)
                xy = jax.random.uniform(sub, (2,))
                if xy[0] * xy[0] + xy[1] * xy[1] < 1.0:
                    inside += 1
            return inside
    """), "program.py", all_functions=True, standalone=True)
    assert "jax.lax.fori_loop" in text


def test_a_conditional_expression_reading_an_object_attribute_passes_the_attribute():
    """``y if y > 0 else acc.total``: ``lax.cond`` takes ``acc.total`` as its operand,
    not the object ``acc``, which is no JAX type."""
    source = """
        class Acc:
            def __init__(self):
                self.total = 2.0

        def pick(y):
            acc = Acc()
            return y if y > 0 else acc.total
    """
    for y in (0.5, -1.0):
        text, python, written = _run_both(source, "pick", y)
        assert float(written) == python
    assert "acc.total)" in text
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text


def test_an_int_counter_a_branch_makes_a_float_is_promoted_in_the_carry():
    """``c = 0`` then ``c += 0.5`` under a traced ``if`` in a loop: the branches are
    joined and the carry starts as the float one iteration gives (lax refused the
    types changing)."""
    source = """
        def count(v):
            c = 0
            for x in v:
                if x > 0:
                    c += 0.5
            return c
    """
    text, python, written = _run_both(source, "count", np.array([1.0, -1.0, 2.0], np.float32))
    assert float(written) == python == 1.0
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text


def test_a_write_through_a_second_name_for_an_array_stays_python():
    """``lo = hi = np.zeros(2)`` / ``cur = prev``: NumPy's write through one name is seen
    through the other; ``.at`` rebinding one name was not. The write stays Python
    (JAX's own error for a JAX array), on a second run too."""
    source = """
        import numpy as np

        def chained(x):
            lo = hi = np.zeros(2, np.float32)
            if x > 0:
                hi[0] = x
            return lo

        def previous(v, n):
            prev = v.copy()
            cur = prev
            for _ in range(n):
                cur[0] = cur[0] * 0.5 + 1.0
            return prev
    """
    once, again = _twice(source)
    assert again == once and ".at[" not in once
    _, python, written = _run_both(source, "previous", np.array([1.0, 1.0], np.float32), 2)
    assert isinstance(written, Exception)


def test_a_loop_around_a_loop_over_dict_items_decides_the_same_on_a_second_run():
    """IPython's ``register``: ``for mtype in kinds:`` around ``for k, f in
    d[mtype].items():``; the inner loop stays Python, and so does the outer one on both
    runs (the second run read the inner loop as the user's and lowered the outer)."""
    once, again = _twice("""
        def register(self, m, magic_kinds):
            for mtype in magic_kinds:
                table = self.magics[mtype]
                for magic_name, func in m.magics[mtype].items():
                    if isinstance(func, str):
                        continue
                    table[magic_name] = func
    """)
    assert again == once and "jax.lax.scan" not in once


# --------------------------------------------------------------------------- NumPy in place
def test_numpy_in_place_sort_and_fill_give_the_variable_the_new_array():
    """``v.sort()`` / ``out.fill(x)`` on a JAX array changed nothing (``Array.sort()``
    returns a copy): a silently unsorted answer. The variable gets ``jnp.sort(v)`` /
    ``jnp.full_like(out, x)``; a list keeps ``.sort()``, a parameter that may be a list
    dispatches on its type; a second run writes the same."""
    source = """
        import jax.numpy as jnp
        import numpy as np

        def sort_copy(v):
            v = v.copy()
            v.sort()
            out = np.zeros(3, np.float32)
            out.fill(v[0])
            return v[0], v[-1], out

        def sort_param(v):
            v.sort()
            return v

        def sort_list(x):
            a = [3.0, 2.0, 1.0]
            a.sort()
            return a[0] * x
    """
    once, again = _twice(source)
    assert again == once
    assert "v = jnp.sort(v)" in once and "out = jnp.full_like(out, v[0])" in once
    assert "    a.sort()\n" in once and "if isinstance(v, list):" in once
    v = np.array([3.0, 1.0, 2.0], np.float32)
    _, python, written = _run_both(source, "sort_copy", v)
    assert_tree_close(python, written)
    _, python, written = _run_both(source, "sort_param", v.copy())
    assert_tree_close(python, written)
    _, python, written = _run_both(source, "sort_list", 0.5)
    assert_tree_close(python, written)


def test_an_in_place_update_another_name_sees_raises_for_a_jax_array():
    """``total = acc; acc += x`` and ``for p in rows: p += v``: NumPy changes the array
    both names hold; the function left as Python gave ``acc`` alone a new JAX array, so
    ``total`` stayed zero, a silent wrong answer. A JAX array now raises a TypeError
    that says what to write (a NumPy array the caller passes keeps Python's in-place
    meaning), on a second run too, where the guard is not written twice."""
    source = """
        import numpy as np

        def accumulate(v):
            acc = np.zeros(2, np.float32)
            total = acc
            acc += v
            return total

        def rows_iadd(pos, vel):
            pos = pos.copy()
            for p, v in zip(pos, vel):
                p += v
            return pos
    """
    once, again = _twice(source)
    assert again == once and once.count("raise TypeError") == 2
    _, python, written = _run_both(source, "accumulate", np.array([1.0, 2.0], np.float32))
    assert isinstance(written, TypeError) and "`acc += v`" in str(written)
    assert "program.py:7:" in str(written) and "`total`" in str(written)
    _, python, written = _run_both(source, "rows_iadd", np.ones((2, 2), np.float32),
                                   np.ones((2, 2), np.float32))
    assert isinstance(written, TypeError) and "`p += v`" in str(written)
    assert "write `p = p + v`" in str(written)


def test_a_class_attribute_set_in_a_traced_branch_stays_python():
    """``Tally.total += 1`` under a traced ``if`` in a loop: lax set the class attribute
    to a tracer while tracing (each branch once), a wrong count. The loop stays Python:
    JAX's own error for a traced test, never a different answer."""
    source = """
        class Tally:
            total = 0

        def count(v):
            Tally.total = 0
            for x in v:
                if x > 0:
                    Tally.total += 1
            return Tally.total
    """
    once, again = _twice(source)
    assert again == once and "jax.lax" not in once
    _, python, written = _run_both(source, "count", np.array([1.0, -1.0, 2.0], np.float32))
    assert python == 2 and isinstance(written, Exception)


# --------------------------------------------------------------------------- loops over nothing
def test_a_loop_over_nothing_runs_no_lax_body():
    """Python runs no iteration of ``for i in range(len(v))`` over an empty ``v``, nor of
    ``for c in items`` over ``[]``; lax traced the body anyway: ``v[i]`` on an empty
    array (IndexError), ``jnp.asarray([])`` floats in an int carry (TypeError). The lax
    loop sits under ``if len(v) > 0:`` (a length is known when tracing), on a second run
    too; a loop over an array the code shows is one is not guarded."""
    source = """
        import jax.numpy as jnp

        def nearest(v):
            best = float("inf")
            idx = -1
            for i in range(len(v)):
                d = abs(v[i] - 0.5)
                if d < best:
                    best = d
                    idx = i
            return best, idx

        def prefix(items, stop):
            s = 0
            for c in items:
                if c == stop:
                    break
                s = s * 10 + c
            return s

        def first_total(items):
            total = 0
            for v in items:
                total += v
                return total
            return total

        def even_sum(items):
            total = 0
            for v in items:
                if v % 2 > 0:
                    continue
                total += v
            return total

        def doubled(xs):
            out = xs.shape[0]
            for x in xs:
                out = out + x
            return out
    """
    once, again = _twice(source)
    assert again == once
    assert "if len(v) > 0:" in once and once.count("if len(items) > 0:") == 3
    assert "if len(xs) > 0:" not in once
    empty = np.zeros(0, np.float32)
    for name, args in [("nearest", (empty,)), ("nearest", (np.array([0.2, 0.6], np.float32),)),
                       ("prefix", ([], 2)), ("prefix", ([1, 2, 3], 2)),
                       ("first_total", ([],)), ("first_total", ([4, 5],)),
                       ("even_sum", ([],)), ("even_sum", ([2, 3, 4],))]:
        _, python, written = _run_both(source, name, *args)
        assert_tree_close(python, written)


def test_a_range_loop_index_read_after_a_traced_break_starts_at_the_ranges_start():
    """``for i in range(30): ... break`` then ``return x, i`` (a static loop with a traced
    break): ``i`` is unassigned before the loop only, so the function was left as
    Python (TracerBoolConversionError under jit). A loop known to run starts ``i`` at
    the range's start; one over ``range(v.shape[0])`` does so under the zero-length
    guard, so an empty ``v`` leaves ``i`` unassigned, as Python does."""
    source = """
        import jax.numpy as jnp

        def newton(x):
            for i in range(30):
                f = x * x - 2.0
                if abs(f) < 1e-5:
                    break
                x = x - f / (2.0 * x)
            return x, i

        def index_after_break(v, t):
            for i in range(v.shape[0]):
                if v[i] > t:
                    break
            return i
    """
    once, again = _twice(source)
    assert again == once and "left as Python" not in once
    _, python, written = _run_both(source, "newton", 1.0)
    assert_tree_close(python, written)
    for v in ([0.1, 0.7, 0.2], [0.1, 0.2], []):
        _, python, written = _run_both(source, "index_after_break",
                                       np.array(v, np.float32), 0.5)
        if isinstance(python, Exception):
            assert isinstance(written, NameError)
        else:
            assert_tree_close(python, written)


def test_an_if_that_tests_a_type_stays_python():
    """``if isinstance(x, (list, tuple)): x = jnp.stack(x)``: the answer is Python's when
    tracing, but it was a ``lax.cond``, which traced ``jnp.stack`` of an array (a
    TypeError) even where the test was false."""
    source = """
        import jax.numpy as jnp

        def dispatch(x):
            if isinstance(x, (list, tuple)) and not hasattr(x, "shape"):
                x = jnp.stack(x)
            if jnp.sum(x) > 0:
                return x
            return -x
    """
    once, again = _twice(source)
    assert again == once
    assert '    if isinstance(x, (list, tuple)) and not hasattr(x, "shape"):\n' in once
    for x in (np.array([1.0, -3.0], np.float32), [1.0, 2.0]):
        _, python, written = _run_both(source, "dispatch", x)
        assert_tree_close(python, written)


def test_an_and_operand_calling_a_pure_local_helper_is_a_logical_and():
    """``while f(x + t * d) > bound`` with a ``break`` (a line search): the test is
    ``not broke and f(...) > bound``, whose second operand calls the user's helper ``f``.
    Python's short circuit was kept for every helper (a counter bumped only when
    called), so the traced flag raised TracerBoolConversionError. A helper defined in
    the function that changes nothing may be called anyway: ``jnp.logical_and``. One
    that bumps a counter still keeps Python's ``and``."""
    source = """
        import jax
        import jax.numpy as jnp

        def line_search(x, d):
            def f(v):
                return jnp.sum((v - 1.0) ** 2) + 0.1 * jnp.sum(v ** 4)

            slope = jnp.dot(jax.grad(f)(x), d)
            t = 1.0
            fx = f(x)
            while f(x + t * d) > fx + 1e-4 * t * slope:
                t = t * 0.5
                if t < 1e-8:
                    break
            return t

        def counted(x):
            calls = [0]
            def check(v):
                calls[0] += 1
                return v > 2
            if x > 0 and check(x):
                y = 1
            else:
                y = 2
            return y, calls[0]
    """
    once, again = _twice(source)
    assert again == once
    assert "jnp.logical_and(jnp.logical_not(broke_" in once
    assert "jax.lax.cond(x > 0 and check(x)" in unchecked(once)
    x, d = np.array([2.0, 0.5], np.float32), np.array([-1.0, 0.2], np.float32)
    _, python, written = _run_both(source, "line_search", x, d)
    assert_tree_close(python, written)


def test_a_numpy_out_argument_gives_the_variable_the_result():
    """``np.minimum(best, row, out=best)`` left the function as Python (``with_out`` had
    no plain-jax form): ``best = jnp.minimum(best, row)``, as the runtime does; an
    ``out`` another name reaches (``b = a``) is refused with a located comment."""
    source = """
        import jax.numpy as jnp
        import numpy as np

        def running_min(v):
            best = np.full(2, np.inf, np.float32)
            for row in v:
                np.minimum(best, row, out=best)
            return best

        def shared(v):
            a = np.zeros(2, np.float32)
            b = a
            np.add(a, v, out=a)
            return b
    """
    once, again = _twice(source)
    assert again == once and "best = jnp.minimum(best, row)" in once
    v = np.array([[3.0, 1.0], [2.0, 5.0]], np.float32)
    _, python, written = _run_both(source, "running_min", v)
    assert_tree_close(python, written)
    _, python, written = _run_both(source, "shared", v[0])
    assert isinstance(written, TypeError)  # `jnp.add` would give `a` alone a new array:
    assert "`b` holds the old one (NumPy would change both)" in once  # refused at the line


def test_a_helper_that_writes_into_its_argument_keeps_pythons_write():
    """``def set_first(v): v[0] = 9`` called for its effect: the caller reads ``x``
    afterwards. ``.at`` alone would change a copy the caller never sees (a silent wrong
    answer). The caller calls ``set_first``'s ``_kept`` copy, which gives the written
    array back (``x = set_first_kept(x)[1]``): a NumPy array changes in place, a JAX
    array's update is what the caller reads. (``set_first``, which no code calls now,
    is an entry point: Python's write for a NumPy array, ``.at`` for a JAX one.)"""
    source = """
        def set_first(v):
            v[0] = 9

        def caller(x):
            set_first(x)
            return x
    """
    once, again = _twice(source)
    helper = once[once.index("def set_first"):once.index("def caller")]
    assert again == once and "        v[0] = 9\n" in helper
    assert "x = set_first_kept(x)[1]" in once
    _, python, written = _run_both(source, "caller", np.array([5, 6, 7], np.int32))
    np.testing.assert_array_equal(written, python)
    _, python, written = _run_both(source, "caller", np.array([5, 6, 7], np.int32),
                                   jit=False)
    np.testing.assert_array_equal(written, python)


def test_a_loop_over_a_calls_result_is_not_guarded_by_calling_it_again():
    """The zero-length guard reads a length without calling anything (``len(xs)``); a
    loop over ``self.parts()`` or ``unicodedata.normalize(...)`` is not guarded by
    ``if len(self.parts()) > 0:``, which called the method once more and read as a
    traced test on a second run (a lax.cond: no fixed point)."""
    once, again = _twice("""
        import unicodedata

        def width(s, wcwidth):
            total = 0
            for c in unicodedata.normalize("NFC", s):
                w = wcwidth(c)
                if w < 0:
                    return -1
                total += w
            return total
    """)
    assert again == once and "if len(unicodedata" not in once


# -- programs of the random generator (/tmp/scratch/randgen), one class each -------------
def test_an_operand_calling_a_pure_module_function_or_lambda_is_combined_with_logical_and():
    """``c < n and below(x, c)`` in a traced loop test: the module's ``below`` (and an
    inline ``lambda``) changes nothing, so evaluating it where Python's short circuit
    would not computes the same; it was kept Python, JAX's error under jit. A module
    function with an effect still keeps the short circuit."""
    source = """
        LOG = []

        def below(v, c):
            t = v
            for i in range(3):
                t = t * 0.5
            return c < t

        def noisy(v):
            LOG.append(v)
            return v > 0

        def count(x, n):
            c = 0
            while c < n and below(x, c):
                c += 1
            return c

        def count_lambda(x, n):
            c = 0
            while c < n and (lambda q: q * 0.5 + 1.0)(x) > c:
                c += 1
            return c

        def count_noisy(x, n):
            c = 0
            while c < n and noisy(x - c):
                c += 1
            return c
    """
    for name in ("count", "count_lambda"):
        text, python, written = _run_both(source, name, 40.0, 9)
        assert python == int(written) == (5 if name == "count" else 9)
    assert "logical_and(c < n, jax.numpy.not_equal(below(x, c), 0))" in text
    text, _, written = _run_both(source, "count_noisy", 3.0, 9)
    assert isinstance(written, jax.errors.TracerBoolConversionError)
    assert "c < n and noisy(x - c)" in text


def test_a_closure_variable_a_dtype_join_evaluates_is_put_back_before_lax_reads_it():
    """``jax.eval_shape`` of a loop body that sets a closure variable (``nonlocal y``, as
    a lambda reads ``y``) left the variable holding the evaluation's tracer, which the
    ``while_loop`` after it read: an UnexpectedTracerError. It is put back."""
    source = """
        def f(x, y):
            c = 0
            while c < 5 and x > (lambda q: q * 0.5 + y)(y):
                c += 1
                y = y + 1.0
                if x > 100.0:
                    return c
            return -1
    """
    text, python, written = _run_both(source, "f", 8.0, 1.0)
    assert python == int(written) == -1
    assert "y_before = y" in text


def test_a_parameter_an_entry_point_writes_into_is_at_for_a_jax_array_and_python_for_numpy():
    """``w0[0] = x`` on a parameter the function does not return (no code of the module
    calls it): kept Python, it raised JAX's immutability error under jit, where the
    runtime writes ``.at``; it now dispatches on the type (a NumPy array the caller
    passes is still changed in place, as in Python), on a second run too. A helper the
    module calls keeps Python's write (see the test above)."""
    source = """
        import numpy as np

        def f(x, w0):
            w0[0] = x
            return w0.sum() * 2.0
    """
    once, again = _twice(source)
    assert again == once and "if isinstance(w0, jax.Array):" in once
    _, python, written = _run_both(source, "f", 3.0, np.array([1.0, 2.0]))
    assert python == float(written) == 10.0
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    caller_array = np.array([1.0, 2.0])
    assert namespace["f"](3.0, caller_array) == 10.0 and caller_array[0] == 3.0


def test_a_python_comparison_inside_an_operand_does_not_keep_a_traced_if_python():
    """``if (x if mode == "a" else 0.25) <= y:``: the string comparison picks an operand
    (a Python ternary); ``<=`` decides, on traced values: ``lax.cond``, not JAX's error."""
    source = """
        def f(x, y, mode):
            s = 0.0
            if (x if mode == "a" else 0.25) <= y:
                s = y - x
            return s
    """
    text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                     standalone=True)
    namespace = {"jax": jax, "jnp": jnp}
    exec(compile(text, "program.py", "exec"), namespace)
    g = jax.jit(namespace["f"], static_argnums=2)
    assert float(g(1.0, 2.0, "a")) == 1.0 and float(g(3.0, 2.0, "b")) == -1.0
    assert float(g(3.0, 2.0, "a")) == 0.0 and "jax.lax.cond" in text


def test_an_int_an_if_may_make_a_float_is_joined_with_the_float():
    """``s = 0`` then ``s -= y`` on one path of a traced ``if`` (or in a loop there), or
    a result read from such a name: the branches gave ``int`` and ``float``, a lax
    type error. The join promotes as the runtime does; the value is Python's."""
    source = """
        def one_path(x, y):
            s = 0
            if x > 0:
                s -= y
            return s

        def in_a_loop(x, y, n):
            s = 0
            if x > 0:
                for i in range(n):
                    s -= y + s
            return s

        def returned(x, y):
            s = 0
            if x > 5:
                return s
            if x > 0:
                s = s + y
            return s
    """
    for name, args, expected in (("one_path", (1.0, 2.5), -2.5), ("one_path", (-1.0, 2.5), 0),
                                 ("in_a_loop", (1.0, 2.0, 3), -2.0),
                                 ("returned", (1.0, 2.5), 2.5), ("returned", (9.0, 2.5), 0)):
        _, python, written = _run_both(source, name, *args)
        assert python == expected and float(written) == expected, (name, args)


def test_objects_a_traced_statement_changes_are_carried_as_their_attributes():
    """``st.vel = v`` and ``acc.add(v)`` under a traced ``if``, in a ``while`` and a ``for``
    over a range: the statements stayed Python (JAX's error under jit); the objects'
    attribute dicts are now carried through lax and loaded back into the same objects,
    which other names still reach, on a second run too."""
    source = """
        from dataclasses import dataclass

        class Acc:
            def __init__(self, scale):
                self.scale = scale
                self.total = 0.0

            def add(self, v):
                self.total = self.total + v * self.scale
                return self.total

            def clip(self, v):
                if v > 2.0:
                    return 2.0 * self.scale
                return v

        @dataclass
        class State:
            pos: float
            vel: float

        class Box:
            pass

        def f(x, y):
            acc = Acc(0.5)
            same = acc
            st = State(x, y)
            if x > 0:
                acc.add(x)
            if y > x:
                st.vel = st.vel * 2.0 + x
            else:
                st.pos = acc.clip(y)
            i = 0
            while i < 3 and st.vel < 10.0:
                st.vel = st.vel + 1.0
                acc.add(st.vel)
                i += 1
            for j in range(4):
                if st.pos > j:
                    acc.add(1.0)
            return same.total + st.vel + st.pos

        def stored(x, flag):
            box = Box()
            box.value = 0.0
            if flag > 0:
                box.value = x
            return box.value
    """
    once, again = _twice(source)
    assert again == once and "vars(acc).update(acc_state)" in once
    assert "jax.lax.while_loop" in once and "jax.lax.fori_loop" in once
    for args in ((1.0, 2.0), (-1.0, 3.0), (3.0, 1.0), (0.5, -2.0)):
        _, python, written = _run_both(source, "f", *args)
        assert python == float(written), args
    for args in ((1.5, 1), (1.5, -1)):
        _, python, written = _run_both(source, "stored", *args)
        assert python == float(written), args


def test_a_loop_whose_with_never_suppresses_an_error_is_traced():
    """``for i in range(k % 6): with Quiet(): ...`` under jit: the ``with`` kept the loop
    Python (a manager may swallow an error of an iteration), JAX's error for the traced
    trip count. A manager of the module whose ``__exit__`` returns False and that
    changes nothing cannot; one that may swallow (or logs) still keeps the loop Python."""
    source = """
        LOG = []

        class Quiet:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        class Swallow:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return True

        def quiet(x, k):
            s = 0.0
            for i in range(k % 6):
                with Quiet():
                    s = s + x * i
            return s

        def swallowed(x, k):
            s = 0.0
            for i in range(k % 6):
                with Swallow():
                    s = s + x * i
            return s
    """
    text, python, written = _run_both(source, "quiet", 1.5, 9)
    assert python == float(written) == 4.5 and "jax.lax.fori_loop" in text
    _, _, written = _run_both(source, "swallowed", 1.5, 9)
    assert isinstance(written, jax.errors.TracerIntegerConversionError)


def test_a_write_another_holder_of_the_array_would_miss_is_refused_at_its_line():
    """``py2lax.written_through`` (the runtime gives every holder of a replaced array the
    new one) had no plain-jax form, so every function the alias analysis touched was
    left as Python, constructors included. A constructor that writes no item needs
    nothing written; a method that writes into the held array (``.at`` in plain jax)
    is refused at its line, never a holder left with the old values."""
    source = """
        class Holder:
            def __init__(self, a):
                self.a = a

            def put(self, i, v):
                self.a[i] = v

        def made(x, w):
            hb = Holder(w)
            if x > 0:
                x = x * 2.0
            return hb.a * x

        def written(x, w):
            hb = Holder(w)
            hb.put(0, x)
            if x > 0:
                x = x * 2.0
            return w * x
    """
    once, again = _twice(source)
    assert again == once and "jax.lax.cond" in once[:once.index("def written(")]
    assert "left as Python: --standalone: the write above gives a new JAX array" in once
    assert "(`hb.put(0, x)`)" in once
    _, python, written = _run_both(source, "made", 1.5, np.array([1.0, 2.0]))
    assert_tree_close(python, written)


# ------------------------------------------------------------- Python types of lax values
TYPE_TESTS = """
    def flag_is_true(v):
        found = False
        for x in v:
            if x > 2:
                found = True
        return 1 if found is True else 0

    def flag_kept_is_true(v):
        found = False
        for x in v:
            if x > 2:
                found = True
        same = found is not False
        return same

    def sum_is_float(v):
        acc = 0.0
        for x in v:
            if x > 2:
                acc = acc + x
        return isinstance(acc, float)

    def sum_type(v):
        acc = 0.0
        for x in v:
            if x > 2:
                acc = acc + x
        return 1 if type(acc) is float else 0

    def compared_flag_is_true(v):
        found = v[0] > 0
        for x in v:
            if x > 2:
                found = True
        return 1 if found is True else 0
"""


@pytest.mark.parametrize("name", ["flag_is_true", "flag_kept_is_true"])
def test_is_true_of_a_flag_given_only_true_and_false_is_its_value(name):
    """Plain jax computes the flag as an array, never the object True: `found is True`
    is written `found == True`, Python's answer for a name given only True/False."""
    for values in ([1.0, 3.0], [1.0, 2.0]):
        text, python, written = _run_both(TYPE_TESTS, name, np.array(values, np.float32))
        assert "is True" not in text.split(f"def {name}")[1].split("\ndef ")[0]
        assert bool(python) == bool(written)


@pytest.mark.parametrize("name, shown", [
    ("sum_is_float", "isinstance(acc, float)"), ("sum_type", "type(acc)"),
    ("compared_flag_is_true", "found is True")])
def test_python_type_of_a_lax_value_is_refused_not_answered_wrongly(name, shown):
    """Written as lax, `acc` is an array: isinstance/type/`is` would answer False where
    Python answers True. The function stays Python, with the reason above it."""
    text = transpile(textwrap.dedent(TYPE_TESTS), "program.py", all_functions=True,
                     standalone=True)
    function = text.split(f"def {name}")[0].rstrip().splitlines()[-1]
    assert function.startswith("# py2lax: left as Python: --standalone:") and shown in function


def test_number_conversions_of_lax_values_are_arrays_of_that_kind():
    """`int(x)`, `float(n)`, `bool(x - 1)`, `round(x)` where lax computes the value: an
    array of that kind (int truncates toward zero, round halves to even), as Python's
    conversions give, instead of JAX's concretization error."""
    source = """
        def f(v, n):
            total = 0.0
            for x in v:
                if x > float(n):
                    total = total + int(x) + round(x)
                if bool(x - 1.0):
                    total = total + 0.5
            return total
    """
    for n in (0, 1):
        text, python, written = _run_both(source, "f",
                                          np.array([-2.7, 1.0, 3.5, 2.5, 0.2], np.float32), n)
        assert float(written) == python, text


SWALLOWING = """
    import contextlib

    class Swallow:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return True

    def swallowing_with(x, y):
        m = 0
        with Swallow():
            if x > y:
                m = 2
            m += 1
        return m

    def broad_except(x, v):
        total = 0.0
        for a in v:
            try:
                if a > x:
                    total = total + a
            except Exception:
                total = -1.0
        return total

    def narrow_suppress(x, v):
        total = 0.0
        for a in v:
            with contextlib.suppress(ZeroDivisionError):
                if a > x:
                    total = total + a
        return total
"""


@pytest.mark.parametrize("name, shown", [("swallowing_with", "with Swallow(...)")])
def test_a_block_that_may_swallow_jax_tracing_errors_stays_python(name, shown):
    """Plain jax would skip the rest of the block when JAX raises while tracing, a path
    Python never takes: the function stays Python, with why. (An ``except Exception:``
    is written with a guard that raises JAX's errors again: test_standalone_issue14.)"""
    text = transpile(textwrap.dedent(SWALLOWING), "program.py", all_functions=True,
                     standalone=True)
    function = text.split(f"def {name}")[0].rstrip().splitlines()[-1]
    assert function.startswith("# py2lax: left as Python: --standalone:") and shown in function


def test_a_block_that_catches_only_python_errors_is_written_as_lax():
    text, python, written = _run_both(SWALLOWING, "narrow_suppress", 1.0,
                                      np.array([0.5, 2.0, 3.0], np.float32))
    assert "lax.cond" in text.split("def narrow_suppress")[1] and float(written) == python


SHARED_OBJECT_WRITES = """
    def alias_in_branch(x):
        a = [0.0, 0.0]
        b = a
        if x > 0:
            b[0] = x
        else:
            b[1] = -x
        return a

    def dict_alias_in_branch(x):
        stats = {"hits": 0}
        d = stats
        if x > 0:
            d["hits"] += 1
        return stats["hits"]

    def alias_in_loop(v):
        acc = [0.0]
        ref = acc
        for x in v:
            if x > 0:
                ref[0] = ref[0] + x
        return acc[0]

    def closure_counter(v, t):
        count = [0]
        def visit(x):
            if x > t:
                count[0] += 1
                return x - t
            return 0.0
        total = 0.0
        for x in v:
            total += visit(x)
        return total, count[0]
"""


@pytest.mark.parametrize("name, args", [
    ("alias_in_branch", (2.0,)), ("alias_in_branch", (-2.0,)),
    ("dict_alias_in_branch", (2.0,)), ("dict_alias_in_branch", (-2.0,)),
    ("alias_in_loop", (np.array([1.0, -5.0, 2.0], np.float32),))])
def test_a_write_through_a_second_name_reaches_the_one_object(name, args):
    """A list or dict written through a second name (``b = a; b[0] = x``) inside a
    traced branch: lax would write a fresh copy of ``b``, and ``a`` would keep the old
    values. Both names travel as the object's contents, put back into the object itself
    (``_py2lax_refill``): Python's answer."""
    text, python, written = _run_both(SHARED_OBJECT_WRITES, name, *args)
    assert_tree_close(python, written, dtype=None)
    function = text.split(f"def {name}")[1].split("\ndef ")[0]
    assert "lax.cond" in function and "_py2lax_refill(" in function


@pytest.mark.parametrize("name, args", [
    ("closure_counter", (np.array([1.0, 5.0, 2.0, 7.0], np.float32), 3.0))])
def test_a_write_lax_would_make_on_a_copy_keeps_the_statement_python(name, args):
    """A nested ``def``'s write into the enclosing function's list, inside a traced
    branch: lax would write once, when tracing, a wrong number. The statement stays
    Python (JAX's error for a traced test), with why."""
    text, python, written = _run_both(SHARED_OBJECT_WRITES, name, *args)
    assert isinstance(written, jax.errors.TracerBoolConversionError), (written, python)
    function = unchecked(text).split(f"def {name}")[1].split("\ndef ")[0]
    assert "lax.cond" not in function and "if x > " in function


SHARED_OBJECT_HELPERS = """
    def counting_helper(v):
        count = [0]
        def visit(x):
            count[0] += 1
            return x * 2
        total = 0.0
        for x in v:
            total += visit(x)
        return total, count[0]

    def appending_helper(v):
        seen = []
        def visit(x):
            seen.append(x)
            return x * 2
        def twice(x):
            return visit(x) + visit(x)
        total = 0.0
        for x in v:
            total += twice(x)
        return total, len(seen)
"""


@pytest.mark.parametrize("name", ["counting_helper", "appending_helper"])
def test_a_loop_calling_a_helper_that_changes_an_enclosing_list_runs_as_python(name):
    """A scan traces its body once: a helper's ``count[0] += 1`` (or ``seen.append``,
    also through another helper) would run once instead of once per item."""
    text, python, written = _run_both(SHARED_OBJECT_HELPERS, name,
                                      np.array([1.0, 5.0, 2.0, 7.0], np.float32))
    assert float(written[0]) == python[0] and int(written[1]) == python[1]


OBJECTS_CHANGED_BY_METHODS = """
    from dataclasses import dataclass

    class Ball:
        def __init__(self, x, v):
            self.x, self.v = x, v

        def step(self, dt):
            self.x = self.x + self.v * dt
            if self.x > 1.0:
                self.x = 2.0 - self.x
                self.v = -self.v

    def bouncing(x, v):
        b = Ball(x, v)
        for _ in range(12):
            b.step(0.25)
        return b.x, b.v

    @dataclass
    class Tally:
        total: float = 0.0
        count: int = 0

        def add(self, x):
            if x > 0:
                self.total += x
                self.count += 1

    def tally_positive(v):
        t = Tally()
        for x in v:
            t.add(x)
        return t.total, t.count

    def chained_local_class(a):
        class Acc:
            def __init__(self, v):
                self.v = v
            def add(self, d):
                if d > 0:
                    self.v = self.v + d
                return self
            def mul(self, k):
                if self.v > 5:
                    self.v = self.v * k
                return self
        return Acc(a).add(2.0).mul(3.0).add(-1.0).mul(0.5).v

    def second_name(x):
        class Box:
            pass
        p = Box()
        p.v = 1.0
        q = p
        for k in range(4):
            if x > k:
                q.v = q.v * 2
        return p.v
"""


@pytest.mark.parametrize("name, args", [
    ("bouncing", (0.5, 0.7)), ("tally_positive", (np.array([1.0, -2.0, 3.0], np.float32),)),
    ("chained_local_class", (4.0,)), ("chained_local_class", (1.0,)),
    ("second_name", (2.5,))])
def test_objects_a_method_or_a_second_name_changes_are_carried_as_their_attributes(name,
                                                                                    args):
    """``self.x = ...`` under a traced ``if`` in a method (of the module's class, or one
    the function defines), and ``q.v = ...`` where ``q = p``: the runtime converts the
    method when called and carries what it changes; plain jax carries ``vars(self)``,
    updated in place, so every name of the object sees it."""
    text, python, written = _run_both(OBJECTS_CHANGED_BY_METHODS, name, *args)
    assert not isinstance(written, Exception), written
    np.testing.assert_allclose(np.asarray(written, np.float32),
                               np.asarray(python, np.float32), rtol=1e-5)
    assert "lax.cond" in text


HELPERS_REACHED_INDIRECTLY = """
    import functools

    def through_another_helper(x):
        def clamp(v, lo, hi):
            if v < lo:
                return lo
            if v > hi:
                return hi
            return v
        def step(v):
            v = clamp(v * 1.7, -3.0, 3.0)
            if v == 3.0:
                v = v - 5.5
            return v
        for _ in range(8):
            x = step(x)
        return x

    def through_partial(v, t):
        def above(thresh, x):
            if x > thresh:
                return x - thresh
            return 0.0
        g = functools.partial(above, t)
        return sum(g(x) for x in v)
"""


@pytest.mark.parametrize("name, args", [
    ("through_another_helper", (1.0,)), ("through_another_helper", (-0.2,)),
    ("through_partial", (np.array([1.0, 5.0, 2.0], np.float32), 1.5))])
def test_a_nested_helper_reached_through_another_helper_or_partial_is_converted(name, args):
    """The runtime converts a nested ``def`` whenever it is called, also by another
    helper or through ``functools.partial``: plain jax converts every nested ``def``
    the function names, not only those it calls itself."""
    text, python, written = _run_both(HELPERS_REACHED_INDIRECTLY, name, *args)
    assert not isinstance(written, Exception), written
    np.testing.assert_allclose(float(written), float(python), rtol=1e-5)


FIRST_ASSIGNED_IN_A_BREAKING_LOOP = """
    import math

    def while_else_search(v, x):
        i = 0
        while i < len(v):
            if v[i] == x:
                found = True
                break
            i += 1
        else:
            found = False
            i = -1
        return found, i

    def fixed_point(x):
        count = 0
        while True:
            nx = math.exp(-x)
            count += 1
            if abs(nx - x) < 1e-6 or count >= 200:
                break
            x = nx
        return nx, count

    def halving(x):
        n = 0
        while True:
            step = x * 0.5
            n += 1
            if step < 0.1 or n > 50:
                break
            x = step
        return step, n

    def unbound_if_never_broken(x):
        i = 0
        while i < 3:
            if x > i:
                y = x * 2
                break
            i += 1
        return y
"""


@pytest.mark.parametrize("name, args", [
    ("while_else_search", (np.array([1.0, 5.0, 2.0], np.float32), 5.0)),
    ("while_else_search", (np.array([1.0, 5.0, 2.0], np.float32), 4.0)),
    ("fixed_point", (0.5,)), ("halving", (3.0,))])
def test_a_name_a_breaking_loop_assigns_first_starts_as_a_placeholder(name, args):
    """``found``/``nx`` get their first value inside a ``while`` that breaks, and the code
    never reads them unassigned: a placeholder of the type the loop gives them starts the
    carry (typed by ``jax.eval_shape`` of the body), so the loop is ``lax.while_loop``,
    not a Python ``while`` on a traced test."""
    text, python, written = _run_both(FIRST_ASSIGNED_IN_A_BREAKING_LOOP, name, *args)
    assert not isinstance(written, Exception), written
    assert "lax.while_loop" in text.split(f"def {name}")[1].split("\ndef ")[0]
    np.testing.assert_allclose(np.asarray(written, np.float32),
                               np.asarray(python, np.float32), rtol=1e-5)


def test_a_name_read_where_it_may_be_unassigned_gets_no_placeholder():
    """Python raises ``UnboundLocalError`` when the loop never breaks: no placeholder may
    stand in for ``y``, so the loop stays Python (JAX's error for the traced test)."""
    text, python, written = _run_both(FIRST_ASSIGNED_IN_A_BREAKING_LOOP,
                                      "unbound_if_never_broken", -1.0)
    assert isinstance(python, UnboundLocalError)
    assert isinstance(written, jax.errors.TracerBoolConversionError)


RETURNS_HOLDING_A_LIST = """
    def first_above(v, t):
        bounds = [0.0, 1.0]
        for i in range(v.shape[0]):
            if v[i] > t:
                return v[i], bounds
        return t, bounds

    def early_exit_with_log(x, n):
        log = [0.0, 0.0, 0.0]
        total = 0.0
        k = 0
        while k < n:
            total = total + x
            if total > 2.0:
                return total, log, k
            k += 1
        return -total, log, k
"""


@pytest.mark.parametrize("name, args", [
    ("first_above", (np.array([0.5, 3.0, 1.0], np.float32), 2.0)),
    ("first_above", (np.array([0.5, 3.0, 1.0], np.float32), 5.0)),
    ("early_exit_with_log", (0.75, 10)), ("early_exit_with_log", (0.25, 3))])
def test_a_return_inside_a_loop_of_a_tuple_holding_a_list_has_a_list_placeholder(name,
                                                                                  args):
    """``return v[i], bounds`` (``bounds = [0.0, 1.0]``) inside a lowered loop: the result's
    placeholder has the list's structure, or the join meeting it fails on the pytree."""
    text, python, written = _run_both(RETURNS_HOLDING_A_LIST, name, *args)
    assert not isinstance(written, Exception), written
    assert jax.tree.structure(written) == jax.tree.structure(python)
    for got, expected in zip(jax.tree.leaves(written), jax.tree.leaves(python)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5)


ASSIGNED_IN_A_FIRST_ITERATION = """
    def newton_sqrt(a):
        x = a
        for it in range(50):
            nx = 0.5 * (x + a / x)
            if abs(nx - x) < 1e-6:
                break
            x = nx
        return nx, it

    def grow_until_gap(A):
        k = 0
        while k < 10:
            w = jnp.sort(jnp.diag(A))
            if w[-1] - w[-2] > 1.0:
                break
            A = A + jnp.diag(jnp.arange(A.shape[0], dtype=A.dtype))
            k += 1
        return w[-1], k

    def may_not_run(a, n):
        k = 0
        while k < n:
            last = a * k
            if last > 3.0:
                break
            k += 1
        return last
"""


@pytest.mark.parametrize("name, args", [
    ("newton_sqrt", (2.0,)), ("newton_sqrt", (9.0,)),
    ("grow_until_gap", (np.eye(3, dtype=np.float32),))])
def test_a_name_a_loop_that_surely_runs_assigns_first_starts_as_a_placeholder(name, args):
    """``nx`` and the index ``it`` of ``for it in range(50)``, or ``w`` of ``k = 0`` then
    ``while k < 10``: the first iteration assigns them before anything can leave the
    loop, so after it they hold a value, as in Python; the loop is lax."""
    text, python, written = _run_both(ASSIGNED_IN_A_FIRST_ITERATION, name, *args)
    assert not isinstance(written, Exception), written
    assert "lax.while_loop" in text.split(f"def {name}")[1].split("\ndef ")[0]
    np.testing.assert_allclose(np.asarray(written, np.float32),
                               np.asarray(python, np.float32), rtol=1e-5)


def test_a_loop_that_may_not_run_gives_no_placeholder():
    """``while k < n`` with ``n`` a parameter may run no iteration (Python then raises
    ``UnboundLocalError`` at ``return last``): the loop stays Python."""
    text, python, written = _run_both(ASSIGNED_IN_A_FIRST_ITERATION, "may_not_run", 1.0, 0)
    assert isinstance(python, UnboundLocalError) and isinstance(written, Exception)
    assert "lax.while_loop" not in text.split("def may_not_run")[1]


FILTERED_REDUCTIONS = """
    def positive_squares(v):
        return sum(x * x for x in v if x > 0)

    def nonzero_from_ten(v):
        return sum((x for x in v if x != 0), 10.0)

    def smallest_above(v, t):
        return min((x for x in v if x > t), default=-1.0)

    def largest_doubled_below(v, t):
        return max((2 * x for x in v if x < t), default=0.0)

    def any_big_among_kept(v, t):
        return any(x > 2 * t for x in v if x > t)

    def all_big_among_kept(v, t):
        return all(x > 2 * t for x in v if x > t)
"""


@pytest.mark.parametrize("name, args", [
    ("positive_squares", (np.array([1.0, -5.0, 2.0], np.float32),)),
    ("nonzero_from_ten", (np.array([1.0, 0.0, 2.0], np.float32),)),
    ("smallest_above", (np.array([1.0, 5.0, 2.0, 7.0], np.float32), 3.0)),
    ("smallest_above", (np.array([1.0, 5.0, 2.0, 7.0], np.float32), 9.0)),
    ("largest_doubled_below", (np.array([1.0, 5.0, 2.0], np.float32), 3.0)),
    ("largest_doubled_below", (np.array([1.0, 5.0, 2.0], np.float32), 0.5)),
    ("any_big_among_kept", (np.array([1.0, 5.0, 7.0], np.float32), 3.0)),
    ("any_big_among_kept", (np.array([1.0, 5.0, 7.0], np.float32), 4.0)),
    ("all_big_among_kept", (np.array([1.0, 5.0, 2.0], np.float32), 1.5)),
    ("all_big_among_kept", (np.array([1.0, 5.0, 9.0], np.float32), 4.0))])
def test_a_reduction_of_a_filtered_generator_masks_the_filter(name, args):
    """``sum``/``any``/``all``/``max``/``min`` of ``(e for x in v if c)`` with a traced
    ``c``: the runtime's ``masked`` rule in jnp (a dropped item adds nothing, is never
    the best; ``default`` where none is kept), not a function left as Python."""
    text, python, written = _run_both(FILTERED_REDUCTIONS, name, *args)
    assert not isinstance(written, Exception), written
    assert "# py2lax: left as Python" not in text
    np.testing.assert_allclose(np.asarray(written, np.float32),
                               np.asarray(python, np.float32), rtol=1e-6)


@pytest.mark.parametrize("expression", ["max(x for x in v if x > t)",
                                        "sum(([x] for x in v if x > t), [])"])
def test_a_filtered_reduction_no_mask_can_write_is_refused(expression):
    """``max`` without ``default=`` raises in Python when every item is dropped, and a
    ``sum`` of lists joins them: no mask writes either; left as Python."""
    text = transpile(f"def kept(v, t):\n    return {expression}\n", "program.py",
                     all_functions=True, standalone=True)
    assert "# py2lax: left as Python: --standalone:" in text


OBJECTS_REBOUND = """
    import dataclasses
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Cfg:
        lr: float
        steps: int

    def frozen_replace(x):
        c = Cfg(0.1, 0)
        while x > 0.01:
            x = x - c.lr * x
            c = dataclasses.replace(c, steps=c.steps + 1)
            if c.steps % 10 == 0:
                c = dataclasses.replace(c, lr=c.lr * 2)
        return x, c.steps

    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    def best_point(v):
        best = Point(0.0, 100.0)
        for k in range(v.shape[0]):
            cand = Point(k * 1.0, v[k])
            if cand.y < best.y:
                best = cand
        return best.x, best.y

    class Counter:
        def __init__(self):
            self.n = 0

    def bump(o):
        o.n = o.n + 1

    def bumped_then_replaced(x):
        c = Counter()
        d = c
        for k in range(4):
            if x > k:
                bump(c)
                c = Counter()
        return d.n, c.n

    class Vec:
        def __init__(self, x, y):
            self.x, self.y = x, y
        def __add__(self, o):
            return Vec(self.x + o.x, self.y + o.y)
        def __mul__(self, k):
            return Vec(self.x * k, self.y * k)
        def __lt__(self, o):
            return self.x * self.x + self.y * self.y < o.x * o.x + o.y * o.y

    def shortest_step(px, py):
        p = Vec(px, py)
        best = Vec(10.0, 10.0)
        for k in range(5):
            q = p * (0.5 ** k) + Vec(1.0, -1.0)
            if q < best:
                best = q
        return best.x, best.y
"""


@pytest.mark.parametrize("name, args", [
    ("frozen_replace", (1.0,)), ("frozen_replace", (0.005,)),
    ("best_point", (np.array([3.0, 1.0, 2.0, 0.5], np.float32),)),
    ("shortest_step", (1.0, 2.0)), ("shortest_step", (30.0, -20.0))])
def test_an_object_a_statement_only_rebinds_is_carried_as_a_fresh_copy(name, args):
    """``c = dataclasses.replace(c, ...)``, ``best = cand``, ``best = q`` (``q = p * 0.5 +
    Vec(...)``, a ``Vec`` by its ``__add__``) under a traced test: lax
    carries the object's attributes and the name gets a new object of its class
    (``object.__new__``), as Python gives it a new object; none is changed in place."""
    text, python, written = _run_both(OBJECTS_REBOUND, name, *args)
    assert not isinstance(written, Exception), written
    assert "object.__new__" in text
    np.testing.assert_allclose(np.asarray(written, np.float32),
                               np.asarray(python, np.float32), rtol=1e-5)


def test_an_object_handed_to_a_helper_before_it_is_rebound_is_not_copied():
    """``bump(c)`` changes the object ``d`` holds too: a fresh copy would leave ``d``
    unchanged, a wrong number; lax's own error instead."""
    text, python, written = _run_both(OBJECTS_REBOUND, "bumped_then_replaced", 2.5)
    assert python == (1, 0) and isinstance(written, TypeError)


APPENDED_OBJECTS = """
    def records_then_filter(v):
        class Rec:
            def __init__(self, val, ok):
                self.val, self.ok = val, ok
        recs = []
        for x in v:
            recs.append(Rec(x, x > 0))
        total = 0.0
        for r in recs:
            if r.ok:
                total += r.val
        return total

    class Hit:
        def __init__(self, at, size):
            self.at, self.size = at, size

    def hits_above(v, t):
        hits = []
        for i in range(v.shape[0]):
            hits.append(Hit(i, v[i] - t))
        best = 0.0
        for h in hits:
            if h.size > best:
                best = h.size
        return best
"""


@pytest.mark.parametrize("name, args", [
    ("records_then_filter", (np.array([1.0, -5.0, 2.0, 7.0], np.float32),)),
    ("hits_above", (np.array([1.0, 5.0, 2.0, 7.0], np.float32), 3.0))])
def test_a_loop_appending_objects_of_a_plain_class_runs_as_python(name, args):
    """``recs.append(Rec(x, ok))``: lax cannot stack objects that are not pytrees; the
    loop runs as Python over the array's items, and the later loop's traced ``if``
    is lax.cond on each object's attributes."""
    text, python, written = _run_both(APPENDED_OBJECTS, name, *args)
    assert not isinstance(written, Exception), written
    np.testing.assert_allclose(float(written), float(python), rtol=1e-6)


OBJECTS_WITH_ATTRIBUTES_LAX_CANNOT_CARRY = """
    class Heater:
        def __init__(self, target):
            self.name = "heater"
            self.target = target
            self.temp = 15.0
            self.on = False

        def tick(self):
            if self.temp < self.target:
                self.temp = self.temp + 1.5
                self.on = True
            else:
                self.temp = self.temp - 0.5
                self.on = False

    def thermostat(target):
        h = Heater(target)
        for _ in range(10):
            h.tick()
        return h.temp, h.name == "heater"

    def labelled(x):
        class Tag:
            pass
        t = Tag()
        t.label, t.value = "x", 0.0
        if x > 1:
            t.value = x * 2
        return t.value, len(t.label)

    class Ring:
        def __init__(self, n):
            self.buf = np.zeros(n, dtype=np.float32)
            self.head = 0
            self.size = 0
            self.kind = "ring"
        def push(self, x):
            self.buf[(self.head + self.size) % len(self.buf)] = x
            if self.size < len(self.buf):
                self.size += 1
            else:
                self.head = (self.head + 1) % len(self.buf)
        def mean(self):
            return self.buf.sum() / self.size

    def ring_means(v):
        r = Ring(3)
        total = 0.0
        for x in v:
            r.push(x)
            total = total + r.mean()
        return total, r.kind == "ring"
"""


@pytest.mark.parametrize("name, args", [
    ("thermostat", (18.0,)), ("labelled", (3.0,)), ("labelled", (0.5,)),
    ("ring_means", (np.array([1.0, 2.0, 3.0, 4.0], np.float32),))])
def test_only_the_attributes_a_statement_changes_are_carried(name, args):
    """``self.name = "heater"`` is no value lax can carry: the state lax carries is the
    attributes the statement (or the methods it calls) names, ``{'temp': h.temp,
    'on': h.on}``, not the whole ``vars(h)``; ``self.buf[i] = x`` names ``buf``, whose
    new array must be carried too."""
    text, python, written = _run_both(OBJECTS_WITH_ATTRIBUTES_LAX_CANNOT_CARRY, name, *args)
    assert not isinstance(written, Exception), written
    assert float(written[0]) == pytest.approx(float(python[0])) and written[1] == python[1]


def test_a_namedtuple_a_statement_rebinds_is_carried_whole():
    """A ``NamedTuple`` is a pytree: lax carries it as it is (``vars`` of one fails)."""
    source = """
        from typing import NamedTuple

        class Acc(NamedTuple):
            total: float
            n: int

        def positive_acc(v):
            a = Acc(0.0, 0)
            for x in v:
                if x > 0:
                    a = Acc(a.total + x, a.n + 1)
            return a.total, a.n
    """
    text, python, written = _run_both(source, "positive_acc",
                                      np.array([1.0, -2.0, 3.0], np.float32))
    assert "vars(" not in text and "lax.cond" in text
    assert float(written[0]) == python[0] and int(written[1]) == python[1]


# -- issue 13: a second run over --standalone output changes nothing ------------------------

def _settles_and_runs(source: str, name: str, cases: list) -> str:
    """``--all --standalone`` output that a second run leaves as it is and whose
    function, under ``jax.jit``, gives Python's answer on each case."""
    source = textwrap.dedent(source)
    text = transpile(source, "m.py", all_functions=True, standalone=True)
    assert transpile(text, "m.py", all_functions=True, standalone=True) == text
    assert not uses_py2lax(text) and "left as Python" not in text
    python, written = {}, {}
    exec(compile(source, "original", "exec"), python)
    exec(compile(text, "output", "exec"), written)
    for args in cases:
        got = jax.jit(written[name])(*[jnp.asarray(a) for a in args])
        assert np.allclose(got, python[name](*args)), (args, got)
    return text


def test_a_for_else_assigning_the_loop_variable_settles():
    """``i = locals().get('i', jnp.zeros((0,), bool))`` (a placeholder for a name an
    earlier statement may have bound): a second run read ``locals()`` as the user's and
    left the function as Python (``user_locals`` has no plain-jax form)."""
    text = _settles_and_runs('''
        def f(v, n):
            for i in range(n):
                if v[i] > 2:
                    break
            else:
                i = -5
            return i
    ''', "f", [([1.0, 5.0, 1.0], 3), ([1.0, 1.0, 1.0], 3), ([1.0, 1.0, 3.0], 1)])
    assert "locals().get('i'" in text


def test_a_placeholder_guard_in_a_method_settles():
    """The same placeholder in a method (IPython's ``pop``): the second run keeps
    ``old = locals().get(...)`` as written."""
    source = '''
        class F:
            def pop(self, typ, default=None):
                if isinstance(typ, str):
                    for cls in self.type_printers:
                        if cls == typ:
                            old = self.type_printers.pop(cls)
                            break
                    else:
                        old = default
                else:
                    old = self.deferred.pop(typ, default)
                return old
    '''
    text = _settles(source)
    assert "locals().get('old'" in text and "left as Python" not in text


def test_return_in_try_and_finally_settles():
    _settles_and_runs('''
        def f(x):
            try:
                if x > 1:
                    return 1.0
                y = x
            finally:
                if x < -1:
                    return -1.0
            return y * 3
    ''', "f", [(2.0,), (0.5,), (-2.0,)])


def test_an_elif_chain_mixing_return_and_assignment_is_lax_and_settles():
    """``y`` is an input of the outer ``if`` that only its inner ``if`` assigns: it
    starts as a placeholder there too, so the outer ``if`` is a ``lax.cond`` and not a
    Python ``if`` on a traced value."""
    text = _settles_and_runs('''
        def f(x):
            if x > 10:
                return 3
            elif x > 5:
                y = 2
            elif x > 0:
                return 1
            else:
                y = 0
            return y
    ''', "f", [(11.0,), (7.0,), (3.0,), (-1.0,)])
    assert "if x > 10" not in text


def test_a_shared_name_taken_over_in_a_loop_body_is_no_alias_on_a_second_run():
    """``nonlocal padding; padding = padding_in`` (jax's ``_pad_symmetric_or_reflect``):
    a second run read it as a second name for one array and guarded ``padding -= step``."""
    text = _settles_and_runs('''
        def f(x, n):
            def pad(a, padding):
                message = lambda: padding * 10
                while padding > 0:
                    step = min(padding, 2)
                    padding -= step
                    a = a + step
                return a + message()
            return pad(x, n)
    ''', "f", [(1.0, 5), (1.0, 0), (2.0, 3)])
    assert "padding = padding_in" in text and "TypeError" not in text


def test_an_assert_on_strings_stays_an_assert():
    """``assert mode in ("a", "b")`` is decided by Python values: it stays the user's
    ``assert`` (it became a ``jax.debug.callback`` of ``jnp.all`` of a bool)."""
    text = _settles('''
        def f(x, mode):
            assert mode in ("a", "b")
            while x > 0:
                x = x - 1
            return x
    ''')
    assert "assert mode in ('a', 'b')" in text and "callback" not in text
    made = {}
    exec(compile(text, "output", "exec"), made)
    assert float(made["f"](jnp.asarray(2.5), "a")) == pytest.approx(-0.5)
    with pytest.raises(AssertionError):
        made["f"](jnp.asarray(2.5), "c")


def _settles(source: str) -> str:
    text = transpile(textwrap.dedent(source), "m.py", all_functions=True, standalone=True)
    assert transpile(text, "m.py", all_functions=True, standalone=True) == text
    return text
