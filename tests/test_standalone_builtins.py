"""`--standalone` writes builtins such as `min` in plain jax only where they are Python's.

A helper named like a builtin (`def min(p, q)` inside the caller) is the user's function
in every scope nested in that caller too, including the branch functions a first run
writes: reading the output again must not turn its calls into `jnp.where`.
"""

from __future__ import annotations

import copy
import importlib.abc
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import assert_tree_close
from test_standalone_s10 import unchecked  # the checks of kept tests
from py2lax import transpile

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from harness import to_jax  # noqa: E402  (what a jitted caller passes)

SHADOWED_IN_CALLER = textwrap.dedent("""
    def f(a, b):
        def min(p, q):
            return p * 10 + q
        if a > b:
            return min(a, b)
        return min(b, a)
""")

SHADOWED_AT_MODULE = textwrap.dedent("""
    def zip(*vs):
        return [v * 2 for v in vs]

    def g(v):
        total = 0.0
        for a in zip(v):
            if a[0] > 0:
                total = total + a[0]
        return total
""")


@pytest.mark.parametrize("source", [SHADOWED_IN_CALLER, SHADOWED_AT_MODULE],
                         ids=["nested-def", "module-def"])
def test_a_builtin_name_the_user_defines_stays_the_users_function(source):
    first = transpile(source, all_functions=True, standalone=True)
    assert transpile(first, all_functions=True, standalone=True) == first
    assert "where" not in first


def test_the_written_function_calls_the_users_min():
    namespace: dict = {}
    exec(transpile(SHADOWED_IN_CALLER, all_functions=True, standalone=True), namespace)
    assert float(namespace["f"](jnp.float32(3.0), jnp.float32(1.0))) == 31.0
    assert float(namespace["f"](jnp.float32(1.0), jnp.float32(3.0))) == 31.0


# --------------------------------------------------------------------------------------
# The standalone output, jitted with plain jax, against the original run by Python.

