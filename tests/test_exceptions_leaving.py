"""An exception leaving a converted statement part-way: Python keeps the work done before it.

A loop body or branch runs as a generated function that returns what it assigns, so an
exception used to lose every assignment made in the statement before the raise. Where
a ``try``/``with``/``finally`` of the same function sees the variables afterwards, they
must hold Python's values at the raise.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import contextlib
import re
import threading

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.transpiler import transpile

pytestmark = pytest.mark.usefixtures("time_limit")


def reciprocal_sum(xs):
    s = 0.0
    try:
        for x in xs:
            s += 1.0 / x
    except ZeroDivisionError:
        pass
    return s


def sum_until_negative(v):
    s = 0.0
    try:
        for x in v:
            s += x
            if x < 0:
                raise ValueError("negative")
    except ValueError:
        pass
    return s


def while_index_and_sum(xs):
    i = 0
    s = 0.0
    try:
        while i < len(xs):
            s += 1.0 / xs[i]
            i += 1
    except ZeroDivisionError:
        pass
    return s, i


def condition_raises(xs):
    i = 0
    s = 0.0
    try:
        while xs[i] > 0:
            s += xs[i]
            i += 1
    except IndexError:
        pass
    return s, i


def nested_grid(grid):
    count = 0
    total = 0.0
    try:
        for row in grid:
            for v in row:
                total += 10.0 / v
                count += 1
    except ZeroDivisionError:
        total = -total
    return total, count


def while_with_break(xs, limit):
    i = 0
    s = 0.0
    try:
        while i < 10:
            if s > limit:
                break
            s += xs[i]
            i += 1
    except IndexError:
        s += 1000.0
    return s, i


def else_branch_assigns_then_raises(x, table):
    a = 1.0
    b = 2.0
    try:
        if x > 100:
            a = 0.0
        else:
            a = x * 3
            b = table["k"]
    except KeyError:
        pass
    return a, b


def statements_of_the_failing_iteration(xs):
    s = 0.0
    last = -1.0
    try:
        for x in xs:
            last = x
            s = s + x
            s = s / (x - 3.0)
    except ZeroDivisionError:
        pass
    return s, last


def finally_returns(xs):
    s = 0.0
    n = 0
    try:
        for x in xs:
            n += 1
            s += 1.0 / x
    finally:
        return s, n


def finally_reads(xs, log):
    s = 0.0
    try:
        for x in xs:
            s += 1.0 / x
    finally:
        log.append(s)
    return s


def calls_finally_reads(xs):
    log = []
    try:
        finally_reads(xs, log)
    except ZeroDivisionError:
        pass
    return log


class Quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


def suppressing_manager(xs):
    s = 0.0
    with Quiet():
        for x in xs:
            s += 1.0 / x
    return s


def contextlib_suppress(xs):
    s = 0.0
    k = 0
    with contextlib.suppress(ZeroDivisionError):
        while k < len(xs):
            s = s + 1.0 / xs[k]
            k += 1
    return s, k


def failing_generator(n):
    for k in range(n):
        if k == 3:
            raise RuntimeError("boom")
        yield float(k)


def generator_raises(n):
    s = 0.0
    c = 0
    try:
        for v in failing_generator(n):
            s += v
            c += 1
    except RuntimeError:
        c = -c
    return s, c


def recursive(xs, depth):
    s = 0.0
    try:
        for x in xs:
            s += x
            if depth > 0:
                s += recursive(xs, depth - 1)
            if x < 0:
                raise ValueError
    except ValueError:
        s += 0.5
    return s


CASES = [
    (reciprocal_sum, ([1.0, 2.0, 0.0, 4.0],)),
    (reciprocal_sum, ([1.0, 2.0],)),
    (sum_until_negative, (np.array([1, 2, -1, 4], np.float32),)),
    (while_index_and_sum, ([1.0, 2.0, 0.0, 4.0],)),
    (condition_raises, ([1.0, 4.0, 2.0],)),
    (nested_grid, ([[1.0, 2.0], [5.0, 0.0, 4.0]],)),
    (while_with_break, ([1.0, 2.0, 3.0], 100.0)),
    (while_with_break, ([1.0, 2.0, 3.0], 2.5)),
    (else_branch_assigns_then_raises, (2.0, {})),
    (else_branch_assigns_then_raises, (200.0, {})),
    (statements_of_the_failing_iteration, ([1.0, 2.0, 3.0, 4.0],)),
    (finally_returns, ([1.0, 4.0, 0.0, 2.0],)),
    (calls_finally_reads, ([1.0, 4.0, 0.0],)),
    (suppressing_manager, ([1.0, 4.0, 0.0, 2.0],)),
    (contextlib_suppress, ([1.0, 4.0, 0.0, 2.0],)),
    (generator_raises, (6,)),
    (recursive, ([1.0, -1.0], 1)),
]


@pytest.mark.parametrize("function, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_converted_keeps_the_work_done_before_the_exception(function, args):
    expected = function(*args)
    assert repr(py2lax.convert(function)(*args)) == repr(expected)


def total_until_missing_key(keys, x):
    table = {"a": 1.0, "b": 2.0}
    total = x * 0.0
    try:
        for k in keys:
            total = total + table[k] * x
    except KeyError:
        pass
    return total


def test_jit_static_loop_keeps_the_traced_partial_sum():
    """A loop over a static list under jit runs as Python: its KeyError is Python's, and
    the traced sum up to it is kept."""
    jitted = py2lax.autograph_jit(total_until_missing_key, static_argnums=0)
    keys = ("a", "b", "c", "a")
    assert float(jitted(keys, jnp.float32(2.0))) == total_until_missing_key(keys, 2.0) == 6.0


def traced_loop_inside_try(x, n):
    s = x * 0.0
    try:
        for i in range(n):
            s = s + x
    except ValueError:
        s = -1.0
    return s


def test_compiled_loop_inside_try_still_compiles():
    jitted = py2lax.autograph_jit(traced_loop_inside_try)
    assert float(jitted(jnp.float32(1.5), 4)) == 6.0


def outside_any_try(xs):
    s = 0.0
    for x in xs:
        s += 1.0 / x
    return s


def finally_reads_nothing_carried(xs, log):
    s = 0.0
    try:
        for x in xs:
            s += x
    finally:
        log.append("done")
    return s


def test_only_statements_whose_exception_is_seen_are_wrapped():
    """An exception that leaves the function, or passes a `finally` that reads none of
    the loop's variables, is seen by no one: no wrapper."""
    assert "partial_carry" not in py2lax.to_source(outside_any_try)
    assert "partial_carry" not in py2lax.to_source(finally_reads_nothing_carried)
    source = py2lax.to_source(reciprocal_sum)
    assert re.search(r"except BaseException as (raised_\d+):\n\s+"
                     r"s, = py2lax.partial_carry\(\1, loop_body_\d+, s=s\)\n\s+raise\n",
                     source), source


