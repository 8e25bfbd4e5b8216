"""The module ``py2lax --all FILE`` prints, imported and jitted, gives Python's answer when
a helper assigns into its array parameter inside a traced ``if`` or loop.

The printed module registers no statement facts (the decorator's loader does): the runtime
reads the names a generated branch or body takes and returns from its own code, so that it
finds the array the helper started with in the branch's result and the caller's
``a = py2lax.written_through(a)`` gets the new array (before: the caller kept the old one).

Each program runs as Python on NumPy arrays (the oracle) and as the printed module under
``jax.jit`` on JAX arrays; ``py2lax.autograph_jit`` on the original is checked too.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import load_module, run_cli
import py2lax

SWAP = """
def swap(arr, i, j):
    if arr[i] > arr[j]:
        arr[i], arr[j] = arr[j], arr[i]

def run(a):
    a = a.copy()
    for k in range(3):
        swap(a, k, k + 1)
    return a
"""

UNION_FIND = """
def find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x

def union(parent, a, b):
    ra = find(parent, a)
    rb = find(parent, b)
    if ra != rb:
        parent[ra] = rb

def run(parent, pairs):
    parent = parent.copy()
    for k in range(pairs.shape[0]):
        union(parent, pairs[k, 0], pairs[k, 1])
    return parent
"""

MASK_IN_LOOP = """
def zero_below(arr, t):
    arr[arr < t] = 0.0

def clamp_first(arr, x):
    if arr[0] > x:
        arr[0] = x

def run(a, n):
    a = a.copy()
    for k in range(n):
        zero_below(a, k * 1.0)
        clamp_first(a, 4.0 - k)
    return a
"""

METHOD = """
class Buf:
    def __init__(self, buf):
        self.buf = buf

    def put(self, i, v):
        if v > self.buf[i]:
            self.buf[i] = v

def run(a, vals):
    b = Buf(a.copy())
    for k in range(3):
        b.put(k, vals[k])
    return b.buf
"""

# variants: an `else`, a helper's own loop, two arrays, a result besides the write
IF_ELSE = """
def mark(arr, i, t):
    if arr[i] > t:
        arr[i] = 1.0
    else:
        arr[i] = -1.0

def run(a, t):
    a = a.copy()
    for i in range(a.shape[0]):
        mark(a, i, t)
    return a
"""

HELPER_LOOP = """
def bump_until(arr, limit):
    i = 0
    while arr[i] < limit:
        arr[i] = arr[i] + 1.0
        i = (i + 1) % arr.shape[0]

def run(a, limit):
    a = a.copy()
    bump_until(a, limit)
    return a
"""

TWO_ARRAYS = """
def move(src, dst, i):
    if src[i] > 0:
        dst[i] = src[i]
        src[i] = 0.0

def run(a, b):
    a = a.copy()
    b = b.copy()
    for i in range(a.shape[0]):
        move(a, b, i)
    return a, b
"""

WITH_RESULT = """
def clamp(arr, x):
    hit = False
    if arr[0] > x:
        arr[0] = x
        hit = True
    return hit

def run(a, x):
    a = a.copy()
    hits = 0
    for k in range(2):
        if clamp(a, x - k):
            hits = hits + 1
    return a, hits
"""

HEAP = """
def heapify_down(h, i, n):
    while True:
        l, r, m = 2 * i + 1, 2 * i + 2, i
        if l < n and h[l] < h[m]:
            m = l
        if r < n and h[r] < h[m]:
            m = r
        if m == i:
            break
        h[i], h[m] = h[m], h[i]
        i = m

