"""`--standalone` output gives Python's answer where NumPy and Python share or repeat.

* ``a[idx] += v`` with an index array that repeats a position: NumPy reads ``a[idx]``,
  adds, and writes back, so the position changes once; ``.at[idx].add`` would add twice.
* ``[[0.0] * 2] * 2`` (or ``[row, row]``): the rows are one list; a write to one row
  under a traced condition shows in the other, as in Python.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from py2lax import transpile
from test_standalone_builtins import standalone_agrees

REPEATED_INDICES = {
    "array-index-add": ("""
        import numpy as np
        def f(x):
            counts = np.zeros(3)
            idx = np.array([0, 0, 2])
            if x > 0:
                counts[idx] += 1
            return counts
        """, [(1.0,), (-1.0,)]),
    "list-of-positions-subtract-and-multiply": ("""
        import numpy as np
        def f(x):
            counts = np.ones(4)
            idx = np.array([1, 1, 3])
            if x > 0:
                counts[idx] -= x
                counts[np.array([2, 2])] *= 3.0
            return counts
        """, [(2.0,), (-1.0,)]),
    "rows-of-a-matrix": ("""
        import numpy as np
        def f(x):
            counts = np.zeros((3, 3))
            rows = np.array([0, 0, 1])
            if x > 0:
                counts[rows, 2] += x
            return counts
        """, [(2.0,), (-1.0,)]),
    "in-a-traced-loop": ("""
        import numpy as np
        def f(x, n):
            h = np.zeros(3)
            idx = np.array([2, 2, 0])
            for i in range(n):
                if x > i:
                    h[idx] += 1.0
            return h
        """, [(2.0, 3), (-1.0, 2)]),
}


@pytest.mark.parametrize("name", sorted(REPEATED_INDICES))
def test_a_repeated_index_changes_its_position_once_as_in_numpy(name):
    source, inputs = REPEATED_INDICES[name]
    standalone_agrees(source, "f", *inputs, static_argnums=())


def test_a_range_index_keeps_at_add():
    text = transpile("import jax.numpy as jnp\ndef f(xs, n):\n    h = jnp.zeros(4)\n"
                     "    for k in range(n):\n        h[k] += xs[k]\n    return h\n",
                     "p.py", all_functions=True, standalone=True)
    assert "h.at[k].add(xs[k])" in text


SHARED_ROWS = {
    "list-times-two": ("""
        def f(x):
            rows = [[0.0] * 2] * 2
            if x > 0:
                rows[0][0] = x
            return rows
        """, [(2.0,), (-1.0,)]),
    "one-row-twice": ("""
        def f(x):
            row = [0.0, 0.0]
            rows = [row, row]
            if x > 0:
                rows[0][1] = x
            return rows, row
        """, [(2.0,), (-1.0,)]),
    "in-a-traced-loop": ("""
        def f(x, n):
            rows = [[0.0] * 3] * 2
            for i in range(n):
                if x > i:
                    rows[1][0] = rows[1][0] + x
            return rows
        """, [(2.0, 3), (-1.0, 2)]),
    "dicts-times-two": ("""
        def f(x):
            ds = [{"a": 0.0}] * 2
            if x > 0:
                ds[0]["a"] = x
            return ds[1]["a"]
        """, [(2.0,), (-1.0,)]),
}


@pytest.mark.parametrize("name", sorted(SHARED_ROWS))
def test_rows_that_are_one_list_change_together(name):
    source, inputs = SHARED_ROWS[name]
    standalone_agrees(source, "f", *inputs)


# -- an object of the user's class lax would carry --------------------------------------
OBJECTS_LAX_CANNOT_CARRY = {
    "returned-from-a-traced-loop": ("""
        class Best:
            def __init__(self, v):
                self.v = v
        def f(xs):
            for x in xs:
                if x > 2.0:
                    return Best(x)
            return Best(0.0)
        """, "`return Best(x)` gives an object of the class `Best`"),
    "rebound-by-a-method-in-a-traced-loop": ("""
        class Vec:
            def __init__(self, x, y):
                self.x, self.y = x, y
            def scale(self, k):
                return Vec(self.x * k, self.y * k)
            def norm2(self):
                return self.x * self.x + self.y * self.y
        def f(a, b):
            v = Vec(a, b)
            while v.norm2() > 1.0:
                v = v.scale(0.5)
            return v.x, v.y
        """, "`v = Vec(a, b)` gives an object of the class `Vec`"),
}


@pytest.mark.parametrize("name", sorted(OBJECTS_LAX_CANNOT_CARRY))
def test_an_object_lax_cannot_carry_is_refused_at_its_line(name):
    from py2lax.transpiler import rewrite_module
    source, message = OBJECTS_LAX_CANNOT_CARRY[name]
    result = rewrite_module(textwrap.dedent(source), "p.py", all_functions=True,
                            readable=True, standalone=True)
    refused = [f for f in result.failures if f.name == "f"]
    assert refused and not refused[0].internal
    assert message in str(refused[0].error) and "pytree" in str(refused[0].error)


def test_an_object_the_loop_rebinds_after_a_break_still_converts():
    standalone_agrees("""
        class Best:
            def __init__(self, v):
                self.v = v
        def g(xs):
            found = Best(-1.0)
            for x in xs:
                if x > 2.0:
                    found = Best(x)
                    break
            return found.v
        """, "g", (np.array([1.0, 3.0, 4.0], np.float32),), (np.array([1.0], np.float32),))


# -- the module's facts are read once per module, not once per function ------------------
def test_a_module_of_many_functions_is_walked_a_bounded_number_of_times(monkeypatch):
    """Each converted function asked questions about the whole module (its classes, the
    names it binds, the functions that write in place) by walking it again:
    ``jax/_src/lax/lax.py`` (9,800 lines) took minutes. The answers are kept per module."""
    from py2lax.frontend import syntax as S
    from py2lax.transpiler import rewrite_module
    walk, walks = S.walk, []
    def counted(node):
        if isinstance(node, S.Module):
            walks.append(node)
        return walk(node)
    monkeypatch.setattr(S, "walk", counted)
    def module(count):
        return "\n".join(f"class C{i}:\n    def m(self, v):\n        self.v = v\n\n"
                         f"def f{i}(x, xs):\n    c = C{i}()\n    for t in xs:\n"
                         f"        if t > x:\n            c.m(t)\n            x = x * 2\n"
                         f"    return x\n" for i in range(count))
    counts = []
    for count in (5, 40):
        walks.clear()
        rewrite_module(module(count), "m.py", all_functions=True, standalone=True)
        counts.append(len(walks))
    assert counts[1] < 3 * counts[0], counts


# -- a second run reads `return_value = res` after a helper that sorts `res` -------------
def test_a_list_a_module_helper_sorts_keeps_its_function_converted_on_a_second_run():
    from py2lax.transpiler import transpile
    source = textwrap.dedent("""
        class P:
            def _sortlist(self, res, sort):
                if sort:
                    res.sort()
            def listdir(self, names, fil=None, sort=None):
                if fil is None and sort is None:
                    return names
                res = []
                for name in names:
                    if fil is None or fil(name):
                        res.append(name)
                self._sortlist(res, sort)
                return res
        """)
    once = transpile(source, "p.py", all_functions=True, standalone=True, readable=True)
    again = transpile(once, "p.py", all_functions=True, standalone=True, readable=True)
    assert again == once and "left as Python" not in once



# -- a NumPy array written by item becomes a JAX array where it is made ------------------
NUMPY_BUFFERS = {
    "iadd-with-an-index-argument": ("""
        import numpy as np
        def f(idx):
            counts = np.zeros(3)
            counts[idx] += 1
            return counts
        """, [(np.array([0, 0, 2]),)]),
    "two-buffers-swapped": ("""
        import numpy as np
        def f(x):
            cur = np.zeros(3)
            nxt = np.zeros(3)
            cur[0] = x
            for _ in range(3):
                for i in range(3):
                    nxt[i] = cur[i] + (cur[i - 1] if i > 0 else 0.0)
                cur, nxt = nxt, cur
            return cur
        """, [(1.0,)]),
    "ones-set-in-a-range-loop": ("""
        import numpy as np
        def f(x):
            h = np.ones(4)
            for k in range(4):
                h[k] = x * k
            return h
        """, [(2.0,)]),
}


@pytest.mark.parametrize("name", sorted(NUMPY_BUFFERS))
def test_a_numpy_buffer_written_by_item_is_made_with_jax_numpy(name):
    source, inputs = NUMPY_BUFFERS[name]
    standalone_agrees(source, "f", *inputs)


# -- a test of Python numbers inside a traced branch stays Python's `if` -----------------
PYTHON_TESTS_IN_TRACED_BRANCHES = {
    "enumerate-index-past-the-end": """
        def f(x):
            vals = [1.0, 2.0, 3.0]
            s = 0.0
            for i, v in enumerate(vals):
                if x > v:
                    if i + 1 < len(vals):
                        vals[i + 1] = vals[i + 1] + 100
                s += v
            return s
        """,
    "range-index-past-the-end": """
        def f(x):
            vals = [1.0, 2.0, 3.0]
            s = 0.0
            for i in range(len(vals)):
                if x > vals[i]:
                    if i + 1 < len(vals):
                        vals[i + 1] = vals[i + 1] + 100
                s += vals[i]
            return s
        """,
    "enumerate-written-while-iterated": """
        def f(x):
            vals = [1.0, 2.0, 3.0]
            for i, v in enumerate(vals):
                if x > v:
                    vals[i] = v * 2
            return vals
        """,
    "index-before-the-start": """
        def f(x):
            vals = [1.0, 2.0, 3.0]
            out = 0.0
            for i, v in enumerate(vals):
                if x > v:
                    if i > 0 and i - 1 >= 0:
                        out = out + vals[i - 1]
                    else:
                        out = out - 1.0
            return out
        """,
}


@pytest.mark.parametrize("name", sorted(PYTHON_TESTS_IN_TRACED_BRANCHES))
def test_a_python_test_in_a_traced_branch_runs_one_branch_as_python(name):
    standalone_agrees(PYTHON_TESTS_IN_TRACED_BRANCHES[name], "f", (1.5,), (0.0,), (2.5,))


# -- a module helper that sorts its own copy of an argument writes nothing of the caller's
HELPERS_WRITING_THEIR_OWN_COPY = {
    "rebound-then-sorted": """
        import numpy as np
        def _sorted_unique(ar):
            ar = np.asanyarray(ar).flatten()
            ar.sort()
            mask = np.empty(ar.shape, dtype=bool)
            mask[:1] = True
            mask[1:] = ar[1:] != ar[:-1]
            return ar[mask]
        def unique(ar, axis=None):
            if axis is None:
                ret = _sorted_unique(ar)
                return ret
            ar = np.moveaxis(ar, axis, 0)
            return _sorted_unique(ar)
        """,
    "sorted-with-jnp-sort-on-a-second-run": """
        import numpy as np
        def _sortlist(res, sort):
            if sort:
                res.sort()
        def listing(names, sort=None):
            res = list(names)
            _sortlist(res, sort)
            return res
        """,
}


@pytest.mark.parametrize("name", sorted(HELPERS_WRITING_THEIR_OWN_COPY))
def test_a_helper_writing_its_own_copy_keeps_the_caller_converted_on_a_second_run(name):
    from py2lax.transpiler import transpile
    source = textwrap.dedent(HELPERS_WRITING_THEIR_OWN_COPY[name])
    once = transpile(source, "p.py", all_functions=True, standalone=True, readable=True)
    again = transpile(once, "p.py", all_functions=True, standalone=True, readable=True)
    assert again == once and "left as Python" not in once


def test_numpys_arraysetops_reaches_a_fixed_point():
    """``unique`` calls ``_unique1d``, which rebinds ``ar`` before sorting it; the first
    run writes ``jax.numpy.sort(res)`` in a helper, which is no write into ``res``."""
    import numpy.lib._arraysetops_impl as module
    from py2lax.transpiler import transpile
    source = open(module.__file__).read()
    once = transpile(source, "a.py", all_functions=True, standalone=True, readable=True)
    assert transpile(once, "a.py", all_functions=True, standalone=True, readable=True) == once


def test_sorted_of_a_parameter_stays_pythons_sorted():
    """``sorted`` is trace-aware in the runtime; jax.numpy has no ``sorted``."""
    from py2lax.transpiler import transpile
    text = transpile("def f(mesh, x):\n    names = sorted(mesh)\n    if x > 0:\n"
                     "        x = x + len(names)\n    return x\n", "p.py",
                     all_functions=True, standalone=True)
    # (`_py2lax_sorted`: Python's `sorted` where no key is traced; see
    # test_standalone_ordering)
    assert "names = _py2lax_sorted(mesh)" in text and "numpy.sorted" not in text
    plain: dict = {}
    exec(text, plain)
    assert plain["f"](("b", "a"), 1.0) == 3.0


# -- a static loop that gives a list another length runs as Python -----------------------
RESIZED_LISTS = {
    "pascal-row": ("""
        def f(n):
            row = [1]
            for _ in range(6):
                row = [1] + [row[i] + row[i + 1] for i in range(len(row) - 1)] + [1]
            s = 0
            for v in row:
                if v > n:
                    s += v
            return s
        """, [(5,), (100,)]),
    "appended-by-concatenation": ("""
        def f(x):
            xs = [x]
            for k in range(3):
                xs = xs + [xs[-1] * 2.0]
            return xs[-1] + len(xs)
        """, [(1.5,)]),
    "filtered-comprehension": ("""
        def f(x):
            ks = [0, 1, 2, 3, 4, 5]
            for k in range(2):
                ks = [v for v in ks if v % 2 == k]
            return x * len(ks)
        """, [(2.0,)]),
}


@pytest.mark.parametrize("name", sorted(RESIZED_LISTS))
def test_a_loop_that_resizes_a_list_runs_as_python(name):
    source, inputs = RESIZED_LISTS[name]
    standalone_agrees(source, "f", *inputs)


# -- `0 < g(x) < 10` calls g once, as Python does ----------------------------------------
CHAINED_CALLS = {
    "if-test": ("""
        def f(x):
            calls = []
            def g(v):
                calls.append(1)
                return v * 2
            if 0 < g(x) < 10:
                r = 1
            else:
                r = 0
            return r, len(calls)
        """, [(1.0,), (-1.0,), (6.0,)]),
    "value-position": ("""
        def f(x):
            calls = []
            def g(v):
                calls.append(v)
                return v + 1
            ok = -1.0 <= g(x) < 3.0
            return ok, len(calls)
        """, [(1.0,), (5.0,)]),
    "method-of-an-object-in-a-loop": ("""
        class Counter:
            def __init__(self):
                self.n = 0
            def bump(self, v):
                self.n += 1
                return v
        def f(xs):
            c = Counter()
            s = 0.0
            for i in range(3):
                if 0.0 < c.bump(xs[i]) <= 2.0:
                    s = s + xs[i]
            return s, c.n
        """, [(np.array([1.0, 3.0, 2.0], np.float32),)]),
}


@pytest.mark.parametrize("name", sorted(CHAINED_CALLS))
def test_a_chained_comparison_evaluates_its_middle_operand_once(name):
    source, inputs = CHAINED_CALLS[name]
    standalone_agrees(source, "f", *inputs)


# -- a loop calling an object that changes itself runs as Python ---------------------------
STATEFUL_CALLS = {
    "ema-call-in-a-loop-over-items": ("""
        class Ema:
            def __init__(self, a):
                self.a = a
                self.v = None
            def __call__(self, x):
                if self.v is None:
                    self.v = x
                else:
                    self.v = self.a * x + (1 - self.a) * self.v
                return self.v
        def f(xs):
            e = Ema(0.5)
            out = 0.0
            for x in xs:
                out = e(x)
            return out
        """, [(np.array([2.0, 4.0], np.float32),), (np.array([1.0, 3.0, -2.0], np.float32),)]),
    "pid-call-in-a-static-range": ("""
        class PID:
            def __init__(self):
                self.i = 0.0
                self.prev = None
            def __call__(self, err):
                self.i += err
                if self.i > 2.0:
                    self.i = 2.0
                elif self.i < -2.0:
                    self.i = -2.0
                d = 0.0 if self.prev is None else err - self.prev
                self.prev = err
                return 0.5 * err + 0.1 * self.i + 0.05 * d
        def f(target):
            c = PID()
            y = 0.0
            for _ in range(10):
                y = y + 0.5 * c(target - y)
            return y
        """, [(1.0,), (10.0,)]),
    "counter-call-without-none": ("""
        class Scaler:
            def __init__(self):
                self.n = 0
            def __call__(self, x):
                self.n += 1
                return x * self.n
        def f(xs):
            s = Scaler()
            total = 0.0
            for x in xs:
                total = total + s(x)
            return total, s.n
        """, [(np.array([1.0, 2.0, 3.0], np.float32),)]),
    "method-setting-an-attribute-that-starts-none": ("""
        class Tracker:
            def __init__(self):
                self.last = None
                self.total = 0.0
            def step(self, v):
                if self.last is not None:
                    self.total = self.total + abs(v - self.last)
                self.last = v
        def f(x):
            t = Tracker()
            for k in range(6):
                t.step(x * k - 2.0)
            return t.total
        """, [(1.0,), (-0.5,)]),
    "class-defined-in-the-function": ("""
        def f(xs):
            class Peak:
                def __init__(self):
                    self.best = None
                def __call__(self, v):
                    if self.best is None:
                        self.best = v
                    else:
                        self.best = max(self.best, v)
                    return self.best
            p = Peak()
            r = 0.0
            for v in xs:
                r = p(v)
            return r
        """, [(np.array([1.0, 5.0, 2.0], np.float32),)]),
}


@pytest.mark.parametrize("name", sorted(STATEFUL_CALLS))
def test_a_loop_calling_an_object_that_changes_itself_runs_as_python(name):
    source, inputs = STATEFUL_CALLS[name]
    standalone_agrees(source, "f", *inputs)


# -- a loop whose body tests the type of its items runs as Python --------------------------
TYPE_TESTS_OF_ITEMS = {
    "isinstance-of-a-static-tuple-item": ("""
        def f(items, x):
            s = 0.0
            for it in items:
                if isinstance(it, int):
                    if x > it:
                        s += 1
                else:
                    s += it
            return s
        """, [((1, 2.5, 3), 2.0), ((0.5, 4), 1.0)]),
    "enumerate-of-a-static-tuple": ("""
        def f(vals, x):
            s = 0.0
            for i, v in enumerate(vals):
                if isinstance(v, float):
                    s = s + v * i
                else:
                    s = s + x
            return s
        """, [((1, 2.5, 3), 2.0)]),
    "type-of-a-name-computed-from-the-item": ("""
        def f(items, x):
            s = x
            for it in items:
                w = it
                if type(w) is int:
                    s = s * 2
                else:
                    s = s + w
            return s
        """, [((2, 0.25, 1), 1.5)]),
    "zip-of-static-tuples": ("""
        def f(ks, ws, x):
            s = 0.0
            for k, w in zip(ks, ws):
                s = s + (x * w if isinstance(k, int) else w)
            return s
        """, [((1, 2.0, 3), (0.5, 1.5, 2.0), 2.0)]),
}


@pytest.mark.parametrize("name", sorted(TYPE_TESTS_OF_ITEMS))
def test_a_loop_testing_the_type_of_its_items_runs_as_python(name):
    source, inputs = TYPE_TESTS_OF_ITEMS[name]
    static = tuple(range(len(inputs[0]) - 1))
    standalone_agrees(source, "f", *inputs, static_argnums=static)


# -- a helper's in-place update of its parameter under a traced `if` is never dropped -------
def standalone_agrees_or_raises(source: str, name: str, *inputs) -> None:
    """The ``--standalone`` output under ``jax.jit`` gives Python's answer on each input,
    or raises: never another answer."""
    import copy

    import jax
    from conftest import assert_tree_close
    from harness import to_jax
    source = textwrap.dedent(source)
    python: dict = {}
    exec(compile(source, "program.py", "exec"), python)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    plain: dict = {}
    exec(compile(text, "program_standalone.py", "exec"), plain)
    for args in inputs:
        expected = python[name](*copy.deepcopy(args))
        try:
            got = jax.jit(plain[name])(*(to_jax(a) for a in args))
        except Exception:  # noqa: BLE001 - loud is right; a different answer is not
            continue
        assert_tree_close(expected, got, dtype=None)


IN_PLACE_PARAMETER_UPDATES = {
    "divide-under-a-traced-if": """
        import numpy as np
        def normalize(v):
            s = np.sum(v)
            if s != 0:
                v /= s
        def f(v):
            v = v.copy()
            normalize(v)
            return v
        """,
    "both-branches": """
        import numpy as np
        def shift(v):
            if np.max(v) > 2.0:
                v *= 0.5
            else:
                v -= 1.0
        def f(v):
            v = v.copy()
            shift(v)
            return v
        """,
    "nested-ifs": """
        import numpy as np
        def bump(v):
            t = np.mean(v)
            if t > 0:
                if t < 10:
                    v += 1.0
        def f(v):
            w = v.copy()
            bump(w)
            return w
        """,
}


@pytest.mark.parametrize("name", sorted(IN_PLACE_PARAMETER_UPDATES))
def test_a_helpers_in_place_update_under_a_traced_if_is_not_dropped(name):
    standalone_agrees_or_raises(IN_PLACE_PARAMETER_UPDATES[name], "f",
                                (np.array([1.0, 3.0]),), (np.array([-1.0, 0.5]),))


# -- a `while True:` left by an exception only ends when traced ------------------------------
ENDLESS_LOOPS_LEFT_BY_A_RAISE = {
    "helper-raises-under-a-traced-if": """
        class Stop(Exception):
            pass
        def step(v):
            if v > 4:
                raise Stop()
            return v * 2
        def f(x):
            n = 0
            try:
                while True:
                    x = step(x)
                    n += 1
            except Stop:
                pass
            return x, n
        """,
    "raise-in-the-loop-itself": """
        def f(x):
            n = 0
            try:
                while True:
                    x = x * 2
                    n += 1
                    if x > 4:
                        raise ValueError("done")
            except ValueError:
                pass
            return x, n
        """,
    "method-two-calls-deep": """
        class Done(Exception):
            pass
        def check(v):
            if v > 10:
                raise Done()
        class Walker:
            def advance(self, v):
                check(v)
                return v + 3
        def f(x):
            w = Walker()
            try:
                while 1:
                    x = w.advance(x)
            except Done:
                pass
            return x
        """,
}


@pytest.mark.parametrize("name", sorted(ENDLESS_LOOPS_LEFT_BY_A_RAISE))
def test_an_endless_loop_left_by_a_raise_ends_when_traced(name):
    import signal
    class Hang(BaseException):  # not an Exception: nothing the output runs catches it
        pass
    def timed_out(*_):
        raise Hang("tracing the --standalone output did not end")
    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(60)
    try:
        standalone_agrees_or_raises(ENDLESS_LOOPS_LEFT_BY_A_RAISE[name], "f", (1.0,), (5.0,))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
