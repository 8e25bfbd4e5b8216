"""``and``/``or`` between a traced value and an object that is no number or array.

Found by the finder7 hidden-style programs (``if v > 0 and stack: stack.pop()``): Python
returns one of the operands, a list or ``None`` the compiled program cannot choose at run
time. It was JAX's raw ``TypeError`` from ``jnp.where``; it is now a located
``py2lax.TracedValueError`` at the user's line. Operands that are numbers or arrays
still give Python's answer.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def pop_while_positive(x):
    st = [1.0, 2.0, 3.0, 4.0]
    for v in x:
        if v > 0 and st:
            st.pop()
    return sum(st)


def or_with_list(x):
    st = [1.0, 2.0]
    c = 0
    for v in x:
        if v > 0 or st:
            c += 1
    return c


def and_with_none(x):
    d = None
    if x > 0 and d:
        return 1
    return 0


def returns_string_or_false(x):
    return x > 0 and "yes"


def while_and_list(x):
    st = [1.0, 2.0]
    n = 0
    while x > n and st:
        n += 1
    return n


REFUSED = [
    (pop_while_positive, (np.array([1.0, -1.0, 2.0]),), "if v > 0 and st:"),
    (or_with_list, (np.array([1.0, -1.0]),), "if v > 0 or st:"),
    (and_with_none, (1.0,), "if x > 0 and d:"),
    (returns_string_or_false, (1.0,), 'return x > 0 and "yes"'),
    (while_and_list, (3.0,), "while x > n and st:"),
]


@pytest.mark.parametrize("function, args, line", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_traced_and_or_with_a_container_is_refused_at_the_users_line(function, args, line):
    with pytest.raises(py2lax.TracedValueError) as info:
        py2lax.autograph_jit(function)(*args)
    message = str(info.value)
    assert "test_finder7_logical.py" in message and line in message
    assert "len(items) > 0" in message or "is not None" in message


def pop_with_len_test(x):
    st = [1.0, 2.0, 3.0, 4.0]
    n = 0
    for v in x:
        if v > 0 and len(st) > n:
            n += 1
    return n


def or_default_number(x, default):
    return x or default


def and_numbers(x):
    s = 0.0
    for v in x:
        s = s + (v > 0 and v * 2)
    return s


WORKING = [
    (pop_with_len_test, (np.array([1.0, -1.0, 2.0]),)),
    (or_default_number, (0.0, 7.0)),
    (or_default_number, (3.0, 7.0)),
    (and_numbers, (np.array([1.0, -1.0, 2.0]),)),
]


@pytest.mark.parametrize("function, args", WORKING,
                         ids=[f"{w[0].__name__}{i}" for i, w in enumerate(WORKING)])
def test_traced_and_or_with_numbers_keep_pythons_answer(function, args):
    expected = function(*args)
    got = py2lax.autograph_jit(function)(*args)
    assert np.allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float))


def and_with_a_chosen_string(x):
    tag = "a" if x > 0 else ""
    if x > 1 and tag:
        return 1
    return 0


def test_traced_and_with_a_string_a_traced_if_chose_names_a_string():
    with pytest.raises(py2lax.ConversionError) as info:
        py2lax.autograph_jit(and_with_a_chosen_string)(2.0)
    assert "test_finder7_logical.py" in str(info.value)
    assert "StringChoice" not in str(info.value)
