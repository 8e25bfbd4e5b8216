"""A `for` over a generator with a traced `break`: Python stops drawing items at the
break, py2lax draws them all while tracing. A draw that changes something the user sees
is refused (located); a generator without effects keeps working."""

import jax.numpy as jnp
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError

DRAWS = 0


def sum_until_past(x):
    drawn = []

    def numbers():
        for i in range(5):
            drawn.append(i)
            yield i

    s = x * 0.0
    for v in numbers():
        if s > x:
            break
        s = s + v
    return s, len(drawn)


def counted_numbers():
    global DRAWS
    for i in range(5):
        DRAWS += 1
        yield i


def sum_over_counted(x):
    s = x * 0.0
    for v in counted_numbers():
        if s > x:
            break
        s = s + v
    return s


def squares(n):
    for i in range(n):
        yield i * i


def sum_of_squares_until_past(x):
    s = x * 0.0
    for v in squares(6):
        if s > x:
            break
        s = s + v
    return s


@pytest.mark.parametrize("function", [sum_until_past, sum_over_counted])
def test_a_draw_with_effects_after_a_traced_break_is_refused(function):
    with pytest.raises(ConversionError, match="drawing the next item") as caught:
        py2lax.autograph_jit(function)(jnp.float32(2.0))
    assert caught.value.location is not None


def test_a_generator_without_effects_keeps_pythons_meaning():
    for x in (2.0, 100.0):
        assert float(py2lax.autograph_jit(sum_of_squares_until_past)(jnp.float32(x))) == \
            sum_of_squares_until_past(x)


def test_plain_python_values_draw_as_python():
    assert py2lax.convert(sum_until_past)(2.0) == sum_until_past(2.0) == (3.0, 4)
