"""Open (finder7, q172): a traced choice between two existing lists, dicts or NumPy arrays,
then a change through the chosen name.

``target = pos if v > 0 else neg; target.append(v)``: in Python ``target`` *is* ``pos``
or ``neg``, so the append shows in one of them. Under jit the choice is a ``lax.cond``
whose output is a new container, so the change reaches neither and the answer is
silently different (``(0, 0)`` instead of ``(2, 1)``). Two user objects are already
refused at the choice (CarryTypeError "a Box in the true branch but a Box in the false
branch"); lists, dicts and arrays are merged leaf by leaf. A read-only choice
(``t = a if c else b; t[0] + t[1]``) is correct and must stay so.

The tests are strict xfails: whoever fixes the class (Python's answer, or a located
error at the change) turns them into plain tests.
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


OPEN = [
    (append_through_helper, (np.array([1.0, -2.0, 3.0]),)),
    (append_direct, (1.0,)),
    (chosen_by_if_statement, (1.0,)),
    (item_of_chosen_list, (1.0,)),
    (key_of_chosen_dict, (1.0,)),
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


@pytest.mark.xfail(strict=True, reason="open: a traced choice between containers loses aliasing")
@pytest.mark.parametrize("function, args", OPEN, ids=[o[0].__name__ for o in OPEN])
def test_change_through_a_traced_choice_of_containers(function, args):
    _python_answer_or_located_error(function, args)


def read_only_choice(x):
    a, b = [1.0, 2.0], [3.0, 4.0]
    t = a if x > 0 else b
    return t[0] + t[1]


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_read_only_traced_choice_of_lists_keeps_pythons_answer(x):
    _python_answer_or_located_error(read_only_choice, (x,))
