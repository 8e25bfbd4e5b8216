"""`--standalone` output never gives a different answer: Python's, or an error.

Where plain lax cannot keep Python's meaning the statement stays the user's own: right
when what it tests is static under ``jax.jit``, JAX's own error when it is traced.

* A ``while`` whose condition changes Python state each time it is tested (``tick()``
  that bumps a ``nonlocal`` counter, ``c.next()`` that sets an attribute, a ``global``
  counter): lax traces the condition once, so the change would happen once.
"""

from __future__ import annotations

import copy
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import assert_tree_close
from py2lax import transpile
from test_standalone_builtins import _NoPy2lax, standalone_agrees, to_jax


def standalone(source: str) -> dict:
    """The namespace of ``source`` through ``--standalone``, imported without py2lax."""
    text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                     standalone=True)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text
    plain: dict = {}
    blocker = _NoPy2lax()
    sys.meta_path.insert(0, blocker)
    try:
        exec(compile(text, "program_standalone.py", "exec"), plain)
    finally:
        sys.meta_path.remove(blocker)
    plain["__text__"] = text
    return plain


def agrees_or_raises(source: str, name: str, *inputs: tuple, errors=(Exception,)) -> str:
    """Jitted, the output gives Python's answer on each input or raises one of
    ``errors``; with every argument static it gives Python's answer."""
    python: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), python)
    plain = standalone(source)
    for args in inputs:
        expected = python[name](*copy.deepcopy(args))
        static = tuple(range(len(args)))
        assert_tree_close(expected, jax.jit(plain[name], static_argnums=static)(*args),
                          dtype=None)
        try:
            got = jax.jit(plain[name])(*(to_jax(a) for a in args))
        except errors:
            continue
        assert_tree_close(expected, got, dtype=None)
    return plain["__text__"]


# -- a while condition that changes Python state ---------------------------------------
EFFECTFUL_CONDITIONS = {
    "nonlocal-counter": ("""
        def f(x):
            n = 0
            def tick():
                nonlocal n
                n += 1
                return n
            while tick() < 5 and x > 0:
                x = x - 1
            return x, n
        """, [(2.0,), (10.0,), (-1.0,)]),
    "method-writing-a-dict-item": ("""
        class D:
            def __init__(self):
                self.d = {"n": 0}
            def bump(self):
                self.d["n"] += 1
                return self.d["n"]
        def f(x):
            o = D()
            while o.bump() < 5 and x > 0:
                x = x - 1
            return x, o.d["n"]
        """, [(2.0,), (10.0,)]),
    "global-counter": ("""
        CALLS = 0
        def count():
            global CALLS
            CALLS += 1
            return CALLS
        def f(x):
            global CALLS
            CALLS = 0
            while count() < 6 and x > 1.0:
                x = x / 2
            return x, CALLS
        """, [(3.0,), (100.0,)]),
    "method-setting-an-attribute-second-operand": ("""
        class Counter:
            def __init__(self):
                self.k = 0
            def next(self):
                self.k += 1
                return self.k
        def f(x):
            c = Counter()
            while x > 1.0 and c.next() < 4:
                x = x - 1.0
            return x, c.k
        """, [(2.5,), (10.0,)]),
    "helper-appending-to-a-list": ("""
        def f(x):
            seen = []
            def test(v):
                seen.append(1)
                return v > 1.0
            while test(x):
                x = x / 3
            return x, len(seen)
        """, [(3.0,), (100.0,)]),
}


@pytest.mark.parametrize("case", list(EFFECTFUL_CONDITIONS))
def test_a_while_condition_with_effects_stays_python(case):
    source, inputs = EFFECTFUL_CONDITIONS[case]
    text = agrees_or_raises(source, "f", *inputs, errors=(jax.errors.ConcretizationTypeError,))
    assert "while_loop" not in text