class _NoPy2lax(importlib.abc.MetaPathFinder):
    """Refuses ``import py2lax``: the output must need only jax."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "py2lax":
            raise ImportError("--standalone output must not import py2lax")
        return None


def standalone_agrees(source: str, name: str, *inputs: tuple, static_argnums=()) -> str:
    """``name`` from ``source`` through ``--standalone``, imported without py2lax and
    jitted, gives what Python gives on each of ``inputs`` (static arguments as given,
    the others as ``jnp`` values), and a second run keeps the output; returns it."""
    source = textwrap.dedent(source)
    python: dict = {}
    exec(compile(source, "program.py", "exec"), python)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    plain: dict = {}
    blocker = _NoPy2lax()
    sys.meta_path.insert(0, blocker)
    try:
        exec(compile(text, "program_standalone.py", "exec"), plain)
    finally:
        sys.meta_path.remove(blocker)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text, (
        "a second run changes the output")
    jitted = jax.jit(plain[name], static_argnums=static_argnums)
    for args in inputs:
        expected = python[name](*copy.deepcopy(args))
        got = jitted(*(a if i in static_argnums else to_jax(a) for i, a in enumerate(args)))
        assert_tree_close(expected, got, dtype=None)
    return text


# -- a weak Python number meeting a value of another kind in one branch --------------
# lax.cond needs both branches to give one dtype; Python lets `n = 0` become a float on
# one path only. The output joins the branch types with jnp.result_type, as the runtime.
KIND_CHANGES_IN_A_BRANCH = {
    "int-literal-then-float": ("""
        def f(x):
            n = 0
            if x > 0:
                n = x * 3
            return n
        """, [(1.5,), (-1.0,)], ()),
    "float-literal-then-range-index": ("""
        def f(x, n):
            best = 0.5
            for i in range(n):
                if x * i > 3:
                    best = i
            return best
        """, [(1.0, 6), (0.1, 6)], (1,)),
    "tuple-slot-int-then-float": ("""
        def f(pairs):
            best = (0.0, -1)
            for val, idx in pairs:
                if val > best[0]:
                    best = (val, idx)
            return best
        """, [([(1.0, 0), (3.0, 1), (2.0, 2)],)], ()),
    "int-counter-then-array-item-in-a-loop": ("""
        def f(v):
            last = 0
            for t in v:
                if t > 0:
                    last = t * 2
            return last
        """, [(np.array([1.0, -2.0, 3.5], np.float32),), (np.array([-1.0], np.float32),)], ()),
}


@pytest.mark.parametrize("name", KIND_CHANGES_IN_A_BRANCH)
def test_a_branch_that_changes_a_python_numbers_kind_is_joined(name):
    source, inputs, static = KIND_CHANGES_IN_A_BRANCH[name]
    standalone_agrees(source, "f", *inputs, static_argnums=static)


def test_a_counter_that_stays_an_int_needs_no_join():
    text = standalone_agrees("""
        def f(x):
            count = 0
            if x > 0:
                count = count + 1
            return count
        """, "f", (1.0,), (-1.0,))
    assert "result_type" not in text


# -- a loop whose body needs its index as a Python int ----------------------------------
# A slice bound (`v[i:i + w]`) or an index into a Python list (`M[i][j] = ...`) cannot
# take a traced index: the loop stays Python (its bounds are static when traced), as the
# runtime unrolls it, instead of a lax loop that can only fail.
CONCRETE_INDEX_LOOPS = {
    "window-slice": ("""
        import numpy as np
        def f(v, w):
            out = np.zeros(len(v) - w + 1, dtype=v.dtype)
            for i in range(len(out)):
                out[i] = v[i:i + w].max()
            return out
        """, [(np.array([5.0, 1.0, 4.0, 2.0, 3.0], np.float32), 3)], (1,)),
    "suffix-slice-through-a-name": ("""
        def f(v):
            total = 0.0
            for i in range(v.shape[0]):
                j = i + 1
                if v[i] > 0:
                    total = total + v[j:].sum()
            return total
        """, [(np.array([1.0, -2.0, 3.0, 4.0], np.float32),)], ()),
    "nested-python-list": ("""
        def f(n, x):
            M = [[0.0] * n for _ in range(n)]
            for i in range(n):
                for j in range(n):
                    if (i + j) * x > 2:
                        M[i][j] = x * (i - j)
            return M
        """, [(3, 1.0), (2, -1.0)], (0,)),
    "while-slice-step": ("""
        import jax.numpy as jnp
        def f(n):
            sieve = jnp.ones(n + 1, dtype=bool).at[:2].set(False)
            p = 2
            while p * p <= n:
                if sieve[p]:
                    sieve = sieve.at[p * p::p].set(False)
                p += 1
            return sieve.sum()
        """, [(30,)], (0,)),
}


@pytest.mark.parametrize("name", CONCRETE_INDEX_LOOPS)
def test_a_loop_whose_body_needs_a_python_index_stays_python(name):
    source, inputs, static = CONCRETE_INDEX_LOOPS[name]
    text = standalone_agrees(source, "f", *inputs, static_argnums=static)
    assert "fori_loop" not in text and "while_loop" not in text


def test_a_loop_indexing_an_array_with_its_index_is_still_lax():
    text = standalone_agrees("""
        def f(v):
            total = 0.0
            for i in range(v.shape[0]):
                total = total + v[i] * i
            return total
        """, "f", (np.array([1.0, 2.0, 3.0, 4.0], np.float32),))
    assert "fori_loop" in text


# -- zip of sequences of different lengths: as many items as the shortest ---------------
ZIPS_OF_UNEQUAL_LENGTHS = {
    "shifted-self": ("""
        def f(v):
            s = 0.0
            for a, b in zip(v, v[1:]):
                if a * b < 0:
                    s += abs(a - b)
            return s
        """, [(np.array([1.0, -2.0, 3.0, 4.0, -1.0], np.float32),)]),
    "two-parameters": ("""
        def f(a, b):
            s = 0.0
            for x, y in zip(a, b):
                if x > y:
                    s += x - y
            return s
        """, [(np.array([1.0, 5.0, 2.0], np.float32), np.array([0.0, 6.0], np.float32)),
              (np.array([1.0], np.float32), np.array([0.0, 6.0], np.float32))]),
    "enumerated-with-break": ("""
        def f(a, b):
            found = -1
            for i, (x, y) in enumerate(zip(a, b)):
                if x + y > 4:
                    found = i
                    break
            return found
        """, [(np.array([1.0, 5.0, 2.0], np.float32), np.array([0.0, 0.5], np.float32)),
              (np.array([1.0, 1.0, 9.0], np.float32), np.array([0.0, 0.5], np.float32))]),
}


@pytest.mark.parametrize("name", ZIPS_OF_UNEQUAL_LENGTHS)
def test_zip_of_unequal_lengths_stops_at_the_shortest(name):
    source, inputs = ZIPS_OF_UNEQUAL_LENGTHS[name]
    standalone_agrees(source, "f", *inputs)


# -- a loop over a name whose items the code shows are Python's -------------------------
# lax.scan slices arrays; keys of a dict, strings and a Python iterator are not. Such a
# loop stays Python, as the runtime runs it.
PYTHON_ITEMS = {
    "dict-keys-indexing-the-iterable": ("""
        import jax.numpy as jnp
        def f(params, grads):
            out = {}
            for k in params:
                g = grads[k]
                if jnp.linalg.norm(g) > 1.0:
                    g = g / jnp.linalg.norm(g)
                out[k] = params[k] - 0.1 * g
            return out
        """, [({"a": np.ones(2, np.float32), "b": np.zeros(3, np.float32)},
               {"a": np.array([3.0, 4.0], np.float32), "b": np.full(3, 0.1, np.float32)})], ()),
    "strings-matched": ("""
        def f(ops, x):
            for op in ops:
                match op:
                    case "inc":
                        x = x + 1
                    case "dbl":
                        if x > 10:
                            x = x - 10
                        x = x * 2
            return x
        """, [(("inc", "dbl", "dbl"), 3.0), (("dbl",) * 4, 5.0)], (0,)),
    "strings-compared": ("""
        def f(acts, x):
            for name in acts:
                if name == "relu":
                    x = x * (x > 0)
                elif name == "neg":
                    x = -x
                if x.sum() > 3:
                    x = x / 2
            return x
        """, [(("neg", "relu"), np.array([1.0, -2.0], np.float32))], (0,)),
    "iterator-after-next": ("""
        def f(v):
            it = iter(v)
            best = next(it)
            for x in it:
                if x > best:
                    best = x
            return best
        """, [(np.array([3.0, 1.0, 7.0, 2.0], np.float32),)], ()),
    "generator": ("""
        def f(v):
            doubled = (t * 2 for t in v)
            total = 0.0
            for d in doubled:
                if d > 1:
                    total = total + d
            return total
        """, [(np.array([0.25, 1.0, 3.0], np.float32),)], ()),
}


@pytest.mark.parametrize("name", PYTHON_ITEMS)
def test_a_loop_over_python_items_stays_python(name):
    source, inputs, static = PYTHON_ITEMS[name]
    text = standalone_agrees(source, "f", *inputs, static_argnums=static)
    assert "scan" not in text


# -- builtin max/min of the items of a value that may be traced -------------------------
EXTREMA_OF_ITEMS = {
    "max-of-array": ("""
        def f(v):
            m = max(v)
            s = sum(v)
            if m > s / 2:
                return m
            return s
        """, [(np.array([1.0, 9.0, 2.0], np.float32),), (np.array([3.0, 3.0, 3.0], np.float32),)]),
    "min-of-a-list-display": ("""
        def f(a, b, c):
            low = min([a, b, c])
            return low * 2
        """, [(3.0, -1.0, 2.0)]),
    "max-of-a-row": ("""
        def f(m):
            best = 0.0
            for i in range(m.shape[0]):
                best = best + max(m[i])
            return best
        """, [(np.array([[1.0, 4.0], [-2.0, -3.0]], np.float32),)]),
}


@pytest.mark.parametrize("name", EXTREMA_OF_ITEMS)
def test_builtin_extremum_of_items_is_python_s(name):
    source, inputs = EXTREMA_OF_ITEMS[name]
    standalone_agrees(source, "f", *inputs)


def test_builtin_max_of_a_matrix_raises_as_python_does():
    source = "def f(m):\n    return max(m)\n"
    namespace: dict = {}
    exec(transpile(source, "program.py", all_functions=True, standalone=True), namespace)
    with pytest.raises(TypeError):
        jax.jit(namespace["f"])(jnp.ones((2, 3)))


# -- NumPy's index iterators, which jax.numpy lacks --------------------------------------
NUMPY_INDEX_LOOPS = {
    "ndenumerate": ("""
        import numpy as np
        def f(M):
            s = 0.0
            for (i, j), v in np.ndenumerate(M):
                if (i + j) % 2 == 0 and v > 0:
                    s += v
            return s
        """, [(np.array([[1.0, -2.0], [3.0, 4.0]], np.float32),)]),
    "ndindex-of-the-shape": ("""
        import numpy as np
        def f(M):
            best = M[0, 0]
            for idx in np.ndindex(M.shape):
                if M[idx] > best:
                    best = M[idx]
            return best
        """, [(np.array([[1.0, 7.0], [3.0, 4.0]], np.float32),)]),
    "enumerated-ndindex": ("""
        import numpy as np
        def f(M):
            total = 0.0
            for k, (i, j) in enumerate(np.ndindex(*M.shape)):
                if M[i, j] > k:
                    total = total + M[i, j]
            return total
        """, [(np.array([[1.0, 0.5], [3.0, 4.0]], np.float32),)]),
}


@pytest.mark.parametrize("name", NUMPY_INDEX_LOOPS)
def test_a_loop_over_numpy_indices_stays_python(name):
    source, inputs = NUMPY_INDEX_LOOPS[name]
    text = standalone_agrees(source, "f", *inputs)
    assert "scan" not in text and "jnp.nd" not in text


# -- Python numbers of values lax computes ------------------------------------------------
NUMBERS_OF_TRACED_VALUES = {
    "item-in-a-condition": ("""
        def f(v):
            total = 0.0
            for i in range(len(v)):
                if v[i].item() > 1:
                    total += v[i].item()
            return total
        """, [(np.array([4.0, -1.0, 9.0], np.float32),)]),
    "item-of-an-index": ("""
        def f(m):
            first = m.item(0)
            if first > 0:
                first = first + m.item(3)
            return first
        """, [(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32),),
              (np.array([[-1.0, 2.0], [3.0, 4.0]], np.float32),)]),
    "int-and-round-in-a-loop": ("""
        def f(v):
            count = 0
            for x in v:
                if round(x) > int(x):
                    count += 1
            return count
        """, [(np.array([0.4, 0.6, 2.5, 3.7, -1.6], np.float32),)]),
}


@pytest.mark.parametrize("name", NUMBERS_OF_TRACED_VALUES)
def test_python_numbers_of_traced_values(name):
    source, inputs = NUMBERS_OF_TRACED_VALUES[name]
    standalone_agrees(source, "f", *inputs)


def test_a_users_item_method_is_called():
    standalone_agrees("""
        class Box:
            def __init__(self, v):
                self.v = v
            def item(self):
                return self.v * 2

        def f(x):
            b = Box(x)
            if x > 0:
                return b.item()
            return x
        """, "f", (1.5,), (-1.0,))


def test_a_guarded_lax_loop_is_commented_once():
    """`if len(xs) > 0:` around the lax loop is part of the loop's statement: the loop's
    comment stands above the guard only."""
    text = transpile(textwrap.dedent("""
        def f(xs, limit):
            found = 0.0
            for x in xs:
                if x > limit:
                    found = x
                    break
            return found
        """), "program.py", readable=True, standalone=True, all_functions=True)
    assert "if len(xs) > 0:" in text
    assert text.count("# for x in xs:") == 1, text


def test_a_loop_that_grows_a_list_carries_an_objects_state_too():
    """The stacking scan's body returns what the body computed for its carry (an
    object's attribute dict included), not the values it was given."""
    standalone_agrees("""
        class Counter:
            def __init__(self):
                self.total = 0.0

            def add(self, x):
                self.total = self.total + x

        def f(v):
            c = Counter()
            out = []
            for x in v:
                c.add(x)
                out.append(c.total * 2)
            return out, c.total
        """, "f", (np.array([1.0, 2.0, 4.0], np.float32),))


