"""``if obj:`` where the user's class defines ``__bool__`` (or ``__len__``) computing a
traced comparison: Python calls the method, so the conversion does, and a traced result
makes a traced ``if`` (was a raw "__bool__ should return bool" TypeError)."""

import jax.numpy as jnp
import pytest

import py2lax


class Flag:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        return self.v > 0


class Window:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def sign_by_flag(x):
    if Flag(x):
        return x
    return -x


def empty_window(x, n):
    w = Window(n)
    if w:
        return x * 2
    return x


@pytest.mark.parametrize("x", [3.0, -1.0])
def test_a_user_bool_method_decides_a_traced_if(x):
    assert float(py2lax.autograph_jit(sign_by_flag)(jnp.float32(x))) == sign_by_flag(x)
    assert py2lax.convert(sign_by_flag)(x) == sign_by_flag(x)


@pytest.mark.parametrize("n", [0, 4])
def test_a_user_len_method_decides_a_traced_if(n):
    got = py2lax.autograph_jit(empty_window)(jnp.float32(1.5), jnp.int32(n))
    assert float(got) == empty_window(1.5, n)
