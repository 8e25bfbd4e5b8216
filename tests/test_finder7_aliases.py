"""A traced choice between two existing lists, dicts or NumPy arrays, then a change
through the chosen name (finder7, q172).

``target = pos if v > 0 else neg; target.append(v)``: in Python ``target`` *is* ``pos``
or ``neg``, so the append shows in one of them. Under jit the choice is a ``lax.cond``
whose output is a new container, so the change reaches neither and the answer is
silently different (``(0, 0)`` instead of ``(2, 1)``). Two user objects are already
refused at the choice (CarryTypeError "a Box in the true branch but a Box in the false
branch"); lists, dicts and arrays are merged leaf by leaf. A read-only choice
(``t = a if c else b; t[0] + t[1]``) is correct and must stay so.

Lists and dicts: a located ``py2lax.OuterWriteError`` at the choice's line when the copy
is changed (append, extend, pop, insert, an item or key;
``t += [v]`` is not yet seen), and NumPy arrays chosen so and written by item. Choices
between new containers, or rebinding a name no other name shares, keep Python's answer.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def add_to(bucket, v):
    bucket.append(v)


def append_through_helper(x):
    pos, neg = [], []
    for v in x:
        target = pos if v > 0 else neg
        add_to(target, v)
    return len(pos), len(neg)


def append_direct(x):
    pos, neg = [], []
    target = pos if x > 0 else neg
    target.append(x)
    return len(pos), len(neg)


def chosen_by_if_statement(x):
    pos, neg = [], []
    if x > 0:
        target = pos
    else:
        target = neg
    target.append(x)
    return len(pos), len(neg)


def item_of_chosen_list(x):
    a, b = [0], [0]
    c = a if x > 0 else b
    c[0] += 1
    return a[0], b[0]


def key_of_chosen_dict(x):
    a, b = {"n": 0.0}, {"n": 0.0}
    t = a if x > 0 else b
    t["n"] += 1.0
    return a["n"], b["n"]


def element_of_chosen_numpy_array(x):
    a, b = np.zeros(2), np.zeros(2)
    t = a if x > 0 else b
    t[0] += 1.0
    return a[0], b[0]


def one_new_one_existing(x):
    base = [1.0, 2.0]
    t = base if x > 0 else [0.0, 0.0]
    t[0] = 5.0
    return base[0], t[0]


def popped_from_chosen_list(x):
    a, b = [1.0, 2.0], [3.0, 4.0]
    t = a if x > 0 else b
    v = t.pop()
    return len(a), len(b), v


def inserted_into_chosen_list(x):
    a, b = [1.0, 2.0], [3.0, 4.0]
    t = a if x > 0 else b
    t.insert(0, 9.0)
    return len(a), len(b)


REFUSED = [
    (popped_from_chosen_list, (1.0,), "t = a if x > 0 else b"),
    (inserted_into_chosen_list, (1.0,), "t = a if x > 0 else b"),
    (append_through_helper, (np.array([1.0, -2.0, 3.0]),), "target = pos if v > 0 else neg"),
    (append_direct, (1.0,), "target = pos if x > 0 else neg"),
    (chosen_by_if_statement, (1.0,), "if x > 0:"),
    (item_of_chosen_list, (1.0,), "c = a if x > 0 else b"),
    (key_of_chosen_dict, (1.0,), "t = a if x > 0 else b"),
    (one_new_one_existing, (1.0,), "t = base if x > 0 else [0.0, 0.0]"),
]


@pytest.mark.parametrize("function, args, line", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_change_through_a_traced_choice_of_lists_or_dicts_is_located(function, args, line):
    assert py2lax.convert(function)(*args) == function(*args)  # Python values: Python's answer
    with pytest.raises(py2lax.OuterWriteError) as info:
        py2lax.autograph_jit(function)(*args)
    assert "test_finder7_aliases.py" in str(info.value) and line in str(info.value)


OPEN = [
    (element_of_chosen_numpy_array, (1.0,)),
]


def _python_answer_or_located_error(function, args):
    expected = function(*args)
    try:
        got = py2lax.autograph_jit(function)(*args)
    except py2lax.ConversionError as error:
        assert "test_finder7_aliases.py" in str(error)
        return
    assert np.allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float)), (got, expected)


@pytest.mark.parametrize("function, args", OPEN, ids=[o[0].__name__ for o in OPEN])
def test_change_through_a_traced_choice_of_numpy_arrays(function, args):
    _python_answer_or_located_error(function, args)


def read_only_choice(x):
    a, b = [1.0, 2.0], [3.0, 4.0]
    t = a if x > 0 else b
    return t[0] + t[1]


def new_lists(x):
    t = [x] if x > 0 else [x * 2]
    t.append(1.0)
    return t[0] + t[1]


def rebound_when_one_name_holds_it(x):
    out = [1.0, 2.0]
    if x > 0:
        out = [0.0, 0.0]
    out[0] = x
    return out[0] + 10 * out[1]


def same_list_both_ways(x):
    acc = [0.0]
    t = acc if x > 0 else acc
    t[0] += 1.0
    return acc[0]


@pytest.mark.parametrize("function", [read_only_choice, new_lists, rebound_when_one_name_holds_it,
                                      same_list_both_ways])
@pytest.mark.parametrize("x", [1.0, -1.0])
def test_traced_choices_python_shares_nothing_through_keep_pythons_answer(function, x):
    expected = function(x)
    got = py2lax.autograph_jit(function)(x)
    assert np.allclose(float(got), float(expected))


def array_chosen_by_if_statement(x):
    a, b = np.zeros(2), np.ones(2)
    if x > 0:
        t = a
    else:
        t = b
    t[1] = 5.0
    return a, b


def array_choice_rebound_before_the_write(x):
    a, b = np.zeros(2), np.ones(2)
    t = a if x > 0 else b
    t = t + 1.0
    t[0] = 3.0
    return t, a, b


def array_choice_between_new_arrays(x):
    t = np.zeros(2) if x > 0 else np.ones(2)
    t[0] = x
    return t


def test_an_item_write_through_an_array_a_traced_if_chose_is_located():
    assert np.allclose(py2lax.convert(array_chosen_by_if_statement)(1.0),
                       array_chosen_by_if_statement(1.0))
    with pytest.raises(py2lax.OuterWriteError) as info:
        py2lax.autograph_jit(array_chosen_by_if_statement)(1.0)
    assert "test_finder7_aliases.py" in str(info.value) and "array 't'" in str(info.value)


@pytest.mark.parametrize("function", [array_choice_rebound_before_the_write,
                                      array_choice_between_new_arrays])
@pytest.mark.parametrize("x", [1.0, -1.0])
def test_an_array_choice_not_written_through_keeps_python_s_answer(function, x):
    expected = function(x)
    got = py2lax.autograph_jit(function)(x)
    for g, e in zip(got if isinstance(got, tuple) else (got,),
                    expected if isinstance(expected, tuple) else (expected,)):
        assert np.allclose(np.asarray(g), e)
