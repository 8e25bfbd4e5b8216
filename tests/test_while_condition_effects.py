"""A traced ``while`` condition that changes Python state is a located refusal.

Python runs ``tick()`` in ``while tick() < 5 and x > 0`` once per test; a compiled loop
traces its condition once, so the counter would be wrong silently. Conditions without
effects convert as before.
"""

import pytest

import py2lax

COUNT = 0


def bump():
    global COUNT
    COUNT += 1
    return COUNT


class Counter:
    def __init__(self):
        self.c = 0

    def next(self):
        self.c += 1
        return self.c


def nonlocal_tick(x):
    n = 0

    def tick():
        nonlocal n
        n += 1
        return n

    while tick() < 5 and x > 0:
        x = x - 1
    return x, n


def method_tick(x):
    it = Counter()
    while it.next() < 5 and x > 0:
        x = x - 1
    return x, it.c


def method_tick_on_the_right(x):
    it = Counter()
    while x > 0 and it.next() < 10:
        x = x - 1
    return x, it.c


def global_tick(x):
    while bump() < 5 and x > 0:
        x = x - 1
    return x


@pytest.mark.parametrize("function", [nonlocal_tick, method_tick, method_tick_on_the_right,
                                      global_tick])
def test_condition_with_effects_is_refused_at_the_loop(function):
    with pytest.raises(py2lax.ConversionError, match="changes Python state") as refused:
        py2lax.autograph_jit(function)(10.0)
    assert "test_while_condition_effects.py" in str(refused.value)


def test_effects_run_as_python_on_python_values():
    assert py2lax.convert(nonlocal_tick)(10.0) == nonlocal_tick(10.0) == (6.0, 5)
    assert py2lax.convert(method_tick)(2.0) == method_tick(2.0) == (0.0, 3)


def test_a_condition_without_effects_still_converts():
    def countdown(x):
        i = 0
        while i < 5 and x > 0:
            x = x - 1
            i += 1
        return x, i

    x, i = py2lax.autograph_jit(countdown)(10.0)
    assert (float(x), int(i)) == countdown(10.0)