PURE_CONDITIONS = {
    "module-helper": ("""
        import jax.numpy as jnp
        def norm2(v):
            return jnp.sum(v * v)
        def f(x):
            v = jnp.array([x, x])
            while norm2(v) > 1.0:
                v = v / 2
            return v
        """, [(3.0,), (0.1,)]),
    "method-reading-an-attribute": ("""
        class Box:
            def __init__(self, v):
                self.v = v
            def big(self):
                return self.v > 1.0
        def f(x):
            b = Box(x)
            while b.big():
                b.v = b.v / 2
            return b.v
        """, [(3.0,), (0.5,)]),
}


@pytest.mark.parametrize("case", list(PURE_CONDITIONS))
def test_a_while_condition_that_only_reads_is_a_while_loop(case):
    source, inputs = PURE_CONDITIONS[case]
    assert "while_loop" in standalone_agrees(source, "f", *inputs)


# -- an `if` in a `try` whose skipped branch raises while tracing ----------------------
# lax.cond traces both branches: a branch Python skips that raises when traced
# (`math.sqrt(-1.0)`) would run the user's handler whatever the test says.
CAUGHT_WHILE_TRACING = {
    "math-domain-error": ("""
        import math
        def f(x):
            try:
                if x > 0:
                    v = x
                else:
                    v = math.sqrt(-1.0)
            except ValueError:
                v = -1.0
            return v
        """, [(2.0,), (-1.0,)]),
    "parse-error": ("""
        def f(x):
            try:
                if x > 0:
                    v = x / 2
                else:
                    v = float(int("abc"))
            except ValueError:
                v = -1.0
            return v
        """, [(2.0,), (-1.0,)]),
    "log-of-zero-in-a-loop": ("""
        import math
        def f(xs):
            total = 0.0
            for v in xs:
                try:
                    if v > 0:
                        total = total + v
                    else:
                        total = total + math.log(0.0)
                except ValueError:
                    total = total - 1.0
            return total
        """, [((1.0, 2.0),), ((1.0, -1.0, 3.0),)]),
}


@pytest.mark.parametrize("case", list(CAUGHT_WHILE_TRACING))
def test_a_branch_raising_while_traced_in_a_try_stays_python(case):
    source, inputs = CAUGHT_WHILE_TRACING[case]
    text = agrees_or_raises(source, "f", *inputs, errors=(jax.errors.ConcretizationTypeError,))
    assert "lax.cond" not in text


def test_a_try_around_jnp_branches_keeps_lax_cond():
    source = """
        import jax.numpy as jnp
        def f(xs):
            s = 0.0
            for x in xs:
                try:
                    if x == 0:
                        continue
                    s += jnp.sqrt(x) * 2
                except ValueError:
                    s -= 1
            return s
        """
    import numpy as np
    assert "lax.cond" in standalone_agrees(source, "f", (np.array([1.0, 0.0, 2.0]),))


# -- `except Exception:` around converted code -----------------------------------------
# It would also catch the errors JAX raises while tracing (a traced value where Python
# needs a bool) and run where Python does not: the output raises them again first.
BROAD_HANDLERS = {
    "string-branches": ("""
        def f(x):
            try:
                if x > 0:
                    label = "pos"
                else:
                    label = "negative"
                r = len(label)
            except Exception:
                r = -1
            return r
        """, [(1.0,), (-1.0,)]),
    "append-in-a-branch": ("""
        def f(x):
            items = []
            try:
                if x > 0:
                    items.append(x)
                n = len(items)
            except Exception:
                n = -1
            return n
        """, [(1.0,), (-1.0,)]),
    "bare-except-int-of-traced": ("""
        def f(x):
            try:
                if x > 0:
                    k = int(x)
                else:
                    k = 0
            except:
                k = -5
            return k
        """, [(2.0,), (-1.0,)]),
    "type-error-handler": ("""
        def f(x):
            out = 0.0
            try:
                if x > 1:
                    out = [1.0, 2.0][x > 2]
            except TypeError:
                out = -1.0
            return out
        """, [(3.0,), (0.0,)]),
}


