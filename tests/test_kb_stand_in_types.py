"""Type tests on a container a traced ``if`` resized answer as Python does (the oracle):
py2lax holds a masked list/dict for it, and ``isinstance``/``type`` must see a list/dict."""

import jax.numpy as jnp

import py2lax


def grows_a_display(x):
    L = [1.0, 2.0]
    if x > 0:
        L.append(3.0)
    return (isinstance(L, list), type(L) is list, type(L).__name__ == "list",
            isinstance(L, (list, tuple)), isinstance(L, dict))


def grows_a_copy(x, items):
    L = list(items)
    if x > 0:
        L.append(3.0)
    return isinstance(L, list), type(L) is list, type(L).__name__ == "list"


def grows_a_parameter(x, L):
    if x > 0:
        L.append(3.0)
    return isinstance(L, list), type(L) is list


def grows_a_dict(x):
    d = {"a": 1.0}
    if x > 0:
        d["b"] = 2.0
    return isinstance(d, dict), type(d) is dict, isinstance(d, list)


def _check(function, *arguments):
    for x in (1.0, -1.0):
        expected = function(x, *[list(a) for a in arguments])
        got = py2lax.autograph_jit(function)(jnp.float32(x), *[list(a) for a in arguments])
        assert [bool(v) for v in got] == list(expected)
        plain = py2lax.convert(function)(x, *[list(a) for a in arguments])
        assert [bool(v) for v in plain] == list(expected)


def test_list_display_resized_by_traced_if_is_a_list():
    _check(grows_a_display)


def test_copied_list_resized_by_traced_if_is_a_list():
    _check(grows_a_copy, [1.0])


def test_parameter_list_resized_by_traced_if_is_a_list():
    _check(grows_a_parameter, [1.0])


def test_dict_given_a_key_by_traced_if_is_a_dict():
    _check(grows_a_dict)
