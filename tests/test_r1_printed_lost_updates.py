"""The module ``py2lax --all FILE`` prints never silently loses a same-file helper's
in-place update where no write-back can reach the caller's array: it gives Python's
answer or refuses the call with a located InPlaceArgumentError, as ``autograph_jit``
does.

The printed module's callers are plain Python (no converted function around them), so
the helper's own replacement records used to be forgotten when it returned, before the
runtime's check (``py2lax.converted(f, written_back=False)``) read them: the call passed
and the caller kept its old array (a silent wrong answer).
"""

from __future__ import annotations

import copy
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import load_module, run_cli
import py2lax

HELPERS = """
import numpy as np

def clip_neg(arr):
    arr[arr < 0.0] = 0.0

def bump_if_big(arr, x):
    if arr[0] > x:
        arr[0] = x
        return True
    return False

def normalise(v):
    v /= v.sum()
"""

# name -> (body of run, arguments); Python runs each on NumPy arrays
CASES = {
    "while_test": ("""
        def run(a, x):
            a = a.copy()
            while bump_if_big(a, x):
                x = x + 1.0
            return a
    """, ([5.0, 1.0], 2.0)),
    "conditional_expression": ("""
        def run(a, t):
            a = a.copy()
            y = clip_neg(a) if t > 0 else None
            return a
    """, ([1.0, -2.0], 1.0)),
    "star_arguments": ("""
        def run(a):
            a = a.copy()
            args = (a,)
            clip_neg(*args)
            return a
    """, ([1.0, -2.0],)),
    "read_again": ("""
        def run(a):
            a = a.copy()
            return clip_neg(a) or a[0]
    """, ([-1.0, 3.0],)),
    "or_operand": ("""
        def run(a, t):
            a = a.copy()
            done = t > 5.0 or bump_if_big(a, t)
            return a
    """, ([5.0, 1.0], 2.0)),
    "comprehension": ("""
        def run(a, x):
            a = a.copy()
            flags = [bump_if_big(a, x + k) for k in range(2)]
            return a, flags[0]
    """, ([5.0, 1.0], 2.0)),
    "generator_in_any": ("""
        def run(a, x):
            a = a.copy()
            hit = any(bump_if_big(a, x + k) for k in range(2))
            return a
    """, ([5.0, 1.0], 2.0)),
    "sorted_key": ("""
        def run(a):
            a = a.copy()
            order = sorted([0, 1], key=lambda k: clip_neg(a) or k)
            return a
    """, ([1.0, -2.0],)),
    "for_iterable": ("""
        def fill_count(arr):
            arr[0] = 0.0
            return 2

        def run(a):
            a = a.copy()
            s = 0.0
            for k in range(fill_count(a)):
                s = s + a[k]
            return s
    """, ([5.0, 1.0, 2.0],)),
    "lambda": ("""
        def run(a):
            a = a.copy()
            f = lambda: clip_neg(a)
            f()
            return a
    """, ([1.0, -2.0],)),
}


def _printed(name, body, tmp_path, capsys):
    path = tmp_path / f"{name}.py"
    path.write_text(HELPERS + textwrap.dedent(body))
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / f"{name}_printed.py"
    printed.write_text(out)
    return (load_module(path, f"r1_lost_original_{name}"),
            load_module(printed, f"r1_lost_printed_{name}"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_printed_module_refuses_a_lost_update(name, tmp_path, capsys):
    body, values = CASES[name]
    original, converted = _printed(name, body, tmp_path, capsys)
    expected = original.run(*copy.deepcopy([np.array(v) if isinstance(v, list) else v
                                            for v in values]))
    arguments = [jnp.array(v) if isinstance(v, list) else v for v in values]
    for run in (jax.jit(converted.run), converted.run):
        try:
            got = run(*arguments)
        except py2lax.InPlaceArgumentError as error:
            assert error.location is not None
            continue
        # (a conversion may also give Python's answer; never another one)
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected))
        pytest.fail(f"{name}: expected a refusal, got Python's answer {got}")


# name -> (body of run, arguments): Python's answer, from the printed module (jitted and
# not) and from autograph_jit
ANSWERED = {
    "number_augmented_and_array_written": ("""
        def take_budget(arr, budget):
            budget -= 1
            if budget >= 0:
                arr[budget] = -1.0
            return budget

        def run(a, n):
            a = a.copy()
            b = n
            for k in range(3):
                b = take_budget(a, b)
                if b < 0:
                    break
            return a, b
    """, ([1.0, 2.0, 3.0, 4.0], 2)),
    "number_augmented_statement": ("""
        def take_budget(arr, budget):
            budget -= 1
            if budget >= 0:
                arr[budget] = -1.0

        def run(a, n):
            a = a.copy()
            take_budget(a, n)
            return a
    """, ([1.0, 2.0, 3.0], 2)),
    "two_calls_one_statement": ("""
        def find(parent, x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def run(parent, pairs):
            parent = parent.copy()
            for k in range(pairs.shape[0]):
                ra, rb = find(parent, pairs[k, 0]), find(parent, pairs[k, 1])
                if ra != rb:
                    parent[ra] = rb
            return parent
    """, ([0, 1, 2, 3, 4], [[0, 1], [2, 3], [1, 3], [4, 4]])),
    "returned_in_comprehension": ("""
        def normalise_row(r):
            r /= r.sum()
            return r

        def run(m):
            m = m.copy()
            rows = [normalise_row(m[i]) for i in range(m.shape[0])]
            return rows[0], rows[1]
    """, ([[1.0, 3.0], [2.0, 2.0]],)),
}


@pytest.mark.parametrize("name", sorted(ANSWERED))
def test_printed_module_gives_pythons_answer(name, tmp_path, capsys):
    body, values = ANSWERED[name]
    original, converted = _printed(name, body, tmp_path, capsys)
    expected = original.run(*[np.array(v) if isinstance(v, list) else v for v in values])
    arguments = [jnp.array(v) if isinstance(v, list) else v for v in values]
    for run in (jax.jit(converted.run), converted.run, py2lax.autograph_jit(original.run)):
        got = run(*arguments)
        for want, have in zip(jax.tree_util.tree_leaves(expected),
                              jax.tree_util.tree_leaves(got), strict=True):
            np.testing.assert_allclose(np.asarray(have), np.asarray(want))


RECURSIVE_COUNT = """
def walk(op, k):
    k -= 1
    if k < 0:
        return k
    for region in op.regions:
        for child in region:
            k = walk(child, k)
            if k < 0:
                return k
    return k

def deep(module):
    bound = 3
    return walk(module.operation, bound) < 0
"""


@pytest.mark.parametrize("name", ["recursive_count"] + sorted(CASES) + sorted(ANSWERED))
def test_printed_module_is_a_fixed_point(name):
    """A second run leaves the printed text as it is (the analysis of the printed helper
    may find fewer updates than the original's: `walk`'s `op` is no longer passed on by
    a `for` in its own scope)."""
    from py2lax.transpiler import rewrite_module

    source = RECURSIVE_COUNT if name == "recursive_count" else (
        HELPERS + textwrap.dedent({**CASES, **ANSWERED}[name][0]))
    once = rewrite_module(source, f"{name}.py", all_functions=True, readable=True).text
    twice = rewrite_module(once, f"{name}.py", all_functions=True, readable=True).text
    assert twice == once
