"""`--standalone` on finder7's programs (issue 14): Python's answer, or a loud error.

* A name a traced ``if`` or ternary chose between two lists, dicts or NumPy arrays that
  other names hold (``target = pos if v > 0 else neg``), changed in place afterwards
  (``target.append(v)``, ``add_to(target, v)``, ``t[0] += 1``): lax.cond returns a copy,
  which the change would reach instead of ``pos`` (finder7 q172, a silent wrong answer).
  The choice stays Python (JAX's error for a traced test), or, for a NumPy array whose
  write lax would still make on a copy, the function is refused at the ternary.
"""

from __future__ import annotations

import copy
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import assert_tree_close
from test_standalone_builtins import to_jax
from test_standalone_issue14 import standalone


def python_answer(source: str, name: str, *args):
    namespace: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), namespace)
    return namespace[name](*copy.deepcopy(args))


def agrees_or_raises(source: str, name: str, *inputs, errors=(Exception,)) -> str:
    """Jitted on JAX arrays, the output gives Python's answer or raises one of ``errors``
    (a second run keeps the output: checked by ``standalone``)."""
    plain = standalone(source)
    for args in inputs:
        expected = python_answer(source, name, *args)
        try:
            got = jax.jit(plain[name])(*(to_jax(a) for a in args))
        except errors:
            continue
        assert_tree_close(expected, got, dtype=None)
    return plain["__text__"]


# -- a chosen container changed through the name that chose it ---------------------------
CHOSEN_CONTAINERS = {
    "ternary-helper-append (q172)": """
        def add_to(bucket, v):
            bucket.append(v)
        def f(x):
            pos, neg = [], []
            for v in x:
                target = pos if v > 0 else neg
                add_to(target, v)
            return len(pos), len(neg)
        """,
    "ternary-append-separate-displays": """
        def f(x):
            pos = []
            neg = []
            for v in x:
                target = pos if v > 0 else neg
                target.append(v)
            return len(pos), len(neg)
        """,
    "if-append": """
        def f(x):
            pos, neg = [], []
            for v in x:
                if v > 0:
                    target = pos
                else:
                    target = neg
                target.append(v)
            return len(pos), len(neg)
        """,
    "if-helper-separate-displays": """
        def push(bucket, v):
            bucket.append(v * 2)
        def f(x):
            pos = []
            neg = []
            for v in x:
                if v > 0:
                    target = pos
                else:
                    target = neg
                push(target, v)
            return len(pos), len(neg)
        """,
    "ternary-dict-item": """
        def f(x):
            counts = {"a": 0}
            other = {"a": 0}
            for v in x:
                d = counts if v > 0 else other
                d["a"] += 1
            return counts["a"], other["a"]
        """,
    "ternary-list-item-outside-loop": """
        def f(x):
            a = [0.0]
            b = [0.0]
            t = a if x[0] > 0 else b
            t.append(1.0)
            return len(a) + 10 * len(b)
        """,
    "ternary-augmented-list": """
        def f(x):
            a, b = [], []
            for v in x:
                t = a if v > 0 else b
                t += [v]
            return len(a), len(b)
        """,
    "if-source-changed-after-the-choice": """
        def f(x):
            pos, neg = [1.0, 2.0], [3.0, 4.0]
            s = 0.0
            for v in x:
                if v > 0:
                    t = pos
                else:
                    t = neg
                pos[0] = pos[0] + 1.0
                s += t[0]
            return s
        """,
    "ternary-numpy-item": """
        import numpy as np
        def f(x):
            a = np.zeros(2)
            b = np.zeros(2)
            for v in x:
                t = a if v > 0 else b
                t[0] += 1.0
            return a[0], b[0]
        """,
}


@pytest.mark.parametrize("case", list(CHOSEN_CONTAINERS))
def test_a_change_through_a_chosen_container_is_never_silently_lost(case):
    source = CHOSEN_CONTAINERS[case]
    inputs = [(np.array([1.0, -2.0, 3.0]),), (np.array([-1.0, -2.0]),)]
    text = agrees_or_raises(source, "f", *inputs, errors=(
        jax.errors.TracerBoolConversionError, jax.errors.ConcretizationTypeError))
    assert "lax.cond(v > 0, lambda" not in text


def test_a_chosen_numpy_array_changed_in_place_is_refused_at_the_ternary():
    text = standalone(CHOSEN_CONTAINERS["ternary-numpy-item"])["__text__"]
    assert "# py2lax: left as Python" in text and "`t = a if v > 0 else b`" in text