# -- the type joins are helper functions the output defines once -----------------------
# A result carried through a loop and an `if` is cast to the joined type at each
# statement: the cast is `_py2lax_typed(...)`, defined once after the imports, not a
# `jax.tree.map(lambda v, t: ...)` written out at every call.
FIND = """
    def find(xs, t):
        for i in range(xs.shape[0]):
            if xs[i] > t:
                return i
        return -1
    """


def test_a_returned_result_is_typed_by_helpers_the_module_defines_once():
    xs = np.array([1.0, 3.0, 5.0], np.float32)
    text = standalone_agrees(FIND, "find", (xs, 2.0), (xs, 10.0), (xs, 0.0),
                             (np.zeros(0, np.float32), 1.0))
    for helper in ("_py2lax_joined_types", "_py2lax_typed", "_py2lax_as_type"):
        assert text.count(f"def {helper}(") == 1, helper
    assert "jax.tree.map(lambda v, t:" not in text and "ShapeDtypeStruct(max" not in text
    assert text.index("import jax") < text.index("def _py2lax_") < text.index("def find")
    assert "_py2lax_as_dtype" not in text  # only the helpers the module calls


def test_helpers_are_spelled_with_the_modules_names_for_jax():
    text = standalone_agrees("import jax.numpy as jnp\n" + textwrap.dedent(FIND), "find",
                             (np.array([1.0, 3.0], np.float32), 2.0))
    assert "jnp.concatenate([flat, zeros])" in text and "jax.numpy." not in text