@pytest.mark.parametrize("case", list(BROAD_HANDLERS))
def test_a_broad_handler_lets_jax_errors_through(case):
    source, inputs = BROAD_HANDLERS[case]
    text = agrees_or_raises(source, "f", *inputs, errors=(TypeError,))
    assert "_py2lax_raised_by_jax(" in text


def test_a_broad_handler_around_lax_code_runs_as_lax():
    source = """
        def f(x, v):
            total = 0.0
            for a in v:
                try:
                    if a > x:
                        total = total + a
                except Exception:
                    total = -1.0
            return total
        """
    import numpy as np
    text = standalone_agrees(source, "f", (1.0, np.array([0.5, 2.0, 3.0], np.float32)))
    assert "lax.cond" in text and "if _py2lax_raised_by_jax(error):\n                raise" in text


def test_a_handler_catching_a_python_error_still_runs():
    source = """
        def f(x, d):
            try:
                if x > 0:
                    y = x * 2
                else:
                    y = x
                y = y + d["missing"]
            except Exception:
                y = -1.0
            return y
        """
    standalone_agrees(source, "f", (1.0, {"a": 1.0}), (-2.0, {"a": 1.0}))


# -- a carry that is None until the loop's first iteration -----------------------------
# lax carries one structure: the first iteration runs as Python does (`m is None` true),
# the others as a scan over the rest of the items.
NONE_UNTIL_FIRST = {
    "ewma-seeded-by-the-first-item": ("""
        def f(xs, alpha):
            m = None
            for x in xs:
                if m is None:
                    m = x
                else:
                    m = alpha * x + (1 - alpha) * m
            return m
        """, [(np.array([1.0, 2.0, 3.0]), 0.5), (np.array([4.0]), 0.5)]),
    "previous-item": ("""
        def f(xs):
            prev = None
            diffs = 0.0
            for x in xs:
                if prev is not None:
                    diffs += abs(x - prev)
                prev = x
            return diffs
        """, [(np.array([1.0, 4.0, 2.0]),), (np.array([], dtype=float),)]),
    "zip-dot-product": ("""
        def f(xs, ys):
            acc = None
            for a, b in zip(xs, ys):
                if acc is None:
                    acc = a * b
                else:
                    acc = acc + a * b
            return acc
        """, [(np.array([1.0, 2.0]), np.array([3.0, 4.0])), (np.array([2.0]), np.array([5.0]))]),
    "running-max-and-count": ("""
        import jax.numpy as jnp
        def f(xs):
            mx = None
            count = 0
            for v in xs:
                if mx is None:
                    mx = v
                else:
                    mx = jnp.maximum(mx, v)
                count += 1
            return mx, count
        """, [(np.array([1.0, 5.0, 2.0]),), (np.array([-1.0]),)]),
    "sum-of-rows": ("""
        def f(rows):
            total = None
            for r in rows:
                if total is None:
                    total = r.copy()
                else:
                    total = total + r
            return total
        """, [(np.array([[1.0, 2.0], [3.0, 4.0]]),), (np.ones((1, 3)),)]),
}


@pytest.mark.parametrize("case", list(NONE_UNTIL_FIRST))
def test_a_carry_none_until_the_first_iteration_is_peeled(case):
    source, inputs = NONE_UNTIL_FIRST[case]
    text = standalone_agrees(source, "f", *inputs)
    assert "lax.scan" in text and "[1:]" in text