def test_a_choice_only_read_keeps_python_answer():
    source = """
        def f(x):
            pos, neg = [1.0, 2.0], [3.0, 4.0]
            s = 0.0
            for v in x:
                t = pos if v > 0 else neg
                s += t[0]
            return s
        """
    agrees_or_raises(source, "f", (np.array([1.0, -2.0, 3.0]),), errors=(
        jax.errors.TracerBoolConversionError,))


# -- math.<f> of a value that may be a Python number -------------------------------------
# Python's math raises for a value outside its domain (`math.log(-1.0)`: ValueError) and
# gives Python's result types; jax.numpy gives nan. The output chooses by the argument:
# Python's function on Python numbers, the jax.numpy twin on arrays.
MATH_OF_PYTHON_NUMBERS = {
    "helper-log-caught": ("""
        import math
        def check(v):
            return math.log(v) + v
        def f(x):
            r = 0.0
            try:
                if x > 1:
                    r = x * 2
                else:
                    r = check(-1.0)
            except ValueError:
                r = 100.0
            return r
        """, [(3.0,), (0.0,)]),
    "sqrt-of-negative-raises": ("""
        import math
        def root(v):
            return math.sqrt(v)
        def f(x):
            try:
                return root(x - 5.0)
            except ValueError:
                return -1.0
        """, [(9.0,), (1.0,)]),
    "log-with-base-and-floor": ("""
        import math
        def digits(v):
            return math.floor(math.log(v, 10)) + 1
        def f(n):
            return digits(n)
        """, [(1000.0,), (5.0,)]),
    "acos-out-of-domain": ("""
        import math
        def angle(c):
            try:
                return math.acos(c)
            except ValueError:
                return 0.0
        def f(c):
            return angle(c)
        """, [(0.5,), (2.0,)]),
}


@pytest.mark.parametrize("case", list(MATH_OF_PYTHON_NUMBERS))
def test_math_of_a_python_number_is_pythons(case):
    source, inputs = MATH_OF_PYTHON_NUMBERS[case]
    plain = standalone(source)
    for args in inputs:
        expected = python_answer(source, "f", *args)
        got = plain["f"](*args)  # called with Python numbers, as Python would be
        assert type(got) is type(expected) and got == pytest.approx(expected)


def test_math_of_a_traced_value_is_the_jax_twin():
    source = """
        import math
        def scale(v):
            return math.sqrt(v) + math.floor(v)
        def f(x):
            s = 0.0
            for k in range(3):
                if x > k:
                    s = s + scale(x)
            return s
        """
    plain = standalone(source)
    for x in (0.5, 2.25, 9.0):
        expected = python_answer(source, "f", x)
        got = jax.jit(plain["f"])(jnp.asarray(x))
        assert float(got) == pytest.approx(expected, rel=1e-6)


# -- `p or default` of a parameter whose default is None -----------------------------------
# jnp.where cannot take None: Python tests `p is None`, jnp.where selects for an array.
NONE_DEFAULTS = {
    "or-default (q151)": ("""
        def f(x, scale=None):
            scale = scale or 2.0
            out = 0.0
            for i in range(3):
                if x * scale > i:
                    out += scale
            return out
        """, [(1.0,), (0.2,), (1.0, 0.5), (1.0, 0.0)]),
    "keyword-only": ("""
        def f(x, *, tol=None):
            tol = tol or 1e-3
            while x > tol:
                x = x / 2
            return x
        """, [(1.0,)]),
    "three-operands": ("""
        def f(x, a=None, b=None):
            c = a or b or 3.0
            if x > c:
                return x - c
            return c
        """, [(5.0,), (5.0, 1.0), (5.0, None, 2.0)]),
    "and-first": ("""
        def f(x, w=None):
            v = w and w * 2.0
            if v is None:
                return x
            return x + v
        """, [(5.0,), (5.0, 1.5)]),
}


@pytest.mark.parametrize("case", list(NONE_DEFAULTS))
def test_or_of_a_parameter_defaulting_to_none(case):
    source, inputs = NONE_DEFAULTS[case]
    plain = standalone(source)
    for args in inputs:
        expected = python_answer(source, "f", *args)
        traced = [to_jax(a) if a is not None else None for a in args]
        positions = [i for i, a in enumerate(args) if a is None]
        got = jax.jit(plain["f"], static_argnums=positions)(*traced)
        assert float(got) == pytest.approx(expected, rel=1e-6)