def test_a_dtype_only_join_casts_through_a_named_helper():
    text = standalone_agrees("""
        def f(x):
            n = 0
            if x > 0:
                n = x * 3
            return n
        """, "f", (1.5,), (-1.0,))
    assert "_py2lax_dtyped(if_true_" in text and text.count("def _py2lax_dtyped(") == 1
    assert "lambda *a:" not in text


def test_a_module_that_binds_a_helpers_name_is_refused_not_shadowed():
    source = textwrap.dedent(FIND) + "\n_py2lax_typed = 3\n"
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert "left as Python: --standalone: the code binds `_py2lax_typed`" in text
    assert "def _py2lax_" not in text


# -- issue 14: the standalone output computes what Python computes -----------------------
METER_SOURCE = """
    class Meter:
        def __init__(self, start):
            self.val = start
        def step(self, v):
            self.val = v
            return self.val
    METER = Meter(1.0)

    def f(x, n):
        for i in range(n):
            if x > 0:
                break
        match n % 4:
            case 0:
                x = x + 1
            case 1:
                x = METER.step(3.0)
                return x
        return x + METER.val
    """


def test_a_branch_changing_a_module_object_stays_python():
    """randgen3 R3: lax.cond traced the case not taken, so METER.step ran anyway."""
    text = standalone_agrees(METER_SOURCE, "f", (1.0, 4), (-1.0, 2), static_argnums=(1,))
    assert "METER.step(3.0)" in text and "subject == 1:" in unchecked(text)