# -- a list of numbers (or the module's NumPy table) read at a traced index -----------
# Python lists and NumPy arrays refuse a traced index; their items as a jax array do not.
TRACED_INDEX_READS = {
    "local-list-in-a-branch": ("""
        def f(i, x):
            l = [10.0, 20.0, 30.0]
            if x > 0:
                return l[i] + x
            return l[-1]
        """, [(1, 1.0), (2, -1.0)]),
    "module-table-in-a-branch": ("""
        import numpy as np
        TABLE = np.array([1.0, 10.0, 100.0])
        def f(i, x):
            if x > 0:
                return TABLE[i] * x
            return TABLE[-1 - i]
        """, [(0, 2.0), (1, -2.0)]),
    "tuple-of-ints": ("""
        def f(k, x):
            sizes = (3, 5, 7)
            if x > 1:
                x = sizes[k] * x
            return x + sizes[0]
        """, [(2, 1.5), (0, 0.5)]),
    "list-read-twice-in-a-loop": ("""
        def f(i, n):
            w = [0.5, 1.5, 2.5, 3.5]
            total = 0.0
            for k in range(n):
                total = total + w[i] * k + w[(i + 1) % 4]
            return total
        """, [(3, 4), (0, 2)]),
}


@pytest.mark.parametrize("case", list(TRACED_INDEX_READS))
def test_a_list_of_numbers_read_at_a_traced_index(case):
    source, inputs = TRACED_INDEX_READS[case]
    assert "asarray(" in standalone_agrees(source, "f", *inputs)


def test_a_list_the_function_changes_at_traced_positions_swaps_as_python_does():
    # the list keeps its length (written only at positions): its items are read as one
    # array where they are, at the traced positions (helper s9; was JAX's raw
    # TracerIntegerConversionError)
    plain = standalone(textwrap.dedent("""
        def f(i, j):
            l = [1, 2, 3, 4]
            l[i], l[j] = l[j], l[i]
            return l
        """))
    for i, j in [(1, 3), (0, -1), (2, 2)]:
        l = [1, 2, 3, 4]
        l[i], l[j] = l[j], l[i]
        assert [int(v) for v in jax.jit(plain["f"])(i, j)] == l, plain["__text__"]


# -- `if a is None or x > y:`: Python tests the first operand, lax.cond the rest -------
PYTHON_OPERAND_FIRST = {
    "keyword-default-none-and-traced": ("""
        def helper(x, *, scale=1.0, clip=None):
            y = x * scale
            if clip is not None and y > clip:
                y = clip
            return y
        def f(x):
            s = 0.0
            for k in range(3):
                s += helper(x, scale=k, clip=2.0)
            return s + helper(x)
        """, [(0.5,), (3.0,)]),
    "none-sentinel-best-index": ("""
        def f(xs):
            best = None
            for i, x in enumerate(xs):
                if best is None or x > xs[best]:
                    best = i
            return best
        """, [(np.array([3, 7, 2]),), (np.array([], dtype=np.int32),)]),
    "count-rises-after-the-first": ("""
        def f(xs):
            last = None
            n = 0
            for x in xs:
                if last is not None and x > last:
                    n += 1
                last = x
            return n, last
        """, [(np.array([1.0, 3.0, 2.0, 5.0]),), (np.array([4.0]),)]),
    "run-length-encoding": ("""
        import numpy as np
        def f(xs):
            vals = np.zeros(len(xs), dtype=xs.dtype)
            cnts = np.zeros(len(xs), dtype=np.int32)
            k = -1
            prev = None
            for x in xs:
                if prev is None or x != prev:
                    k += 1
                    vals[k] = x
                cnts[k] += 1
                prev = x
            return vals, cnts, k + 1
        """, [(np.array([1, 1, 2, 2, 2, 3, 1]),), (np.array([5]),)]),
    "string-mode-and-traced-with-else": ("""
        def g(x, mode):
            if mode == "clip" and x > 1.0:
                y = 1.0
            else:
                y = x * 2
            return y
        def f(x):
            return g(x, "clip") + g(x, "scale")
        """, [(3.0,), (0.25,)]),
}


