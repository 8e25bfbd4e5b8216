"""Text made from a traced value (``s = f"pos {x}"``, ``"x=" + str(x)``) is refused at
its line: under jit its text would be ``JitTracer(...)``, carried and measured as if it
were Python's string. Static values, ``print`` and ``raise`` messages keep working."""

import jax.numpy as jnp
import pytest

import py2lax


def label_length(x):
    if x > 0:
        s = f"pos {x}"
    else:
        s = "neg"
    return len(s)


def returned_text(x):
    return "x=" + str(x)


@pytest.mark.parametrize("function", [label_length, returned_text])
def test_text_of_a_traced_value_is_refused_at_its_line(function):
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(function)(jnp.float32(1.5))
    assert "string made from a traced value" in str(caught.value)
    assert f"test_formatted_values.py:{function.__code__.co_firstlineno + 2 - (function is returned_text)}" \
        in str(caught.value)


@pytest.mark.parametrize("function", [label_length, returned_text])
def test_python_values_keep_pythons_text(function):
    assert py2lax.convert(function)(1.5) == function(1.5)


def static_names(x, n):
    names = []
    for i in range(n):
        names.append(f"w{i}")
    total = x * len(names)
    if x < 0:
        raise ValueError(f"x must be positive, got {x}")
    return total, names


def test_static_text_print_and_raise_messages_still_convert():
    total, names = py2lax.autograph_jit(static_names, static_argnames="n")(jnp.float32(2.0), 3)
    assert float(total) == 6.0 and names == ["w0", "w1", "w2"]
    assert "py2lax.formatted" not in py2lax.transpile(
        "def f(x):\n    s = f'{x}'\n    return s\n")