# -- an item of a list of numbers written at a traced index --------------------------------
# A list cannot be indexed by a traced value: each item is selected with jnp.where.
LIST_ITEM_AT_TRACED_INDEX = {
    "histogram (q096)": ("""
        def f(x, nbins):
            lo, hi = x.min(), x.max()
            counts = [0] * nbins
            width = (hi - lo) / nbins
            for v in x:
                b = int((v - lo) / width) if width > 0 else 0
                if b >= nbins:
                    b = nbins - 1
                counts[b] += 1
            return counts
        """, [(np.array([0.0, 0.1, 0.5, 0.9, 1.0]), 2), (np.array([3.0, 1.0, 2.0]), 3)], (1,)),
    "two-state-visits (q039)": ("""
        def f(x):
            state = 0
            visits = [0, 0]
            for v in x:
                if v > 0.5:
                    state = 1 - state
                visits[state] += 1
            return visits
        """, [(np.array([0.9, 0.1, 0.7, 0.2]),)], ()),
    "set-negative-index": ("""
        def f(x):
            last = [0.0, 0.0, 0.0]
            for i in range(len(x)):
                k = -1 if x[i] > 0 else 0
                last[k] = x[i]
            return last
        """, [(np.array([1.0, -2.0, 3.0]),)], ()),
    "float-accumulate": ("""
        def f(x, idx):
            sums = [0.0] * 3
            for j in range(len(x)):
                sums[idx[j]] += x[j] * 2
            return sums
        """, [(np.array([1.0, 2.0, 4.0]), np.array([2, 0, 2]))], ()),
}


@pytest.mark.parametrize("case", list(LIST_ITEM_AT_TRACED_INDEX))
def test_a_list_item_written_at_a_traced_index(case):
    source, inputs, static = LIST_ITEM_AT_TRACED_INDEX[case]
    plain = standalone(source)
    for args in inputs:
        expected = python_answer(source, "f", *args)
        got = jax.jit(plain["f"], static_argnums=static)(
            *(a if i in static else to_jax(a) for i, a in enumerate(args)))
        assert_tree_close(expected, [float(g) for g in got], dtype=None)


# -- the module's NumPy table read at a loop's traced item ---------------------------------
MODULE_TABLE_READS = {
    "scan-item (q114)": """
        import numpy as np
        LUT = np.array([0.0, 1.0, 4.0, 9.0, 16.0])
        def f(idx):
            s = 0.0
            for i in idx:
                if i < LUT.shape[0]:
                    s += LUT[i]
                else:
                    s -= 1.0
            return s
        """,
    "while-carried-index": """
        import numpy as np
        STEPS = np.array([1, 2, 3, 1, 2])
        def f(idx):
            k = 0
            total = 0
            while k < 5 and total < idx[0]:
                total += STEPS[k]
                k += 1
            return total, k
        """,
}


@pytest.mark.parametrize("case", list(MODULE_TABLE_READS))
def test_a_module_table_read_at_a_loops_traced_item(case):
    source = MODULE_TABLE_READS[case]
    args = (np.array([0, 2, 4, 7]),)
    expected = python_answer(source, "f", *args)
    got = jax.jit(standalone(source)["f"])(*(to_jax(a) for a in args))
    assert_tree_close(expected, got, dtype=None)


# -- `v in vals` of a name bound once to a display of numbers ------------------------------
NAMED_MEMBERSHIP = {
    "list (q187)": """
        def f(x):
            vals = [1.0, 2.0, 3.0]
            hits = 0
            for v in x:
                if v in vals:
                    hits += 1
            return hits
        """,
    "tuple-not-in": """
        def f(x):
            bad = (5.0, 7.0)
            s = 0.0
            for v in x:
                if v not in bad:
                    s += v
            return s
        """,
    "ternary": """
        def f(x):
            allowed = [1, 3]
            c = 0
            for v in x:
                c = c + (2 if v in allowed else 0)
            return c
        """,
}


@pytest.mark.parametrize("case", list(NAMED_MEMBERSHIP))
def test_membership_in_a_named_display_of_numbers(case):
    source = NAMED_MEMBERSHIP[case]
    args = (np.array([1.0, 5.0, 3.0, 7.0]),)
    expected = python_answer(source, "f", *args)
    got = jax.jit(standalone(source)["f"])(*(to_jax(a) for a in args))
    assert float(got) == pytest.approx(float(expected))


def test_membership_in_a_list_the_code_changes_stays_python():
    source = """
        def f(x):
            vals = [1.0]
            hits = 0
            for v in x:
                vals.append(2.0)
                if v in vals:
                    hits += 1
            return hits
        """
    assert "isin" not in standalone(source)["__text__"]