def run(a):
    h = a.copy()
    n = h.shape[0]
    for i in range(n // 2 - 1, -1, -1):
        heapify_down(h, i, n)
    return h
"""

INSERTION = """
def insertion_step(arr, j):
    while j > 0 and arr[j - 1] > arr[j]:
        arr[j - 1], arr[j] = arr[j], arr[j - 1]
        j -= 1

def run(a):
    a = a.copy()
    for j in range(1, a.shape[0]):
        insertion_step(a, j)
    return a
"""

ROWS = """
def normalize_rows(m):
    for i in range(m.shape[0]):
        s = m[i].sum()
        if s != 0:
            m[i] = m[i] / s

def run(m):
    m = m.copy()
    normalize_rows(m)
    return m
"""

COUNTED = """
import numpy as np

def put_max(state, k, v):
    if v > state[k]:
        state[k] = v
        return True
    return False

def run(x):
    s = np.zeros(2)
    n = 0
    for k in range(x.shape[0]):
        if put_max(s, k % 2, x[k]):
            n += 1
    return s, n
"""

CASES = [
    ("swap", SWAP, [[4.0, 3.0, 2.0, 1.0]]),
    ("union_find", UNION_FIND, [[0, 1, 2, 3, 4], [[0, 1], [2, 3], [1, 3], [4, 4]]]),
    ("mask_in_loop", MASK_IN_LOOP, [[5.0, 1.0, 12.0, 3.0], 3]),
    ("method", METHOD, [[1.0, 5.0, 2.0], [3.0, 4.0, 6.0]]),
    ("if_else", IF_ELSE, [[0.5, 2.0, 3.0, -1.0], 1.0]),
    ("helper_loop", HELPER_LOOP, [[0.0, 1.0, 2.0], 2.5]),
    ("two_arrays", TWO_ARRAYS, [[1.0, -2.0, 3.0], [9.0, 9.0, 9.0]]),
    ("with_result", WITH_RESULT, [[5.0, 1.0], 3.0]),
    ("heap", HEAP, [[3.0, -1.0, 5.0, 2.0, 0.5, 4.0]]),
    ("insertion", INSERTION, [[3.0, -1.0, 5.0, 2.0, 0.5, 4.0]]),
    ("rows", ROWS, [[[1.0, 3.0], [0.0, 0.0], [2.0, 2.0]]]),
    ("counted", COUNTED, [[3.0, -1.0, 5.0, 2.0, 0.5, 4.0]]),
]


def _arguments(values, array):
    return [array(v) if isinstance(v, list) else v for v in values]


@pytest.mark.parametrize("name,source,values", CASES, ids=[c[0] for c in CASES])
def test_printed_module_writes_back(name, source, values, tmp_path, capsys):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / f"{name}_printed.py"
    printed.write_text(out)
    original = load_module(path, f"cli_wb_original_{name}")
    converted = load_module(printed, f"cli_wb_printed_{name}")

    expected = original.run(*_arguments(values, np.array))
    got = jax.jit(converted.run)(*_arguments(values, jnp.array))
    decorated = py2lax.autograph_jit(original.run)(*_arguments(values, jnp.array))
    for result in (got, decorated):
        assert jax.tree_util.tree_structure(jax.tree_util.tree_map(np.asarray, result)) == \
            jax.tree_util.tree_structure(jax.tree_util.tree_map(np.asarray, expected))
        for want, have in zip(jax.tree_util.tree_leaves(expected),
                              jax.tree_util.tree_leaves(result)):
            np.testing.assert_allclose(np.asarray(have), np.asarray(want))


@pytest.mark.parametrize("name,source,values", [CASES[0], CASES[6]], ids=["swap", "two_arrays"])
def test_printed_module_run_without_its_source(name, source, values, tmp_path, capsys):
    """The printed text run with ``exec`` (a notebook cell): the names come from the
    bytecode, as no source file can be read."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    namespace: dict = {}
    exec(compile(out, "<printed module>", "exec"), namespace)
    original = load_module(path, f"cli_wb_exec_original_{name}")
    expected = original.run(*_arguments(values, np.array))
    got = jax.jit(namespace["run"])(*_arguments(values, jnp.array))
    for want, have in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(got)):
        np.testing.assert_allclose(np.asarray(have), np.asarray(want))


def test_printed_module_error_names_the_variable(tmp_path, capsys):
    """The same facts name the user's variable in the printed module's errors (before:
    'carried value #0')."""
    path = tmp_path / "mixed.py"
    path.write_text(textwrap.dedent("""
        def f(x):
            y = 0.0
            if x > 0:
                y = x * 2.0
            else:
                y = None
            return y
    """))
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / "mixed_printed.py"
    printed.write_text(out)
    converted = load_module(printed, "cli_wb_printed_mixed")
    with pytest.raises(py2lax.ConversionError) as raised:
        jax.jit(converted.f)(1.0)
    message = str(raised.value)
    assert "variable 'y'" in message and "carried value #" not in message, message


REFUSED = {
    "closure_writes": """
        def clip_neg(arr):
            arr[arr < 0.0] = 0.0

        def run(a):
            a = a.copy()
            def inner():
                clip_neg(a)
            inner()
            return a
    """,
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_printed_module_refuses_an_update_no_write_back_can_reach(name, tmp_path, capsys):
    """A same-file helper called where no write-back can follow is called through
    ``py2lax.converted(..., written_back=False)``: the runtime refuses the lost update
    at the helper's line, as autograph_jit does (it was a silent wrong answer)."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(REFUSED[name]))
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / f"{name}_printed.py"
    printed.write_text(out)
    converted = load_module(printed, f"cli_wb_refused_{name}")
    with pytest.raises(py2lax.InPlaceArgumentError):
        jax.jit(converted.run)(jnp.array([1.0, -3.0]))