def test_standalone_output_has_no_wrapper():
    source = '''
import jax

@jax.jit
def f(xs, d):
    s = 0.0
    try:
        for i in range(3):
            s += xs[i]
            if d > 0:
                s = s * 2
    except ValueError:
        s = -1.0
    return s
'''
    out = transpile(source, standalone=True)
    # (no runtime: the output's own `_py2lax_...` helpers, defined in it, are plain jax)
    assert "partial_carry" not in out and "py2lax." not in out and "import py2lax" not in out
    assert "jax.lax.cond" in out


def test_cli_prints_one_comment_per_wrapped_statement():
    source = '''
import jax

@jax.jit
def f(xs, d):
    s = 0.0
    try:
        for i in range(3):
            s += xs[i]
    except ValueError:
        s = -1.0
    return s
'''
    out = transpile(source, readable=True)
    assert out.count("# for i in range(3):") == 1
    assert "py2lax.partial_carry(" in out


# ------------------------------------------------------ a `raise` a `with` suppresses
def suppressed_under_traced_if(x):
    s = 1.0
    with contextlib.suppress(ValueError):
        s = s + 1.0
        if x > 0:
            raise ValueError("positive")
        s = s * 10.0
    return s


def suppressed_subclass_leaves_loop(x, n):
    s = 0.0
    k = 0
    with contextlib.suppress(LookupError):
        for i in range(n):
            s = s + x
            if s > 3.0:
                raise KeyError(i)
            k = k + 1
        s = -s
    return s, k


