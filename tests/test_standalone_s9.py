"""`--standalone` keeps the dtypes Python's loops give (issue 14, helper s9).

* ``for i, x in enumerate(xs):`` gives ``i`` as a Python int, which meets a narrow
  accumulator without widening it (``jnp.int8(100) + i`` stays int8 and wraps). The
  output loops with ``fori_loop`` over positions (or the ``while_loop`` of a loop with
  ``break``), whose counter is weakly typed as Python's int is; a scan over
  ``jnp.arange(len(xs))`` gave int32 items and a silently widened answer.
* A loop carrying a narrow dtype (``s = jnp.float16(0)``) that its body widens (``s +
  x`` for a float32 ``x``, as NumPy widens it) starts with the dtype one iteration gives
  it; JAX refused the carry with its raw type error.
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest

from test_standalone_issue14 import standalone


def python_and_standalone(source: str, *args):
    """``f(*args)`` run by Python and by the jitted ``--standalone`` output."""
    python: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), python)
    plain = standalone(source)
    return python["f"](*args), jax.jit(plain["f"])(*args), plain["__text__"]


TENTHS = np.arange(1, 11, dtype=np.float32)

ENUMERATED = {
    "scan": """
        def f(xs):
            acc = jnp.int8(100)
            for i, x in enumerate(xs):
                if x > 0:
                    acc = acc + i
            return acc
    """,
    "break": """
        def f(xs):
            acc = jnp.int8(100)
            for i, x in enumerate(xs):
                if x > 9:
                    break
                acc = acc + i
            return acc
    """,
    "start": """
        def f(xs):
            acc = np.int8(100)
            for i, x in enumerate(xs, 1):
                if x > 0:
                    acc = acc + i
            return acc
    """,
    "slice": """
        def f(xs):
            acc = jnp.int8(100)
            for i, x in enumerate(xs[1:]):
                acc = acc + i * 2
            return acc
    """,
}

IMPORTS = "import jax\nimport jax.numpy as jnp\nimport numpy as np\n"


@pytest.mark.parametrize("name", ENUMERATED)
def test_an_enumerate_index_keeps_a_narrow_accumulator_narrow(name):
    expected, got, text = python_and_standalone(IMPORTS + textwrap.dedent(ENUMERATED[name]),
                                                TENTHS)
    assert np.asarray(got).dtype == np.int8, text
    assert int(got) == int(expected), text


def test_a_narrow_carry_widened_by_the_body_starts_widened():
    source = IMPORTS + textwrap.dedent("""
        def f(x, n):
            s = jnp.float16(0)
            for i in range(n):
                s = s + x
            return s
    """)
    expected, got, text = python_and_standalone(source, np.float32(1.1), 3)
    assert np.asarray(got).dtype == np.float32, text
    assert float(got) == pytest.approx(float(expected), rel=1e-6), text



# A Python list read at a position lax traces: the loop's carried index, an `if`'s
# result, a parameter. The list keeps its length (items written only at positions, or
# a display bound once and only read), so its items are one jax array read there.
LIST_READS = {
    "an if's result": ("""
        def f(xs):
            vals = [xs[0], xs[1], xs[2]]
            best = 0
            for i, v in enumerate(vals):
                if v < vals[best]:
                    best = i
            return best
    """, [(np.array([3.0, 1.0, 7.0], np.float32),), (np.array([0.0, 2.0, -3.0],
                                                               np.float32),)]),
    "a parameter, after a loop writes the list": ("""
        def f(i, x):
            vals = [0.0, 1.0, 2.0]
            for k in range(3):
                vals[k] = vals[k] + x
            return vals[i]
    """, [(1, 0.5), (-1, 1.0)]),
    "a while loop's counter": ("""
        def f(n, x):
            vals = [1.0, 2.0, 3.0]
            j = 0
            while j < n:
                vals[j] = vals[j] * x
                j += 1
            return vals[0] + vals[2]
    """, [(2, 2.0), (3, 0.5)]),
}


@pytest.mark.parametrize("name", LIST_READS)
def test_a_list_read_at_a_traced_position_gives_pythons_item(name):
    source, inputs = LIST_READS[name]
    for args in inputs:
        expected, got, text = python_and_standalone(IMPORTS + textwrap.dedent(source), *args)
        assert float(got) == pytest.approx(float(expected)), text


def test_a_list_of_other_values_read_at_a_static_position_stays_pythons_read():
    # strings, or arrays of different shapes, do not stack: read at a Python int (a
    # static argument under jit), the list is indexed as Python indexes it
    source = IMPORTS + textwrap.dedent("""
        def f(i, x, w1, w2):
            names = ["a", "b"]
            layers = [w1, w2]
            if x > 0:
                x = x * 2
            return len(names[i] * 3), layers[i], x
    """)
    plain = standalone(source)
    w1, w2 = np.ones(2, np.float32), np.ones(3, np.float32)
    name, layer, x = jax.jit(plain["f"], static_argnums=0)(1, 1.5, w1, w2)
    assert (name, layer.shape, float(x)) == (3, (3,), 3.0), plain["__text__"]


def test_a_branch_reads_a_name_a_python_statement_inside_it_assigns():
    # the static loop and its `if` on the index stay Python inside the lax branch; the
    # assignment there made `a` a local of the branch function, whose earlier read (and
    # the read of the loop body defined there) failed with Python's NameError
    source = IMPORTS + textwrap.dedent("""
        def f(x, y, v):
            a = jnp.tanh(x + y)
            b = jnp.sin(y)
            if y > 0:
                for e in v:
                    b += jnp.tanh(a) * 0.5
                for i in range(1):
                    if i > 2:
                        a = jnp.tanh(b)
                r = b
            else:
                r = a
            return r
    """)
    v = np.array([1.0, 2.0], np.float32)
    for y in (1.0, -1.0):
        expected, got, text = python_and_standalone(source, 0.5, y, v)
        assert float(got) == pytest.approx(float(expected), rel=1e-5), text



def test_a_name_a_block_binds_before_reading_it_is_the_branchs_own():
    # `k = 0` inside the static `for i3 in range(0)` kept as Python, then read by the
    # while loop in it: no default is read from the enclosing function, where `k` is not
    # bound (generated core program, seed 8 #4: NameError)
    source = IMPORTS + textwrap.dedent("""
        def f(x, y, n, v):
            a = jnp.tanh(x + y)
            c = x * 0.0
            w = jnp.asarray(v) * 0.5
            for i0 in range(n, 0, -1):
                for i3 in range(0):
                    k = 0
                    while k < 5:
                        k = k + 1
                        w = jnp.tanh(w + jnp.minimum(c, a))
                if jnp.sum(w) * 0.25 < 0.5:
                    break
            return w[1]
    """)
    v = np.array([-0.588, -1.777, -0.399, 1.823], np.float32)
    expected, got, text = python_and_standalone(source, -0.8, 0.9, 2, v)
    assert float(got) == pytest.approx(float(expected)), text
