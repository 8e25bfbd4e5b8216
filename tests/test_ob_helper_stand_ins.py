"""A list or dict a traced `if` resized, handed to a helper, checked against Python.

The caller's own ``isinstance(L, list)`` and ``type(L) is list`` go through the runtime,
which answers for the list the masked stand-in holds; a helper's tests of its parameter
did not: ``isinstance(arg, list)`` was False (silently wrong). ``len(arg)`` in a helper
stays a located refusal. A condition on such a container (``if L:``, ``not L``, ``a if L else b``)
was refused even where Python's answer is its traced (or known) non-emptiness."""

import numpy as np
import pytest
import jax.numpy as jnp

import py2lax


def kind_code(arg):
    if isinstance(arg, list):
        return 1.0
    return 0.0


def total(arg):
    s = 0.0
    for v in arg:
        s = s + v
    return s


def described(arg):
    return (1.0 if isinstance(arg, list) else 0.0) + (2.0 if type(arg) is list else 0.0) + (
        4.0 if type(arg).__name__ == "list" else 0.0)


def size(arg):
    return len(arg) * 1.0


def dict_facts(d):
    return (1.0 if isinstance(d, dict) else 0.0) + (2.0 if type(d) is dict else 0.0)


def non_empty(arg):
    if arg:
        return 5.0
    return 6.0


def _grown(x):
    L = [x]
    if x > 0:
        L.append(x * 2)
    return L


def list_kind_and_total(x):
    L = [x]
    if x > 0:
        L.append(x * 2)
    return kind_code(L) + total(L)


def list_described(x):
    L = [x]
    if x > 0:
        L.append(x * 2)
    return described(L)


def list_size(x):
    L = [x]
    if x > 0:
        L.append(x * 2)
    return size(L)


def dict_given(x):
    d = {"a": x}
    if x > 0:
        d["b"] = x * 2
    return dict_facts(d)


def maybe_empty_given(x):
    L = []
    if x > 0:
        L.append(x * 2)
    return non_empty(L)


def conditions_on_resized(x):
    L = []
    if x > 0:
        L.append(x * 2)
    y = x
    if L:
        y = y + 10.0
    if not L:
        y = y - 100.0
    return y + (1.0 if L else 0.0)


def never_empty(x):
    L = [x]
    if x > 0:
        L.append(x * 2)
    return 1.0 if L else 0.0


@pytest.mark.parametrize("fn", [list_kind_and_total, list_described, dict_given,
                                maybe_empty_given, conditions_on_resized, never_empty])
@pytest.mark.parametrize("x", [1.5, -1.5])
def test_helpers_and_conditions_see_the_list_python_has(fn, x):
    want = fn(np.float32(x))
    got = py2lax.autograph_jit(fn)(jnp.float32(x))
    np.testing.assert_allclose(np.asarray(got), want)


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_len_in_a_helper_gives_the_count(x):
    # (refused with ValueDependentShapeError before the helper read the caller's masked list)
    np.testing.assert_allclose(py2lax.autograph_jit(list_size)(jnp.float32(x)), list_size(x))
