"""``isinstance`` and ``type`` of a list, dict or set that a traced statement resized.

A list a traced ``if`` appends to on one path (or a loop with a traced test) is carried
as a masked stand-in (``runtime/masked_containers``); ``isinstance(L, list)`` and
``type(L) is list`` answered False for it, where Python says True: a silent wrong answer.
The stand-ins now name the type they stand for, and the type tests of such a name go
through the runtime (``logical_ops``).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def list_tests(x, y):
    L = [x]
    if x > 0:
        L.append(y)
    a = isinstance(L, list)
    b = type(L) is list
    c = type(L).__name__ == "list"
    return (1.0 if a else 0.0) + (2.0 if b else 0.0) + (4.0 if c else 0.0)


def dict_test(x, y):
    d = {"a": x}
    if x > 0:
        d["b"] = y
    return 1.0 if isinstance(d, dict) and not isinstance(d, list) else 0.0


def set_test(x, y):
    s = {1}
    if x > 0:
        s.add(2)
    return 1.0 if type(s) is set else 0.0


def loop_test(x, y):
    L = []
    for e in (x, y, x + y):
        if e > 0:
            L.append(e)
    return 1.0 if isinstance(L, (list, tuple)) else 0.0


@pytest.mark.parametrize("function", [list_tests, dict_test, set_test, loop_test])
@pytest.mark.parametrize("x", [1.5, -1.5])
def test_type_tests_answer_as_python(function, x):
    expected = function(np.float32(x), np.float32(0.5))
    assert float(jax.jit(py2lax.convert(function))(x, 0.5)) == expected
    assert py2lax.convert(function)(x, 0.5) == expected  # on Python values too
