"""``print`` writes ``str`` of each argument, as Python does, in plain runs and when the
compiled program prints.

The conversion wrote ``print(a, b)`` as ``"{} {}".format(a, b)``, which calls
``format(v, "")``: a class whose ``__format__`` differs from its ``__str__`` printed the
other text. In a traced branch, ``jax.debug.print`` turned the Python numbers of an
argument into arrays: ``print("pos", x, [1, 2])`` printed ``[Array(1, dtype=int32), ...]``.
"""

import contextlib
import io

import jax
import jax.numpy as jnp

import py2lax


class Shown:
    def __str__(self):
        return "str-text"

    def __format__(self, spec):
        return "format-text"


def show_object(x):
    print("value", Shown(), x)
    print(f"{Shown()}")  # an f-string field is format()'s, in Python too
    return x


def show_list_in_branch(x):
    if x > 0:
        print("pos", x, [1, 2])
    return x


def _printed(function, *args):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function(*args)
        jax.effects_barrier()
    return buffer.getvalue()


def test_plain_run_prints_str():
    assert _printed(py2lax.convert(show_object), 2.5) == _printed(show_object, 2.5)


def test_compiled_print_keeps_python_numbers():
    expected = _printed(show_list_in_branch, 2.0)
    assert _printed(py2lax.autograph_jit(show_list_in_branch), jnp.float32(2.0)) == expected