@pytest.mark.parametrize("case", list(PYTHON_OPERAND_FIRST))
def test_a_python_first_operand_guards_the_lax_cond(case):
    source, inputs = PYTHON_OPERAND_FIRST[case]
    assert "lax.cond" in standalone_agrees(source, "f", *inputs)


GENERATOR_LOOPS = {
    "module-generator": ("""
        def gen(n):
            for i in range(n):
                if i % 2:
                    yield i
        def f(x):
            s = x
            for v in gen(5):
                s = s + v
            return s
        """, [(1.0,), (-2.0,)]),
    "generator-of-pairs": ("""
        def pairs(n):
            for i in range(n):
                yield i, i * i
        def f(x):
            s = x
            for a, b in pairs(4):
                s = s * 0.5 + a - b
            return s
        """, [(1.0,), (3.0,)]),
}


@pytest.mark.parametrize("case", list(GENERATOR_LOOPS))
def test_a_loop_over_a_generator_runs_as_python(case):
    source, inputs = GENERATOR_LOOPS[case]
    assert "lax.scan" not in standalone_agrees(source, "f", *inputs)


# -- an `if` whose test reads a name only some earlier paths bind ----------------------
# Python's test raises NameError first where the name is unbound: the name is bound
# whenever the statement runs, so lax.cond may carry it.
READ_BY_THE_TEST = {
    "match-class-patterns": ("""
        from dataclasses import dataclass
        @dataclass
        class Circle:
            r: float
        @dataclass
        class Sq:
            s: float
        def f(x, kind):
            shape = Circle(x) if kind == 0 else Sq(x)
            match shape:
                case Circle(r=r):
                    a = 3.0 * r * r
                case Sq(s=s):
                    a = s * s
            if a > 10:
                a = 10.0
            return a
        """, [(1.0, 0), (5.0, 1), (2.0, 1)]),
    "elif-without-else": ("""
        def f(x, k):
            if k == 0:
                a = x
            elif k == 1:
                a = 2 * x
            if a > 3:
                a = 3.0
            return a
        """, [(1.0, 0), (5.0, 1)]),
    "match-strings-with-else": ("""
        def f(x, kind):
            match kind:
                case "sq":
                    a = x * x
                case "half":
                    a = x / 2
            if a > 10:
                a = 10.0
            else:
                a = a + 1
            return a
        """, [(4.0, "sq"), (5.0, "half")]),
}


@pytest.mark.parametrize("case", list(READ_BY_THE_TEST))
def test_a_name_the_test_reads_is_bound(case):
    source, inputs = READ_BY_THE_TEST[case]
    assert "lax.cond" in standalone_agrees(source, "f", *inputs, static_argnums=(1,))


# -- `l.sort()` of a list a lax statement carried: sorted as one array -----------------
SORTED_LISTS = {
    "append-in-both-branches": ("""
        def f(x):
            l = [3.0, 1.0]
            if x > 0:
                l.append(x)
            else:
                l.append(-x)
            l.sort()
            return l
        """, [(2.0,), (-0.5,)]),
    "reverse": ("""
        def f(x):
            l = [3.0, 1.0]
            if x > 0:
                l.append(x)
            else:
                l.append(-x)
            l.sort(reverse=True)
            return l[0] - l[-1], l
        """, [(2.0,), (-0.5,)]),
    "two-appends-then-middle": ("""
        def f(x, y):
            vals = [0.0]
            if x > y:
                vals.append(x - y)
                vals.append(y)
            else:
                vals.append(y - x)
                vals.append(x)
            vals.sort()
            return vals[1]
        """, [(2.0, 1.0), (-0.5, 3.0)]),
}


@pytest.mark.parametrize("case", list(SORTED_LISTS))
def test_a_carried_list_is_sorted_as_an_array(case):
    source, inputs = SORTED_LISTS[case]
    assert "jnp.sort(jnp.stack(" in standalone_agrees(source, "f", *inputs).replace(
        "jax.numpy.", "jnp.")


