"""A variable first bound inside a loop and read where it may still be unbound (after a
loop whose trip count is traced, on a path that may not run, or in the loop's next
iteration) has Python's meaning: its value where it is bound, and Python's
UnboundLocalError only where the read runs while it is unbound (the compiled program
raises it then; a read inside a traced branch only if the branch runs).

Before: the loop's end raised whenever the loop ran zero times (also where the read
never ran), and a name first assigned in a traced ``while`` loop (or in one branch
inside a traced loop, or read by a later iteration) was refused for every input.
See ``transforms/unbound_reads.py``.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import load_module, run_cli
import py2lax


def read_on_a_path_not_taken(x, n):
    s = 0.0
    for i in range(n):
        s = s + x
    if s > 100.0:
        return i
    return s


def while_first_assigned(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s + x
        j = i
        i += 1
    if n > 0:
        s = s + j
    return s


def last_item(xs, n):
    total = 0.0
    for k in range(n):
        last = xs[k]
        total = total + last
    return total if n == 0 else last


def read_runs_unbound(x, n):
    for i in range(n):
        x = x + 1.0
    if x > 0:
        return x + i
    return x


def while_read_after(x, n):
    k = 0
    while k < n:
        y = x * k
        k += 1
    return y


def nested_loops(x, n, m):
    t = 0.0
    for a in range(n):
        for b in range(m):
            t = t + x
    if t > 0:
        return t + a + b
    return t


def previous_item(x, n):
    s = 0.0
    for i in range(n):
        if s > 0.5:
            s = s + prev
        prev = x * i
        s = s + x
    return s


def best_index(xs, n):
    best = -1.0
    for k in range(n):
        if xs[k] > best:
            best = xs[k]
            where = k
    if best > 0:
        return where
    return -1


def while_true_with_break(x, n):
    k = 0
    while True:
        if k >= n:
            break
        v = x * k
        k += 1
    if k > 0:
        return v
    return -1.0


def assigned_in_one_branch_in_traced_loop(x, n):
    for i in range(n):
        if x > 0:
            w = x * i
    return w


def flag_set_without_the_value(xs):
    found = False
    for x in xs:
        if x > 2.0:
            found = True
        if x > 3.0:
            val = x
    if found:
        return val
    return -1.0


def first_assigned_in_a_loop_that_may_return(x, y, k, w0):
    s = 0.0
    for i in range(k % 4):
        if x > 0.0:
            z = w0.mean()
        if x > 1.0:
            x = x + z
        else:
            if y > 0.0:
                return s, x
            s -= 2.0
    return s, x


CASES = [
    (read_on_a_path_not_taken, [(0.5, 0), (0.5, 3), (50.0, 3)]),
    (while_first_assigned, [(0.5, 3), (0.5, 0)]),
    (last_item, [(np.arange(4.0), 3), (np.arange(4.0), 0)]),
    (read_runs_unbound, [(1.0, 2), (-5.0, 0), (1.0, 0)]),
    (while_read_after, [(1.0, 3), (1.0, 0)]),
    (nested_loops, [(1.0, 2, 3), (1.0, 0, 3), (-1.0, 0, 0), (1.0, 2, 0)]),
    (previous_item, [(1.0, 3), (1.0, 0), (0.2, 4)]),
    (best_index, [(np.array([0.5, 2.0, 1.0]), 3), (np.array([-0.5, -2.0, 1.0]), 2),
                  (np.array([0.5]), 0)]),
    (while_true_with_break, [(1.0, 3), (1.0, 0)]),
    (assigned_in_one_branch_in_traced_loop, [(-1.0, 3), (1.0, 3)]),
    (flag_set_without_the_value, [(np.array([2.5, 1.0]),), (np.array([2.5, 4.0]),)]),
    (first_assigned_in_a_loop_that_may_return, [(0.5, -1.0, 3, np.ones(3)),
                                                (1.5, -1.0, 2, np.ones(3))]),
]


def _python(function, args):
    try:
        return function(*args), None
    except UnboundLocalError as error:
        return None, error


def _agrees(run, function, args):
    want, unbound = _python(function, args)
    traced = [jnp.asarray(a) for a in args]
    if unbound is not None:
        with pytest.raises(Exception, match="UnboundLocalError|cannot access local"):
            jax.block_until_ready(run(*traced))
        return
    got = run(*traced)
    for expected, have in zip(jax.tree_util.tree_leaves(want), jax.tree_util.tree_leaves(got),
                              strict=True):
        np.testing.assert_allclose(np.asarray(have), np.asarray(expected), rtol=1e-6)


@pytest.mark.parametrize("function,arguments", CASES, ids=[c[0].__name__ for c in CASES])
def test_decorator_gives_pythons_meaning(function, arguments):
    run = py2lax.autograph_jit(function)
    for args in arguments:
        _agrees(run, function, args)


@pytest.mark.parametrize("function,arguments", CASES[:3], ids=[c[0].__name__ for c in CASES[:3]])
def test_python_values_give_pythons_meaning(function, arguments):
    run = py2lax.convert(function)
    for args in arguments:
        want, unbound = _python(function, args)
        if unbound is not None:
            with pytest.raises(UnboundLocalError):
                run(*args)
        else:
            np.testing.assert_allclose(np.asarray(run(*args)), np.asarray(want))


def test_the_error_names_the_variable():
    with pytest.raises(Exception) as caught:
        jax.block_until_ready(py2lax.autograph_jit(read_runs_unbound)(jnp.float32(1.0),
                                                                        jnp.int32(0)))
    assert "cannot access local variable 'i'" in str(caught.value)


SOURCE = '''
import numpy as np

def read_on_a_path_not_taken(x, n):
    s = 0.0
    for i in range(n):
        s = s + x
    if s > 100.0:
        return i
    return s

def while_first_assigned(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s + x
        j = i
        i += 1
    if n > 0:
        s = s + j
    return s

def previous_item(x, n):
    s = 0.0
    for i in range(n):
        if s > 0.5:
            s = s + prev
        prev = x * i
        s = s + x
    return s
'''


def test_printed_module_gives_pythons_meaning_and_is_a_fixed_point(tmp_path, capsys):
    from py2lax.transpiler import rewrite_module

    path = tmp_path / "unbound.py"
    path.write_text(SOURCE)
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / "unbound_printed.py"
    printed.write_text(out)
    original = load_module(path, "r1_unbound_original")
    converted = load_module(printed, "r1_unbound_printed")
    for name, arguments in [("read_on_a_path_not_taken", [(0.5, 0), (0.5, 3), (50.0, 3)]),
                            ("while_first_assigned", [(0.5, 3), (0.5, 0)]),
                            ("previous_item", [(1.0, 3), (0.2, 4)])]:
        for args in arguments:
            _agrees(jax.jit(getattr(converted, name)), getattr(original, name), args)
    again = rewrite_module(out, str(printed), all_functions=True, readable=True).text
    assert again == out


def test_standalone_output_is_unchanged(tmp_path, capsys):
    """--standalone has no runtime: no `py2lax.bound` there."""
    path = tmp_path / "unbound_standalone.py"
    path.write_text(SOURCE)
    status, out, err = run_cli(["--standalone", path], capsys)
    assert "bound(" not in out and "_bound" not in out


def accumulator_never_initialised(x, n):
    for i in range(n):
        w = w + x + i  # noqa: F821 - unbound at its first run, for every input
    return w


def test_an_accumulator_never_initialised_is_still_refused_at_conversion():
    with pytest.raises(py2lax.UndefinedVariableError) as caught:
        py2lax.autograph_jit(accumulator_never_initialised)(jnp.float32(1.0), jnp.int32(3))
    assert caught.value.names == ("w",)


# -- a read in a later operand of `and`/`or`: checked only where Python evaluates it ---


def read_in_a_while_test(x, n):
    k = 0
    while k < n and (k == 0 or last < 10.0):
        last = x * k
        k += 1
    return k


def read_in_a_later_and_operand(x, n):
    for i in range(n):
        x = x + 1.0
    if n > 0 and i > 1:
        return x * i
    return x


def read_in_a_later_or_operand(x, n):
    for i in range(n):
        x = x + 1.0
    if x > 0 or i > 1:
        return x
    return -x


@pytest.mark.parametrize("function,x,n", [
    (read_in_a_while_test, 1.0, 3), (read_in_a_while_test, 20.0, 5),
    (read_in_a_while_test, 1.0, 0), (read_in_a_later_and_operand, 1.0, 0),
    (read_in_a_later_and_operand, 1.0, 3), (read_in_a_later_or_operand, 1.0, 0),
    (read_in_a_later_or_operand, -5.0, 3)])
def test_a_later_operand_reads_a_loop_variable_as_python_does(function, x, n):
    got = py2lax.autograph_jit(function)(jnp.float32(x), jnp.int32(n))
    assert float(got) == function(x, n)
    assert py2lax.convert(function)(x, n) == function(x, n)


def test_a_later_operand_that_python_evaluates_unbound_raises():
    with pytest.raises(UnboundLocalError):
        read_in_a_later_or_operand(-5.0, 0)
    with pytest.raises(Exception, match="cannot access local variable 'i'"):
        jax.block_until_ready(
            py2lax.autograph_jit(read_in_a_later_or_operand)(jnp.float32(-5.0), jnp.int32(0)))
