"""The user's ``__getitem__``/``__add__``/``__radd__``/``__iadd__`` that Python calls for
``obj[i]``, ``a + b``, ``a += b`` are converted like a method called by name: a traced
``if`` in them gives Python's answer (the oracle), not TracerBoolConversionError."""

import jax.numpy as jnp
import numpy as np

import py2lax


class Folded:
    def __getitem__(self, x):
        if x > 0:
            return x
        return -x


class Account:
    def __init__(self):
        self.total = 0.0

    def __iadd__(self, x):
        if x > 0:
            self.total = self.total + x
        return self

    def __add__(self, x):
        if x > 0:
            return self.total + x
        return self.total - x

    def __radd__(self, x):
        if x > 0:
            return x * 10.0
        return x


def read_item(x):
    return Folded()[x] + 1.0


def add_in_place(x):
    account = Account()
    account += x
    account += 2.0
    return account.total


def add(x):
    return Account() + x


def add_reflected(x):
    return x + Account()


def numbers_unchanged(x):
    y = x
    y += 1.0
    return [x, y][1] + x * 2.0


def _check(function):
    for x in (1.5, -2.0):
        expected = function(np.float32(x))
        assert np.allclose(py2lax.autograph_jit(function)(jnp.float32(x)), expected)
        assert np.allclose(py2lax.convert(function)(np.float32(x)), expected)


def test_getitem_with_traced_if():
    _check(read_item)


def test_iadd_with_traced_if():
    _check(add_in_place)


def test_add_with_traced_if():
    _check(add)


def test_radd_with_traced_if():
    _check(add_reflected)


def test_plain_operators_unchanged():
    _check(numbers_unchanged)