@pytest.mark.parametrize("write", ['vars(s)["a"] = x', 's.__dict__["a"] = x'])
def test_a_write_into_an_objects_attribute_dict_is_carried(write):
    """finder4 SW2: the branch wrote `vars(s)` while tracing, so the write always happened."""
    text = standalone_agrees(f"""
        class S:
            pass

        def f(x):
            s = S()
            s.a = 1.0
            if x > 0:
                {write}
            return s.a
        """, "f", (2.0,), (-2.0,))
    assert "s_state" in text


VIEW_WRITES = {
    "reshape": """
        import numpy as np
        def f(x):
            a = np.zeros(4, dtype=np.float32)
            m = a.reshape(2, 2)
            if x > 0:
                m[1, 1] = x
            return a
        """,
    "transpose-in-a-loop": """
        def f(M, x):
            A = M.copy()
            T = A.T
            for i in range(2):
                if x > i:
                    T[0, i] = x
            return A
        """,
}


@pytest.mark.parametrize("name", VIEW_WRITES)
def test_a_write_through_a_numpy_view_is_never_silently_lost(name):
    """finder4 SW3: `.at` updated a copy of the view and `a` came back unchanged; the write
    stays Python, which a JAX array refuses."""
    text = transpile(textwrap.dedent(VIEW_WRITES[name]), "program.py", all_functions=True,
                     standalone=True)
    assert "lax.cond" not in text and ".at[" not in text
    namespace: dict = {}
    exec(text, namespace)
    inputs = (jnp.ones((2, 2), jnp.float32),) if "M" in text else ()
    with pytest.raises(TypeError):
        jax.jit(namespace["f"])(*inputs, jnp.float32(3.0))


