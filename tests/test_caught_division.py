"""A division inside a ``try`` that catches ZeroDivisionError (transforms/caught_division).

Python runs the handler for a zero divisor; a compiled division never raises (``inf``).
Where the divisor and dividend are the function's own numbers and no handler reads the
error, the decorator tests the divisor first: a traced zero jumps to the handler, as
Python's error does. A division by or of what may be a NumPy array's item (which divides
by zero to ``inf`` in Python too), or one a handler reads the error of, is refused at
the user's line. Python values, static divisors and divisions outside such a ``try``
keep their meaning.
"""

from __future__ import annotations

import contextlib
import math

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return 0.0


def calls_safe_div(a, b):
    return safe_div(a, b) + 1.0


def suppressed(x):
    r = -1.0
    with contextlib.suppress(ZeroDivisionError):
        r = 1.0 / x
    return r


def arithmetic_error_floor(a, b):
    try:
        q = a // b
    except (ValueError, ArithmeticError):
        q = -1
    return q


def in_a_traced_loop(xs, d):
    total = 0.0
    for x in xs:
        try:
            total = total + x / d
        except ZeroDivisionError:
            total = total - 1.0
    return total


def reads_the_error(a, b):
    try:
        r = a / b
    except ZeroDivisionError as error:
        r = float(len(str(error)))
    return r


@pytest.mark.parametrize("function, args", [
    (safe_div, (1.0, 0.0)), (safe_div, (3.0, 2.0)), (calls_safe_div, (1.0, 0.0)),
    (calls_safe_div, (1.0, 2.0)), (suppressed, (0.0,)), (suppressed, (4.0,)),
    (arithmetic_error_floor, (7, 0)), (arithmetic_error_floor, (7, 2)),
])
def test_a_traced_zero_divisor_runs_the_handler(function, args):
    expected = function(*args)
    actual = py2lax.autograph_jit(function)(*[jnp.asarray(a) for a in args])
    assert float(actual) == pytest.approx(expected)


@pytest.mark.parametrize("function, args, line", [
    (in_a_traced_loop, (np.array([1.0, 2.0]), 0.0), "total = total + x / d"),
    (reads_the_error, (1.0, 0.0), "r = a / b"),
])
def test_a_traced_divisor_a_handler_waits_for_is_refused_at_its_line(function, args, line):
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(function)(*[jnp.asarray(a) for a in args])
    message = str(caught.value)
    assert __file__ in message and line in message and "b != 0" in message


@pytest.mark.parametrize("function, args", [
    (safe_div, (1.0, 0.0)), (safe_div, (3.0, 2.0)), (suppressed, (0.0,)), (suppressed, (4.0,)),
    (arithmetic_error_floor, (7, 0)), (arithmetic_error_floor, (7, 2)),
    (in_a_traced_loop, ([1.0, 2.0], 0.0)), (in_a_traced_loop, ([1.0, 2.0], 2.0)),
    (reads_the_error, (1.0, 0.0)), (reads_the_error, (1.0, 4.0)),
])
def test_python_values_divide_and_raise_as_python(function, args):
    assert py2lax.convert(function)(*args) == function(*args)


def test_a_static_divisor_is_python_under_jit():
    jitted = py2lax.autograph_jit(safe_div, static_argnums=1)
    assert float(jitted(jnp.float32(3.0), 0.0)) == 0.0
    assert float(jitted(jnp.float32(3.0), 2.0)) == 1.5


def test_a_division_outside_such_a_try_is_jax_division():
    def plain(a, b):
        try:
            r = a / b
        except ValueError:
            r = 0.0
        return r

    assert np.isinf(float(py2lax.autograph_jit(plain)(jnp.float32(1.0), jnp.float32(0.0))))


def test_the_command_line_leaves_the_division_as_written():
    source = "def f(a, b):\n    try:\n        return a / b\n    except ZeroDivisionError:\n        return 0.0\n"
    text = py2lax.transpile(source, "m.py", all_functions=True)
    assert "py2lax.divide" not in text


def test_string_formatting_with_a_traced_value_is_not_a_division():
    def labelled(x):
        try:
            text = "%s" % x
        except ZeroDivisionError:
            text = ""
        return len(text) > 0

    assert bool(py2lax.autograph_jit(labelled)(jnp.float32(2.0)))


# -- `except Exception:` catches ZeroDivisionError too; math functions' own errors ------


def broad_handler(a, b):
    try:
        r = a / b
    except Exception:
        r = 0.0
    return r


def checked_sqrt(x):
    try:
        r = math.sqrt(x)
    except ValueError:
        r = -1.0
    return r


def checked_exp(x):
    try:
        r = math.exp(x)
    except OverflowError:
        r = -1.0
    return r


def checked_log_bare(x):
    try:
        r = math.log(x)
    except:  # noqa: E722
        r = -1.0
    return r


def test_a_broad_handler_runs_for_a_traced_zero_divisor():
    for args in [(1.0, 0.0), (1.0, 4.0)]:
        jitted = py2lax.autograph_jit(broad_handler)(*[jnp.float32(a) for a in args])
        assert float(jitted) == broad_handler(*args)


@pytest.mark.parametrize("function,args", [
    (checked_sqrt, (-4.0,)), (checked_exp, (1000.0,)), (checked_log_bare, (0.0,))])
def test_a_traced_value_a_broad_or_math_handler_waits_for_is_refused(function, args):
    with pytest.raises(py2lax.TracedValueError) as refused:
        py2lax.autograph_jit(function)(*[jnp.float32(a) for a in args])
    assert refused.value.location.filename == __file__
    assert py2lax.convert(function)(*args) == function(*args)  # Python values: Python


def test_a_numpy_zero_divisor_divides_as_numpy_does():
    def numpy_zero(x):
        d = np.float64(0.0)
        try:
            r = 1.0 / d
        except ZeroDivisionError:
            r = -1.0
        return r + x

    with np.errstate(divide="ignore"):
        assert np.isinf(float(py2lax.autograph_jit(numpy_zero)(jnp.float32(1.0))))
        assert np.isinf(py2lax.convert(numpy_zero)(1.0))


def test_math_outside_such_a_try_and_python_values_are_python():
    def fine(x):
        try:
            n = int("12")
        except ValueError:
            n = 0
        return math.sqrt(4.0) * x + n

    assert float(py2lax.autograph_jit(fine)(jnp.float32(2.0))) == 16.0


def nested_augmented(a, b):
    s = a
    try:
        try:
            s /= b
        except ZeroDivisionError:
            s = 2.0
    except ArithmeticError:
        s = 3.0
    return s


def test_a_division_in_nested_trys_is_tested_once():
    """Each `try` that catches ZeroDivisionError is visited for its own body; the inner
    one's `s /= b` was given its divisor test twice."""
    assert py2lax.to_source(nested_augmented).count("zero_divisor") == 1
    for args in [(1.0, 0.0), (1.0, 4.0)]:
        jitted = py2lax.autograph_jit(nested_augmented)(*map(jnp.float32, args))
        assert float(jitted) == nested_augmented(*args)
