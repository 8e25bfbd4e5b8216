"""A helper that rebinds a global or a closure variable, called in a traced branch or
loop body (finder8, s066).

``def bump(v): global calls; calls += 1`` called under ``if x > 0:`` with a traced
``x``: Python counts only the calls the taken branch makes, but ``lax.cond`` traces both
branches once whatever ``x`` is, so the count was silently 3 where Python says 0. The
traced body's watch (runtime/effects.py) now also watches the global and ``nonlocal``
names the helpers it calls assign, and a rebinding is refused at the user's ``if`` or
loop (``OuterWriteError``); a static branch or loop keeps Python's meaning, and a
``nonlocal`` of the converted function itself is still carried out of the branch.
"""

from __future__ import annotations

import pytest

import py2lax

calls = 0
log_total = 0.0


def bump(v):
    global calls
    calls += 1
    return v + 1


def counted_in_traced_if(x):
    global calls
    calls = 0
    for _ in range(3):
        if x > 0:
            x = bump(x)
        else:
            x = x - 1
    return x, calls


def counted_in_static_loop(x):
    global calls
    calls = 0
    for _ in range(3):
        x = bump(x)
    return x, calls


def nonlocal_tick_in_traced_if(x):
    n = 0

    def tick():
        nonlocal n
        n += 1

    if x > 0:
        tick()
    return n


def record(v):
    global log_total
    log_total = log_total + v


def logged_in_traced_while(x):
    global log_total
    log_total = 0.0
    while x > 1.0:
        record(x)
        x = x / 2.0
    return x, log_total


def make_counter():
    count = 0

    def tick():
        nonlocal count
        count += 1
        return count

    return tick


TICK = make_counter()


def factory_counter_in_traced_if(x):
    if x > 0:
        x = x + TICK()
    return x


def method_sets_global_through_helper(xs):
    global calls
    calls = 0
    total = 0
    for v in xs:
        if v > 0:
            total = bump(total)
    return total, calls


@pytest.mark.parametrize("fn, args", [
    (counted_in_traced_if, (1,)),
    (counted_in_traced_if, (-1,)),
    (factory_counter_in_traced_if, (-1.0,)),
    (logged_in_traced_while, (8.0,)),
    (method_sets_global_through_helper, ([1, -1, 2],)),
], ids=["if-pos", "if-neg", "factory-closure", "while", "for-list"])
def test_rebinding_in_a_traced_body_is_refused_at_the_statement(fn, args):
    with pytest.raises(py2lax.OuterWriteError) as info:
        py2lax.autograph_jit(fn)(*args)
    assert "test_finder8_outer_bindings.py" in str(info.value)


@pytest.mark.parametrize("fn, args", [
    (counted_in_traced_if, (1,)),
    (counted_in_traced_if, (-1,)),
    (nonlocal_tick_in_traced_if, (-1.0,)),
    (logged_in_traced_while, (8.0,)),
])
def test_python_values_keep_python(fn, args):
    assert py2lax.convert(fn)(*args) == fn(*args)


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_nonlocal_of_the_function_itself_is_carried(x):
    # `tick` rebinds `n` of the converted function: the branch carries it (not refused)
    assert int(py2lax.autograph_jit(nonlocal_tick_in_traced_if)(x)) == nonlocal_tick_in_traced_if(x)


def test_static_loop_keeps_python():
    got = py2lax.autograph_jit(counted_in_static_loop)(1)
    assert tuple(int(v) for v in got) == counted_in_static_loop(1) == (4, 3)