def suppress_inside_loop(xs):
    total = 0.0
    for x in xs:
        with contextlib.suppress(ArithmeticError):
            if x < 0:
                raise ZeroDivisionError
            total = total + x
    return total


def suppressed_message_with_call(x):
    s = 0.0
    with contextlib.suppress(ValueError):
        s += 1.0
        if x > 1:
            raise ValueError(str(x))
        s += x
    return s


@pytest.mark.parametrize("function, args, static", [
    (suppressed_under_traced_if, (1.5,), ()),
    (suppressed_under_traced_if, (-1.5,), ()),
    (suppressed_subclass_leaves_loop, (1.5, 5), (1,)),
    (suppressed_subclass_leaves_loop, (0.5, 5), (1,)),
    (suppress_inside_loop, ([1.0, -2.0, 3.0],), ()),
    (suppressed_message_with_call, (0.5,), ()),
    (suppressed_message_with_call, (1.5,), ()),
])
def test_raise_that_contextlib_suppress_ends_compiles_as_a_jump(function, args, static):
    """R9: Python suppresses the `raise`; the compiled program used to raise JAX's
    runtime error. It is a jump to the end of the `with` block now."""
    expected = function(*args)
    traced = tuple(a if i in static else jnp.asarray(a, jnp.float32)
                   for i, a in enumerate(args))
    got = py2lax.autograph_jit(function, static_argnums=static)(*traced)
    np.testing.assert_allclose(np.asarray(got, np.float32), np.asarray(expected, np.float32))
    assert repr(py2lax.convert(function)(*args)) == repr(expected)


class Swallowing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


class PassingThrough:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        return None


def raise_in_swallowing_block(x):
    s = 0.0
    for i in range(4):
        with Swallowing():
            s += 1.0
            if x > 1:
                raise ValueError("x")
            s += x
    return s


def raise_in_passing_block(x):
    s = 0.0
    with PassingThrough() as p, PassingThrough():
        s += 1.0
        if x > 1:
            raise ValueError("too big")
        s += x
    return s


def test_raise_a_custom_manager_may_suppress_is_refused_at_its_line():
    """The manager suppresses the error while tracing too: the refusal still reaches
    the caller (it used to be swallowed, and the result silently wrong)."""
    assert py2lax.convert(raise_in_swallowing_block)(0.5) == 6.0
    with pytest.raises(py2lax.ConversionError, match=r"`Swallowing`\) may suppress it") as info:
        py2lax.autograph_jit(raise_in_swallowing_block)(jnp.float32(0.5))
    assert f"{__file__}:" in str(info.value) and "contextlib.suppress" in str(info.value)


def test_raise_a_custom_manager_never_suppresses_is_raised_when_it_runs():
    jitted = py2lax.autograph_jit(raise_in_passing_block)
    assert float(jitted(jnp.float32(0.5))) == raise_in_passing_block(0.5) == 1.5


def test_which_managers_may_suppress():
    from py2lax.runtime.raising_branches import may_suppress

    @contextlib.contextmanager
    def plain():
        yield

    @contextlib.contextmanager
    def catching():
        try:
            yield
        except ValueError:
            pass

    error = ValueError("x")
    assert may_suppress(contextlib.suppress(ValueError), error)
    assert not may_suppress(contextlib.suppress(KeyError), error)
    assert not may_suppress(contextlib.nullcontext(), error)
    assert not may_suppress(threading.Lock(), error)
    assert not may_suppress(PassingThrough(), error)
    assert may_suppress(Swallowing(), error)
    assert not may_suppress(plain(), error)
    assert may_suppress(catching(), error)


def calls_swallowing_helper(x):
    s = 0.0
    with Swallowing():
        s = raise_in_swallowing_block(x)
    return s + 1.0


def test_refusal_swallowed_again_by_the_caller_still_reaches_the_user():
    with pytest.raises(py2lax.ConversionError, match=r"`Swallowing`\) may suppress it"):
        py2lax.autograph_jit(calls_swallowing_helper)(jnp.float32(0.5))
    # the refusal noted while tracing does not leak into the next conversion
    assert float(py2lax.autograph_jit(raise_in_passing_block)(jnp.float32(0.5))) == 1.5