def test_an_in_place_update_of_a_dict_another_name_holds_stays_python():
    """finder4 SW1b: lax updated its carried copy of `d`, so `view["s"]` stayed 0.0."""
    source = textwrap.dedent("""
        def f(v):
            d = {"s": 0.0}
            view = d
            for e in v:
                if e > 0:
                    d |= {"s": d["s"] + e}
            return view["s"]
        """)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    assert "lax" not in unchecked(text)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text
    namespace: dict = {}
    exec(text, namespace)
    assert namespace["f"](np.array([1.0, -2.0, 3.0], np.float32)) == 4.0
    with pytest.raises(TypeError):  # a traced `e > 0` cannot decide Python's `if`
        jax.jit(namespace["f"])(jnp.array([1.0, -2.0, 3.0]))


PYTHON_FLOAT_COUNTERS = {
    "namedtuple-field": ("""
        from typing import NamedTuple

        class State(NamedTuple):
            pos: float
            vel: float
            t: float

        def f(h):
            s = State(h, 0.0, 0.0)
            while s.t < 2.0:
                vel = s.vel - 9.8 * 0.01
                pos = s.pos + vel * 0.01
                if pos < 0:
                    pos, vel = -pos, -0.9 * vel
                s = State(pos, vel, s.t + 0.01)
            return s.pos, s.vel, s.t
        """, [(1.0,)]),
    "augmented-counter": ("""
        def f(x):
            t = 0.0
            while t < 1.0:
                if x > 0:
                    x = x * 0.5
                t += 0.1
            return x
        """, [(1.0,), (-1.0,)]),
}


@pytest.mark.parametrize("name", PYTHON_FLOAT_COUNTERS)
def test_a_while_counting_python_floats_stays_python(name):
    """f_constructs.namedtuple_bounce: lax.while_loop counted `s.t` in float32 and ran once
    more than Python (201 times); the runtime, as Python, counts in float64."""
    source, inputs = PYTHON_FLOAT_COUNTERS[name]
    text = standalone_agrees(source, "f", *inputs)
    assert "while_loop" not in text


def test_a_while_counting_python_ints_is_still_lax():
    text = standalone_agrees("""
        def f(x):
            i = 0
            while i < 5:
                if x > 0:
                    x = x * 0.5
                i += 1
            return x
        """, "f", (1.0,))
    assert "while_loop" in text