# -- a helper's `v /= s` on an array parameter it does not return ----------------------
# NumPy changes the caller's array; a JAX array cannot change, and `/=` would rebind the
# helper's name alone: the output raises there, for a JAX array, saying what to write.
CALLER_ARRAY_UPDATES = {
    "top-level": """
        import numpy as np
        def normalize(v):
            s = np.sum(v)
            v /= s
        def f(v):
            v = v.copy()
            normalize(v)
            return v
        """,
    "in-a-traced-while": """
        import numpy as np
        def shrink(v):
            s = np.sum(v)
            while s > 1.0:
                v /= 2.0
                s = s / 2.0
        def f(v):
            v = v.copy()
            shrink(v)
            return v
        """,
}


@pytest.mark.parametrize("case", list(CALLER_ARRAY_UPDATES))
def test_a_helper_updating_the_callers_array_raises_at_its_line(case):
    plain = standalone(CALLER_ARRAY_UPDATES[case])
    with pytest.raises(TypeError, match=r"program\.py:\d+: `v /= .*` changes the caller's"):
        jax.jit(plain["f"])(jnp.array([1.0, 3.0]))


def test_a_helper_that_returns_its_array_needs_no_guard():
    source = """
        import numpy as np
        def normalize(v):
            s = np.sum(v)
            v /= s
            return v
        def f(v):
            v = normalize(v.copy())
            if v[0] > 0.5:
                v = v * 2
            return v
        """
    text = standalone_agrees(source, "f", (np.array([1.0, 3.0]),), (np.array([3.0, 1.0]),))
    assert "caller's array" not in text


# -- `k in allowed` of a set or dict in a loop over a static range ---------------------
# Python hashes the index, which a traced one refuses: the loop runs as Python.
HASHED_MEMBERSHIP = {
    "set-display": ("""
        def f(x):
            allowed = {1, 2, 3}
            total = 0
            for k in range(5):
                if k in allowed:
                    total += x
            return total
        """, [(2.0,), (-1.0,)]),
    "dict-keys": ("""
        def f(x):
            weights = {0: 1.0, 3: 2.5}
            total = 0.0
            for k in range(6):
                if k in weights:
                    total = total + weights[k] * x
            return total
        """, [(2.0,), (0.5,)]),
    "set-call-not-in": ("""
        def f(x):
            skip = set([2, 4])
            total = x
            for i in range(6):
                if i not in skip:
                    total = total * 0.5 + i
            return total
        """, [(1.0,), (8.0,)]),
}


@pytest.mark.parametrize("case", list(HASHED_MEMBERSHIP))
def test_membership_in_a_set_keeps_the_range_loop_python(case):
    source, inputs = HASHED_MEMBERSHIP[case]
    assert "fori_loop" not in standalone_agrees(source, "f", *inputs)


ITERATOR_LOOPS = {
    "enumerate-of-an-iterator-with-break": ("""
        def f(x):
            it = iter(range(10))
            for i, v in enumerate(it):
                if v == 4:
                    break
            return next(it) * x
        """, [(2.0,)]),
    "enumerate-of-an-iterator-traced-if": ("""
        def f(x):
            it = iter([1.0, 2.0, 3.0])
            total = x
            for i, v in enumerate(it):
                if x > v:
                    total = total + i
            return total
        """, [(2.5,), (0.0,)]),
    "zip-with-an-iterator": ("""
        def f(x):
            it = iter([1.0, 2.0, 3.0])
            total = x
            for a, b in zip(it, [4.0, 5.0]):
                if x > a:
                    total = total + b
            return total, next(it, -1.0)
        """, [(2.5,), (0.0,)]),
}


@pytest.mark.parametrize("case", list(ITERATOR_LOOPS))
def test_enumerate_of_a_python_iterator_runs_as_python(case):
    source, inputs = ITERATOR_LOOPS[case]
    assert "lax.scan" not in standalone_agrees(source, "f", *inputs)
